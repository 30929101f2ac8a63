import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramBotApi } from '../src/channels/telegram-bot-api';
import { startTelegramPoller } from '../src/channels/telegram-poller';
import { telegramUpdates, ticketArticles, tickets } from '../src/db/schema';
import { tryPollerLock } from '../src/repositories/telegram';
import { startTestDesk } from './support/desk';
import { eventually, startFakeBotApi, updates, type FakeBotApi } from './support/telegram';

/** Telegram (#13), webhook mode: Telegram POSTs each update to the desk's random path with its secret header. */
describe('telegram bot, webhook', () => {
  const botId = 800_000 + Math.floor(Math.random() * 99_999);
  const token = `${botId}:AAhook_${Math.random().toString(36).slice(2, 10)}`;
  const chatId = 100_000_000 + Math.floor(Math.random() * 80_000_000);
  const chat = updates(chatId, 'Павел');
  let bot: FakeBotApi;
  let desk: Awaited<ReturnType<typeof startTestDesk>>;
  let path: string;
  let secret: string;

  const post = (url: string, body: string, headers: Record<string, string> = {}) =>
    desk.app.inject({
      method: 'POST',
      url,
      payload: body,
      headers: { 'content-type': 'application/json', ...headers },
    });
  const deliver = (update: unknown) =>
    post(path, typeof update === 'string' ? update : JSON.stringify(update), {
      'x-telegram-bot-api-secret-token': secret,
    });
  const rowsOf = (updateId: number) =>
    desk.db.select().from(telegramUpdates).where(eq(telegramUpdates.updateId, updateId));

  beforeAll(async () => {
    bot = await startFakeBotApi(token);
    desk = await startTestDesk({
      telegram: { token, apiUrl: bot.url, mode: 'webhook', pollTimeoutSeconds: 1, allowPrivate: true },
      // A webhook is not held to the public routes' per-address limit: Telegram sends from few addresses.
      publicRateLimit: 3,
    });
    const hook = bot.webhook!;
    path = new URL(hook.url).pathname;
    secret = hook.secret_token!;
  });
  afterAll(async () => {
    await desk?.stop();
    await bot?.close();
  });

  it('registers the webhook at PUBLIC_URL with a random path and a secret token', () => {
    expect(bot.webhook!.url).toMatch(/^http:\/\/desk\.test\/channels\/telegram\/[A-Za-z0-9_-]{40,}$/);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{40,256}$/);
    const set = bot.calls.find((c) => c.method === 'setWebhook')!;
    expect(set.params.allowed_updates).toEqual(['message', 'callback_query']);
  });

  it('refuses a missing secret header (401), a wrong one (403) and a wrong path (404), storing nothing', async () => {
    const update = chat.text('/start');
    const missing = await post(path, JSON.stringify(update));
    expect([missing.statusCode, missing.json().code]).toEqual([401, 'WEBHOOK_SECRET_REQUIRED']);
    const wrong = await post(path, JSON.stringify(update), { 'x-telegram-bot-api-secret-token': `${secret}x` });
    expect([wrong.statusCode, wrong.json().code]).toEqual([403, 'BAD_WEBHOOK_SECRET']);
    const elsewhere = await post('/channels/telegram/guessed-path', JSON.stringify(update), {
      'x-telegram-bot-api-secret-token': secret,
    });
    expect(elsewhere.statusCode).toBe(404);
    expect(await rowsOf(update.update_id)).toEqual([]);
  });

  it('answers 200 at once after storing; a repeated update_id is one update and one ticket', async () => {
    const contact = await deliver(chat.ownContact(`7999${String(chatId).slice(-7)}`));
    expect([contact.statusCode, contact.json()]).toEqual([200, { ok: true }]);
    await bot.waitForMessage(chatId, (text) => text.startsWith('Спасибо, номер сохранён'));

    const message = chat.text('Не работает клавиатура');
    const answers = await Promise.all([deliver(message), deliver(message), deliver(message)]);
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200]);
    await eventually(async () => (await rowsOf(message.update_id)).map((r) => r.status)).toEqual(['processed']);
    const [row] = await rowsOf(message.update_id);
    expect(JSON.parse(row!.raw)).toEqual(message);
    await bot.waitForMessage(chatId, (text) => text.includes(`№${row!.ticketId} зарегистрирована`));
    const registered = await desk.db.select().from(tickets).where(eq(tickets.id, row!.ticketId!));
    expect(registered.map((t) => t.channel)).toEqual(['telegram']);
    expect(bot.sent.filter((m) => m.text.includes(`№${row!.ticketId} зарегистрирована`))).toHaveLength(1);
  });

  it('loses and duplicates nothing of 200 updates sent concurrently, each twice', async () => {
    const base = (chatId + 1) * 1000;
    const burst = Array.from({ length: 200 }, (_, n) => ({
      update_id: base + n,
      edited_message: { message_id: n, chat: { id: chatId + 1, type: 'private' }, text: `правка ${n}` },
    }));
    const answers = await Promise.all([...burst, ...burst].map((update) => deliver(update)));
    expect(answers.every((a) => a.statusCode === 200)).toBe(true);
    const stored = (await desk.db.select().from(telegramUpdates)).filter(
      (r) => r.updateId !== null && r.updateId >= base && r.updateId < base + 200,
    );
    expect(stored.map((r) => r.updateId).sort((a, b) => a! - b!)).toEqual(burst.map((u) => u.update_id));
  });

  it('stores a malformed body inert and answers 200: no 5xx, nothing lost', async () => {
    for (const body of ['{"update_id": 12, "message": ', '"just a string"', '{"update_id":"7"}'])
      expect((await deliver(body)).statusCode).toBe(200);
    const kept = (await desk.db.select().from(telegramUpdates)).filter((r) =>
      ['{"update_id": 12, "message": ', '"just a string"', '{"update_id":"7"}'].includes(r.raw),
    );
    expect(kept.map((r) => [r.status, r.updateId])).toEqual([
      ['ignored', null],
      ['ignored', null],
      ['ignored', null],
    ]);
  });

  it('asks a chat with open tickets whether a message is a new request or about one of them, with buttons', async () => {
    const [first] = (await desk.db.select().from(telegramUpdates).where(eq(telegramUpdates.chatId, chatId))).filter(
      (r) => r.ticketId !== null,
    );
    const open = first!.ticketId!;
    const message = chat.text('Не работает мышь');
    await deliver(message);
    await eventually(async () => (await rowsOf(message.update_id))[0]?.status).toBe('asked');
    const [asked] = await rowsOf(message.update_id);
    const question = await bot.waitForMessage(chatId, (text) => text.startsWith('У вас есть открытые заявки'));
    const buttons = question.reply_markup!.inline_keyboard!.map((row) => row[0]!.callback_data);
    expect(buttons).toEqual([`pick:${asked!.id}:new`, `pick:${asked!.id}:${open}`]);

    await deliver(chat.button(`pick:${asked!.id}:new`));
    await eventually(async () => (await rowsOf(message.update_id))[0]?.status).toBe('processed');
    const [done] = await rowsOf(message.update_id);
    expect(done!.ticketId).not.toBe(open);
    await bot.waitForMessage(chatId, (text) => text.includes(`№${done!.ticketId} зарегистрирована`));

    // Processed again after a crash (as if the process died before marking it): no second ticket or notice.
    await desk.db.update(telegramUpdates).set({ status: 'received' }).where(eq(telegramUpdates.id, done!.id));
    await desk.telegram!.processPending();
    const [again] = await rowsOf(message.update_id);
    expect([again!.status, again!.ticketId]).toEqual(['processed', done!.ticketId]);
    const mice = await desk.db.select({ id: tickets.id }).from(tickets).where(eq(tickets.subject, 'Не работает мышь'));
    expect(mice.filter((t) => t.id === done!.ticketId)).toHaveLength(1);
    expect(bot.sent.filter((m) => m.text.includes(`№${done!.ticketId} зарегистрирована`))).toHaveLength(1);

    // A follow-up chosen for the first ticket is its article; a second press of a used button changes nothing.
    const followUp = chat.text('И ещё: клавиша пробел не нажимается');
    await deliver(followUp);
    await eventually(async () => (await rowsOf(followUp.update_id))[0]?.status).toBe('asked');
    const [waiting] = await rowsOf(followUp.update_id);
    await deliver(chat.button(`pick:${waiting!.id}:${open}`));
    await bot.waitForMessage(chatId, (text) => text.startsWith(`Сообщение добавлено к вашей заявке №${open}`));
    await deliver(chat.button(`pick:${waiting!.id}:new`));
    await eventually(async () => (await rowsOf(followUp.update_id))[0]).toMatchObject({
      status: 'processed',
      ticketId: open,
    });
    const articles = await desk.db.select().from(ticketArticles).where(eq(ticketArticles.ticketId, open));
    expect(articles.map((a) => a.body)).toContain('И ещё: клавиша пробел не нажимается');
    await eventually(() =>
      bot.calls.filter((c) => c.method === 'answerCallbackQuery').map((c) => c.params.text),
    ).toContain('Эта кнопка больше не действует. / This button no longer works.');
  });

  it('lets exactly one process hold a bot’s getUpdates lock until it lets go', async () => {
    const first = await tryPollerLock(desk.db, `lock-test-${botId}`);
    expect(first).not.toBeNull();
    expect(await tryPollerLock(desk.db, `lock-test-${botId}`)).toBeNull();
    await first!.release();
    const next = await tryPollerLock(desk.db, `lock-test-${botId}`);
    expect(next).not.toBeNull();
    await next!.release();
  });

  it('polls a bot from one of two desk processes at a time; the other takes over when it stops', async () => {
    const other = await startFakeBotApi(`${botId + 1}:AApair`);
    const consumers: string[] = [];
    const poller = (name: string) =>
      startTelegramPoller({
        bot: createTelegramBotApi({ baseUrl: other.url, token: `${botId + 1}:AApair`, allowPrivate: true }),
        pollTimeoutSeconds: 1,
        standbyMs: 100,
        lock: () => tryPollerLock(desk.db, String(botId + 1)),
        nextOffset: async () => undefined,
        store: async () => {
          consumers.push(name);
          return { id: 0 };
        },
        onStored: () => {},
        logger: pino({ level: 'silent' }),
      });
    const first = poller('first');
    await eventually(() => other.calls.filter((c) => c.method === 'getUpdates').length).toBeGreaterThan(0);
    const second = poller('second');
    for (let n = 0; n < 3; n++) other.push({ update_id: n + 1, message: { text: `${n}` } });
    await eventually(() => consumers.length).toBeGreaterThanOrEqual(3);
    expect(new Set(consumers)).toEqual(new Set(['first']));
    await first.stop();
    consumers.length = 0;
    other.push({ update_id: 10, message: { text: 'after' } });
    await eventually(() => consumers).toContain('second');
    expect(new Set(consumers)).toEqual(new Set(['second']));
    await second.stop();
    await other.close();
  });
});
