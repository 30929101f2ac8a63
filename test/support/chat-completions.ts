import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatRequest {
  path: string;
  authorization: string | undefined;
  body: { model: string; temperature?: number; messages: Array<{ role: string; content: string }> };
}

/** How the server answers the next requests: a reply's content, an HTTP status, a raw body, or a delay. */
export type ChatBehaviour =
  { content: string; delayMs?: number } | { status: number } | { raw: string } | { delayMs: number; content: string };

/**
 * A local server speaking the OpenAI chat completions API (`POST {base}/chat/completions`, the
 * answer in `choices[0].message.content`): what an LLM gateway answers, under the test's control.
 */
export async function startChatCompletionsServer() {
  const requests: ChatRequest[] = [];
  let behaviour: ChatBehaviour = { content: '{"category": "general", "confidence": 0.5}' };
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    req.on('end', () => {
      const now = behaviour;
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res.writeHead(404).end();
        return;
      }
      requests.push({ path: req.url, authorization: req.headers.authorization, body: JSON.parse(text) });
      const send = () => {
        if ('status' in now) return res.writeHead(now.status, { 'content-type': 'application/json' }).end('{}');
        if ('raw' in now) return res.writeHead(200, { 'content-type': 'application/json' }).end(now.raw);
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            id: `chatcmpl-${requests.length}`,
            object: 'chat.completion',
            model: requests.at(-1)!.body.model,
            choices: [{ index: 0, message: { role: 'assistant', content: now.content }, finish_reason: 'stop' }],
          }),
        );
      };
      if ('delayMs' in now && now.delayMs) setTimeout(send, now.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    answer(next: ChatBehaviour) {
      behaviour = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
