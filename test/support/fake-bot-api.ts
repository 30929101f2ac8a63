import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local server that speaks the Telegram Bot API as published (core.telegram.org/bots/api):
 * `POST /bot<token>/<method>` with a JSON body, answered `{"ok":true,"result":…}` or
 * `{"ok":false,"error_code":…,"description":…}`. It checks the token in the path and the shape
 * of each method's parameters, queues updates for getUpdates (offset confirms, timeout long-polls),
 * records what the desk sent, and answers 403 "bot was blocked by the user" for blocked chats.
 * Free of vitest, so the benchmark (bench/scenarios/channels.ts) plays Telegram with it too.
 */

export interface SentChatMessage {
  chat_id: number;
  text: string;
  reply_markup?: {
    inline_keyboard?: { text: string; callback_data: string }[][];
    keyboard?: { text: string; request_contact?: boolean }[][];
    remove_keyboard?: boolean;
  };
}

type Params = Record<string, unknown>;
class BadRequest extends Error {}

const isInteger = (value: unknown) => typeof value === 'number' && Number.isInteger(value);
const expectParam = (condition: boolean, message: string) => {
  if (!condition) throw new BadRequest(`Bad Request: ${message}`);
};

/** The Bot API's limits on what the desk sends (sendMessage, InlineKeyboardButton, ReplyKeyboardMarkup). */
function checkReplyMarkup(markup: unknown) {
  if (markup === undefined) return;
  expectParam(typeof markup === 'object' && markup !== null, 'reply_markup must be an object');
  const m = markup as Params;
  if ('inline_keyboard' in m) {
    expectParam(Array.isArray(m.inline_keyboard), 'inline_keyboard must be an Array of Arrays');
    for (const row of m.inline_keyboard as unknown[]) {
      expectParam(Array.isArray(row), 'inline_keyboard must be an Array of Arrays');
      for (const button of row as Params[]) {
        expectParam(typeof button.text === 'string' && button.text.length > 0, 'button text is empty');
        const data = button.callback_data;
        expectParam(
          typeof data === 'string' && Buffer.byteLength(data) >= 1 && Buffer.byteLength(data) <= 64,
          'BUTTON_DATA_INVALID',
        );
      }
    }
    return;
  }
  if ('keyboard' in m) {
    expectParam(Array.isArray(m.keyboard), 'keyboard must be an Array of Arrays');
    for (const row of m.keyboard as unknown[])
      for (const button of row as Params[]) expectParam(typeof button.text === 'string', 'keyboard button text');
    return;
  }
  expectParam(m.remove_keyboard === true, 'unknown reply_markup');
}

export async function startFakeBotApi(token: string) {
  const updates: Params[] = [];
  const sent: SentChatMessage[] = [];
  const calls: { method: string; params: Params }[] = [];
  const blocked = new Set<number>();
  /** While set, sendMessage answers 502 as Telegram does when it is down. */
  let down = false;
  let nextMessageId = 1;
  let webhook: { url: string; secret_token?: string } | null = null;
  let wakeGetUpdates: (() => void) | undefined;

  const methods: Record<string, (params: Params) => Promise<unknown> | unknown> = {
    getMe: () => ({ id: Number(token.split(':')[0]), is_bot: true, first_name: 'Desk', username: 'desk_test_bot' }),
    async getUpdates(params) {
      expectParam(webhook === null, "Conflict: can't use getUpdates method while webhook is active");
      expectParam(params.offset === undefined || isInteger(params.offset), 'offset must be an Integer');
      expectParam(params.timeout === undefined || isInteger(params.timeout), 'timeout must be an Integer');
      expectParam(params.allowed_updates === undefined || Array.isArray(params.allowed_updates), 'allowed_updates');
      const offset = (params.offset as number | undefined) ?? 0;
      // An offset confirms every update before it: they are forgotten, as Telegram does.
      while (updates.length && (updates[0]!.update_id as number) < offset) updates.shift();
      if (updates.length === 0 && isInteger(params.timeout) && (params.timeout as number) > 0)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(params.timeout as number, 1) * 1000);
          wakeGetUpdates = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      return updates.slice(0, 100);
    },
    setWebhook(params) {
      expectParam(typeof params.url === 'string', 'url must be a String');
      expectParam(
        params.secret_token === undefined || /^[A-Za-z0-9_-]{1,256}$/.test(String(params.secret_token)),
        'secret token contains unallowed characters',
      );
      webhook = params.url === '' ? null : { url: params.url as string, secret_token: params.secret_token as string };
      return true;
    },
    deleteWebhook() {
      webhook = null;
      return true;
    },
    sendMessage(params) {
      expectParam(isInteger(params.chat_id) || typeof params.chat_id === 'string', 'chat_id is required');
      expectParam(typeof params.text === 'string' && params.text.length > 0, 'message text is empty');
      expectParam((params.text as string).length <= 4096, 'message is too long');
      checkReplyMarkup(params.reply_markup);
      const chatId = Number(params.chat_id);
      if (down) throw Object.assign(new Error('Bad Gateway'), { code: 502 });
      if (blocked.has(chatId)) throw Object.assign(new Error('Forbidden: bot was blocked by the user'), { code: 403 });
      sent.push(params as unknown as SentChatMessage);
      return {
        message_id: nextMessageId++,
        from: { id: Number(token.split(':')[0]), is_bot: true, first_name: 'Desk' },
        chat: { id: chatId, type: 'private' },
        date: Math.floor(Date.now() / 1000),
        text: params.text,
      };
    },
    answerCallbackQuery(params) {
      expectParam(typeof params.callback_query_id === 'string', 'callback_query_id is required');
      return true;
    },
  };

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const answer = (status: number, body: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      };
      const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(request.url ?? '');
      if (request.method !== 'POST' || !match)
        return answer(404, { ok: false, error_code: 404, description: 'Not Found' });
      if (match[1] !== token) return answer(401, { ok: false, error_code: 401, description: 'Unauthorized' });
      const method = methods[match[2]!];
      if (!method) return answer(404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
      let params: Params;
      try {
        params = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Params) : {};
        expectParam(request.headers['content-type']?.startsWith('application/json') ?? false, 'not JSON');
      } catch (error) {
        return answer(400, { ok: false, error_code: 400, description: String((error as Error).message) });
      }
      calls.push({ method: match[2]!, params });
      Promise.resolve()
        .then(() => method(params))
        .then(
          (result) => answer(200, { ok: true, result }),
          (error: Error & { code?: number }) => {
            const code = error instanceof BadRequest ? 400 : (error.code ?? 500);
            answer(code, { ok: false, error_code: code, description: error.message });
          },
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    sent,
    calls,
    get webhook() {
      return webhook;
    },
    /** Queues an update for getUpdates. */
    push(update: Params) {
      updates.push(update);
      wakeGetUpdates?.();
    },
    block: (chatId: number) => blocked.add(chatId),
    unblock: (chatId: number) => blocked.delete(chatId),
    setDown(value: boolean) {
      down = value;
    },
    /** Waits for a message the desk sent to the chat that matches. */
    async waitForMessage(chatId: number, matches: (text: string) => boolean, timeoutMs = 20_000) {
      for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
        const found = sent.find((m) => Number(m.chat_id) === chatId && matches(m.text));
        if (found) return found;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(
        `no message to chat ${chatId} matched; sent: ${JSON.stringify(sent.filter((m) => Number(m.chat_id) === chatId).map((m) => m.text.slice(0, 60)))}`,
      );
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type FakeBotApi = Awaited<ReturnType<typeof startFakeBotApi>>;
