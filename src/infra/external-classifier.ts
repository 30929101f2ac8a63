import { classificationPrompt, rankingFromReply, type ExternalAnswer } from '../domain/external-classification';
import { OutboundRefused, postJson } from './outbound-http';

export interface ExternalClassifierOptions {
  /** Base URL of an OpenAI-compatible API (`…/v1`): the desk posts to `{url}/chat/completions`. */
  url: string;
  model: string;
  apiKey?: string;
  timeoutMs: number;
  /** A classifier inside the desk's own network is asked only when allowed (OUTBOUND_ALLOW_PRIVATE). */
  allowPrivate?: boolean;
}

/**
 * Asks an OpenAI-compatible chat endpoint for a ticket's category. Every failure — refused
 * connection, timeout, an HTTP error, a reply that names no known category — is an answer
 * saying why, never an exception: the intake falls back to the local model and records the reason.
 */
export function createExternalClassifier(options: ExternalClassifierOptions) {
  const endpoint = `${options.url.replace(/\/+$/, '')}/chat/completions`;
  const headers: Record<string, string> = {};
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  const model = options.model;

  async function ask(text: string, categories: readonly string[]): Promise<ExternalAnswer> {
    const response = await postJson(
      endpoint,
      { model, temperature: 0, messages: classificationPrompt(categories, text) },
      { headers, timeoutMs: options.timeoutMs, allowPrivate: options.allowPrivate ?? false },
    );
    if (response.status < 200 || response.status > 299)
      return { model, failure: `HTTP ${response.status} from the classifier` };
    let body: { choices?: Array<{ message?: { content?: unknown } }> } | undefined;
    try {
      body = JSON.parse(response.text) as typeof body;
    } catch {
      return { model, failure: 'the classifier answered with something other than JSON' };
    }
    const content = body?.choices?.[0]?.message?.content;
    if (typeof content !== 'string')
      return { model, failure: 'the classifier answered without choices[0].message.content' };
    const read = rankingFromReply(content, categories);
    return 'ranking' in read ? { model, ranking: read.ranking } : { model, failure: read.failure };
  }

  return {
    model,
    async rank(text: string, categories: readonly string[]): Promise<ExternalAnswer> {
      try {
        return await ask(text, categories);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const reason =
          error instanceof Error && error.name === 'TimeoutError'
            ? `no answer within ${options.timeoutMs} ms`
            : error instanceof OutboundRefused
              ? message
              : `the classifier could not be reached (${message})`;
        return { model, failure: reason };
      }
    },
  };
}

export type ExternalClassifier = ReturnType<typeof createExternalClassifier>;
