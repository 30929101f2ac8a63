import { postJson } from '../infra/outbound-http';

/**
 * The Telegram Bot API, raw: `POST {TELEGRAM_API_URL}/bot<token>/<method>` with a JSON body,
 * answered `{"ok":true,"result":…}` or `{"ok":false,"error_code":…,"description":…}`
 * (core.telegram.org/bots/api, "Making requests"). The desk uses six methods, so a library
 * (grammY) would add a dependency and its own update loop for what is a JSON POST each; the
 * loop, the storage and the lock are the desk's own (src/channels/telegram-poller.ts).
 */

/** A refusal from the Bot API: `errorCode` 403 means the user blocked the bot (or never wrote to it). */
export class TelegramApiError extends Error {
  override name = 'TelegramApiError';
  constructor(
    readonly method: string,
    readonly errorCode: number,
    readonly description: string,
    readonly retryAfter?: number,
  ) {
    super(`Telegram ${method}: ${errorCode} ${description}`);
  }
  /** The bot may not write to this chat any more: blocked, deactivated, kicked. */
  get chatUnreachable() {
    return this.errorCode === 403;
  }
}

export interface InlineButton {
  text: string;
  callback_data: string;
}

export type ReplyMarkup =
  | { inline_keyboard: InlineButton[][] }
  | {
      keyboard: { text: string; request_contact?: boolean }[][];
      one_time_keyboard?: boolean;
      resize_keyboard?: boolean;
    }
  | { remove_keyboard: true };

export interface SentMessage {
  message_id: number;
  chat: { id: number };
}

export interface TelegramBotApiOptions {
  /** `https://api.telegram.org` or a local Bot API server. */
  baseUrl: string;
  token: string;
  allowPrivate: boolean;
  /** For calls other than getUpdates' long poll (which waits its own timeout on top). */
  timeoutMs?: number;
}

/** Telegram refuses texts longer than this (sendMessage `text`: 1-4096 characters). */
export const MESSAGE_TEXT_MAX = 4096;

export function createTelegramBotApi(options: TelegramBotApiOptions) {
  const base = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 15_000;

  async function call<T>(method: string, params: Record<string, unknown>, waitMs = timeoutMs): Promise<T> {
    // The token is in the path: this URL is never logged; errors name the method only.
    const answer = await postJson(`${base}/bot${options.token}/${method}`, params, {
      timeoutMs: waitMs,
      allowPrivate: options.allowPrivate,
    });
    let body: {
      ok?: boolean;
      result?: T;
      error_code?: number;
      description?: string;
      parameters?: { retry_after?: number };
    };
    try {
      body = JSON.parse(answer.text) as typeof body;
    } catch {
      throw new TelegramApiError(method, answer.status, `answer is not JSON (HTTP ${answer.status})`);
    }
    if (body.ok !== true)
      throw new TelegramApiError(
        method,
        body.error_code ?? answer.status,
        body.description ?? 'no description',
        body.parameters?.retry_after,
      );
    return body.result as T;
  }

  return {
    /** The bot's numeric id: the part of the token before the colon (names the poller's lock, never the secret). */
    botId: options.token.split(':')[0] ?? 'bot',
    getMe: () => call<{ id: number; username?: string }>('getMe', {}),
    /** Long polling: waits up to `timeoutSeconds` for updates after `offset`, which confirms those before it. */
    getUpdates: (offset: number | undefined, timeoutSeconds: number) =>
      call<unknown[]>(
        'getUpdates',
        {
          ...(offset !== undefined && { offset }),
          timeout: timeoutSeconds,
          allowed_updates: ['message', 'callback_query'],
        },
        timeoutMs + timeoutSeconds * 1000,
      ),
    setWebhook: (url: string, secretToken: string) =>
      call<boolean>('setWebhook', {
        url,
        secret_token: secretToken,
        allowed_updates: ['message', 'callback_query'],
      }),
    /** Polling needs the webhook gone: getUpdates is refused (409) while one is set. */
    deleteWebhook: () => call<boolean>('deleteWebhook', { drop_pending_updates: false }),
    sendMessage: (chatId: number, text: string, replyMarkup?: ReplyMarkup) =>
      call<SentMessage>('sendMessage', {
        chat_id: chatId,
        text: text.slice(0, MESSAGE_TEXT_MAX),
        ...(replyMarkup && { reply_markup: replyMarkup }),
      }),
    answerCallbackQuery: (callbackQueryId: string, text?: string) =>
      call<boolean>('answerCallbackQuery', { callback_query_id: callbackQueryId, ...(text && { text }) }),
  };
}

export type TelegramBotApi = ReturnType<typeof createTelegramBotApi>;
