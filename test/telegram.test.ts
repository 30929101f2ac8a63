import fs from 'node:fs';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clients, outbox, telegramChats, telegramUpdates, ticketArticles, tickets } from '../src/db/schema';
import { startTestDesk } from './support/desk';
import { listen } from './support/http';
import { eventually, startFakeBotApi, updates, type FakeBotApi } from './support/telegram';
import { ticketDriver } from './support/tickets';

/** Telegram (#13), long polling: a desk behind NAT against a local Bot API server. */
describe('telegram bot, long polling', () => {
  const botId = 700_000 + Math.floor(Math.random() * 99_999);
  const token = `${botId}:AAtest_${Math.random().toString(36).slice(2, 10)}`;
  const phone = () => `+7999${String(Math.floor(Math.random() * 10_000_000)).padStart(7, '0')}`;
  const chatIdOf = () => 10_000_000 + Math.floor(Math.random() * 80_000_000);
  let bot: FakeBotApi;
  let desk: Awaited<ReturnType<typeof startTestDesk>>;
  let driver: ReturnType<typeof ticketDriver>;
  let call: Awaited<ReturnType<typeof listen>>['call'];

  const updatesOfChat = (chatId: number) =>
    desk.db.select().from(telegramUpdates).where(eq(telegramUpdates.chatId, chatId));
  const settledTicketOf = async (chatId: number, updateId: number) => {
    for (const deadline = Date.now() + 20_000; Date.now() < deadline;) {
      const row = (await updatesOfChat(chatId)).find((u) => u.updateId === updateId);
      if (row?.status === 'processed' && row.ticketId) return row.ticketId;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`update ${updateId} of chat ${chatId} did not become a ticket`);
  };
  const outboxOf = (ticketId: number) => desk.db.select().from(outbox).where(eq(outbox.ticketId, ticketId));
  /** A chat that has shared its own number: linked to that client. */
  const linkedChat = async (number = phone()) => {
    const chatId = chatIdOf();
    const chat = updates(chatId);
    bot.push(chat.ownContact(number.slice(1)));
    await bot.waitForMessage(chatId, (text) => text.startsWith('Спасибо, номер сохранён'));
    return { chatId, chat, phone: number };
  };

  beforeAll(async () => {
    bot = await startFakeBotApi(token);
    desk = await startTestDesk({
      telegram: {
        token,
        apiUrl: bot.url,
        mode: 'polling',
        pollTimeoutSeconds: 1,
        allowPrivate: true,
        resendEveryMs: 500,
      },
    });
    ({ call } = await listen(desk.app));
    driver = ticketDriver(desk, call);
  });
  afterAll(async () => {
    await desk?.stop();
    await bot?.close();
  });

  it('message → ticket → accepted and resolved notices in the chat → rated with a button; a repeated update is one', async () => {
    const chatId = chatIdOf();
    const chat = updates(chatId);
    const number = phone();
    // Before the chat is linked, the message is kept and the client asked for their number.
    const first = chat.text('Не работает клавиатура\nЗалипают клавиши');
    bot.push(first);
    bot.push(first); // Telegram sends an unconfirmed update again: the same update_id
    const ask = await bot.waitForMessage(chatId, (text) => text.includes('поделитесь, пожалуйста, номером'));
    expect(ask.reply_markup?.keyboard?.[0]?.[0]).toMatchObject({ request_contact: true });
    await eventually(async () => (await updatesOfChat(chatId)).map((u) => u.status)).toEqual(['waiting']);

    bot.push(chat.ownContact(number.slice(1)));
    const ticketId = await settledTicketOf(chatId, first.update_id);
    await bot.waitForMessage(chatId, (text) => text.includes(`№${ticketId} зарегистрирована`));
    const [ticket] = await desk.db
      .select({ channel: tickets.channel, subject: tickets.subject, phone: clients.phone })
      .from(tickets)
      .innerJoin(clients, eq(clients.id, tickets.clientId))
      .where(eq(tickets.id, ticketId));
    expect(ticket).toEqual({ channel: 'telegram', subject: 'Не работает клавиатура', phone: number });
    const [link] = await desk.db.select().from(telegramChats).where(eq(telegramChats.chatId, chatId));
    expect([link!.phone, link!.blockedAt]).toEqual([number, null]);
    expect((await updatesOfChat(chatId)).filter((u) => u.updateId === first.update_id)).toHaveLength(1);

    await driver.reaches(ticketId, 'queued');
    await driver.accept(ticketId, 'ivanova');
    const accepted = await bot.waitForMessage(chatId, (text) =>
      text.startsWith(`Заявка №${ticketId} принята в работу`),
    );
    expect(accepted.text).toMatch(new RegExp(`/status/${ticketId}#token=[A-Za-z0-9_-]{20,}`));
    await driver.resolve(ticketId, 'ivanova');
    const resolution = await bot.waitForMessage(chatId, (text) => text.startsWith(`Заявка №${ticketId} выполнена`));
    const buttons = resolution.reply_markup?.inline_keyboard?.[0] ?? [];
    expect(buttons.map((b) => b.callback_data)).toEqual([1, 2, 3, 4, 5].map((s) => `rate:${ticketId}:${s}`));
    await driver.reaches(ticketId, 'awaiting_survey');

    bot.push(chat.button(`rate:${ticketId}:5`));
    expect(await driver.closed(ticketId)).toMatchObject({ csat: 5 });
    await eventually(() =>
      bot.calls.filter((c) => c.method === 'answerCallbackQuery').map((c) => c.params.text),
    ).toContain('Спасибо за оценку! / Thank you for your rating!');

    // Each notice once, on the chat's channel.
    const sent = (await outboxOf(ticketId)).map((m) => [m.purpose, m.channel, m.status]).sort();
    expect(sent).toEqual([
      ['accepted', 'telegram', 'sent'],
      ['registered', 'telegram', 'sent'],
      ['resolution', 'telegram', 'sent'],
    ]);
    // The links' secrets are not kept in the outbox's copies once sent.
    for (const m of await outboxOf(ticketId)) expect(m.body).not.toMatch(/token=(?!\[redacted\])/);
    for (const start of ['Заявка №' + ticketId + ' принята', 'Заявка №' + ticketId + ' выполнена'])
      expect(bot.sent.filter((m) => m.text.startsWith(start))).toHaveLength(1);
    // The offset confirmed what was stored.
    const offsets = bot.calls
      .filter((c) => c.method === 'getUpdates')
      .map((c) => c.params.offset as number | undefined);
    expect(offsets.at(-1)).toBeGreaterThan(first.update_id);
  });

  it('a client who withdrew consent to notifications is not told of the acceptance (kept skipped with the reason), but is told the work is done', async () => {
    const { chatId, chat } = await linkedChat();
    const message = chat.text('Не работает мышь\nКурсор не двигается');
    bot.push(message);
    const ticketId = await settledTicketOf(chatId, message.update_id);
    await bot.waitForMessage(chatId, (text) => text.includes(`№${ticketId} зарегистрирована`));
    const [{ clientId }] = await desk.db
      .select({ clientId: tickets.clientId })
      .from(tickets)
      .where(eq(tickets.id, ticketId));
    const withdrawn = await call('PUT', `/clients/${clientId}/consents/notifications`, {
      operator: 'ivanova',
      body: { granted: false, at: '2026-11-20T10:00:00Z', source: 'звонок' },
    });
    expect(withdrawn.status, withdrawn.text).toBe(200);
    const wrong = await call('PUT', `/clients/${clientId}/consents/notifications`, {
      operator: 'ivanova',
      body: { granted: 'no' },
    });
    expect(wrong.status).toBe(400);

    await driver.reaches(ticketId, 'queued');
    await driver.accept(ticketId, 'ivanova');
    await eventually(async () =>
      (await outboxOf(ticketId)).filter((m) => m.purpose === 'accepted').map((m) => [m.channel, m.status, m.lastError]),
    ).toEqual([['telegram', 'skipped', 'the client withdrew consent to notifications on 2026-11-20']]);
    await driver.resolve(ticketId, 'ivanova');
    await bot.waitForMessage(chatId, (text) => text.startsWith(`Заявка №${ticketId} выполнена`));
    expect(bot.sent.filter((m) => m.text.startsWith(`Заявка №${ticketId} принята`))).toEqual([]);
    // The outbox's resend of accepted notices leaves it skipped, and no e-mail copy was made.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect((await outboxOf(ticketId)).map((m) => [m.purpose, m.channel, m.status]).sort()).toEqual([
      ['accepted', 'telegram', 'skipped'],
      ['registered', 'telegram', 'sent'],
      ['resolution', 'telegram', 'sent'],
    ]);
  });

  it('/start welcomes in Russian and English and offers the request_contact button; someone else’s contact links nothing', async () => {
    const chatId = chatIdOf();
    const chat = updates(chatId);
    bot.push(chat.text('/start'));
    const welcome = await bot.waitForMessage(chatId, (text) => text.startsWith('Здравствуйте!'));
    expect(welcome.text).toContain('Hello! This is the service desk bot.');
    expect(welcome.reply_markup?.keyboard?.[0]?.[0]?.request_contact).toBe(true);

    bot.push(chat.contactOf('79990000001', chatId + 1));
    await bot.waitForMessage(chatId, (text) => text.includes('не чужим контактом'));
    const [row] = await desk.db.select().from(telegramChats).where(eq(telegramChats.chatId, chatId));
    expect([row!.clientId, row!.phone]).toEqual([null, null]);
  });

  it('/status answers the stage of the chat’s own ticket and refuses anyone else’s alike with a ticket that does not exist', async () => {
    const owner = await linkedChat();
    const message = owner.chat.text('Сломался принтер, не печатает');
    bot.push(message);
    const ticketId = await settledTicketOf(owner.chatId, message.update_id);
    await driver.reaches(ticketId, 'queued');

    bot.push(owner.chat.text(`/status ${ticketId}`));
    await bot.waitForMessage(owner.chatId, (text) => text.startsWith(`Заявка №${ticketId}: в очереди`));

    const stranger = await linkedChat();
    bot.push(stranger.chat.text(`/status ${ticketId}`));
    const refused = await bot.waitForMessage(stranger.chatId, (text) => text.includes(`нет №${ticketId}`));
    bot.push(stranger.chat.text('/status 999999999'));
    const none = await bot.waitForMessage(stranger.chatId, (text) => text.includes('нет №999999999'));
    expect(refused.text.replaceAll(String(ticketId), 'N')).toBe(none.text.replaceAll('999999999', 'N'));
    expect(
      bot.sent
        .filter((m) => Number(m.chat_id) === stranger.chatId)
        .map((m) => m.text)
        .join(),
    ).not.toContain('Сломался');
    // A rating button for someone else's ticket is refused the same way.
    bot.push(stranger.chat.button(`rate:${ticketId}:1`));
    await eventually(() =>
      bot.calls.filter((c) => c.method === 'answerCallbackQuery').map((c) => c.params.text),
    ).toContain('Оценка этой заявки уже не принимается. / This ticket can no longer be rated.');
  });

  it('a status question and a reply to the bot’s notice become articles of the chat’s ticket, answered in the chat', async () => {
    const { chatId, chat } = await linkedChat();
    const message = chat.text('Не печатает принтер, пустые листы');
    bot.push(message);
    const ticketId = await settledTicketOf(chatId, message.update_id);
    await driver.reaches(ticketId, 'queued');

    const question = chat.text(`Заявка №${ticketId} уже готова?`);
    bot.push(question);
    await bot.waitForMessage(chatId, (text) => text.startsWith(`Заявка №${ticketId}: в очереди`));
    await eventually(
      async () => (await updatesOfChat(chatId)).find((u) => u.updateId === question.update_id)?.note,
    ).toBe('status question');

    const notice = bot.sent.find((m) => Number(m.chat_id) === chatId && m.text.includes('зарегистрирована'))!;
    bot.push(
      chat.text('Забыл: принтер HP LaserJet', {
        reply_to_message: {
          message_id: 1,
          from: { id: botId, is_bot: true, first_name: 'Desk' },
          chat: { id: chatId, type: 'private' },
          date: 0,
          text: notice.text,
        },
      }),
    );
    await bot.waitForMessage(chatId, (text) => text.startsWith(`Сообщение добавлено к вашей заявке №${ticketId}`));
    const articles = await desk.db.select().from(ticketArticles).where(eq(ticketArticles.ticketId, ticketId));
    expect(articles.filter((a) => a.channel === 'telegram' && a.direction === 'in').map((a) => a.body)).toEqual([
      'Не печатает принтер, пустые листы',
      `Заявка №${ticketId} уже готова?`,
      'Забыл: принтер HP LaserJet',
    ]);
    expect(articles.filter((a) => a.direction === 'out').map((a) => [a.channel, a.sender])).toEqual([
      ['telegram', `telegram:${chatId}`],
    ]);
  });

  it('a blocked bot (403) marks the chat undeliverable and the notices fall back to the client’s e-mail', async () => {
    const number = phone();
    const email = `tg-fallback-${Math.random().toString(36).slice(2, 8)}@example.com`;
    // The client is known with phone and e-mail (an earlier ticket by the API).
    const earlier = await driver.register({
      subject: 'Не работает мышь',
      description: 'Мышь не двигается',
      client: { phone: number, email },
    });
    const { chatId, chat } = await linkedChat(number);
    const message = chat.text('Не работает клавиатура, залипают клавиши');
    bot.push(message);
    const ticketId = await settledTicketOf(chatId, message.update_id);
    expect(ticketId).not.toBe(earlier);
    await driver.reaches(ticketId, 'queued');

    bot.block(chatId);
    await driver.accept(ticketId, 'ivanova');
    await eventually(async () =>
      (await outboxOf(ticketId))
        .filter((m) => m.purpose === 'accepted')
        .map((m) => [m.channel, m.status])
        .sort(),
    ).toEqual([
      ['email', 'sent'],
      ['telegram', 'skipped'],
    ]);
    const [skipped] = (await outboxOf(ticketId)).filter((m) => m.purpose === 'accepted' && m.channel === 'telegram');
    expect(skipped!.lastError).toContain('403');
    const [link] = await desk.db.select().from(telegramChats).where(eq(telegramChats.chatId, chatId));
    expect(link!.blockedAt).not.toBeNull();

    await driver.resolve(ticketId, 'ivanova');
    await driver.reaches(ticketId, 'awaiting_survey');
    const resolution = await desk.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.ticketId, ticketId), eq(outbox.purpose, 'resolution')));
    expect(resolution.map((m) => [m.channel, m.recipient, m.status])).toEqual([['email', email, 'sent']]);
    const files = fs.readdirSync(desk.mailer.target).filter((f) => f.startsWith(`ticket-${ticketId}.`));
    expect(files.map((f) => f.split('.')[1]).sort()).toEqual(['accepted', 'resolution']);
    // The survey still works from the e-mail's link.
    await driver.answer(ticketId, { csat: 4 });
    expect(await driver.closed(ticketId)).toMatchObject({ csat: 4 });

    // Writing to the bot again means the client unblocked it: the chat is a channel again.
    bot.unblock(chatId);
    bot.push(chat.text(`/status ${ticketId}`));
    await bot.waitForMessage(chatId, (text) => text.startsWith(`Заявка №${ticketId}: закрыта`));
    const [unblocked] = await desk.db.select().from(telegramChats).where(eq(telegramChats.chatId, chatId));
    expect(unblocked!.blockedAt).toBeNull();
  });

  it('an accepted notice waits in the outbox while Telegram is down, and goes once it is back; the acceptance does not wait', async () => {
    const { chatId, chat } = await linkedChat();
    const message = chat.text('Не работает клавиатура');
    bot.push(message);
    const ticketId = await settledTicketOf(chatId, message.update_id);
    await driver.reaches(ticketId, 'queued');
    bot.setDown(true);
    await driver.accept(ticketId, 'ivanova');
    expect(await driver.stage(ticketId)).toBe('in_work');
    const [waiting] = (await outboxOf(ticketId)).filter((m) => m.purpose === 'accepted');
    expect([waiting!.status, waiting!.lastError]).toEqual(['pending', expect.stringContaining('502')]);
    bot.setDown(false);
    await bot.waitForMessage(chatId, (text) => text.startsWith(`Заявка №${ticketId} принята в работу`));
    await eventually(async () =>
      (await outboxOf(ticketId)).filter((m) => m.purpose === 'accepted').map((m) => m.status),
    ).toEqual(['sent']);
    expect(bot.sent.filter((m) => m.text.startsWith(`Заявка №${ticketId} принята`))).toHaveLength(1);
  });

  it('a message that came while Telegram refused to send is a ticket at once, and told to the chat once it is back', async () => {
    const { chatId, chat } = await linkedChat();
    bot.setDown(true);
    const message = chat.text('Не работает клавиатура');
    bot.push(message);
    const stored = async () => (await updatesOfChat(chatId)).find((u) => u.updateId === message.update_id);
    await eventually(async () => (await stored())?.status).toBe('failed');
    const ticketId = (await stored())!.ticketId!;
    expect((await stored())!.note).toContain('502');
    await driver.reaches(ticketId, 'queued');
    bot.setDown(false);
    await bot.waitForMessage(chatId, (text) => text.includes(`№${ticketId} зарегистрирована`));
    await eventually(async () => (await stored())?.status).toBe('processed');
    expect(bot.sent.filter((m) => m.text.includes(`№${ticketId} зарегистрирована`))).toHaveLength(1);
    const registered = await desk.db.select({ id: tickets.id }).from(tickets).where(eq(tickets.id, ticketId));
    expect(registered).toHaveLength(1);
  });

  it('keeps malformed and unknown updates inert: stored, ignored, nothing lost and nothing thrown', async () => {
    const chatId = chatIdOf();
    bot.push({
      update_id: chatId * 1000,
      edited_message: { message_id: 1, chat: { id: chatId, type: 'private' }, text: 'x' },
    });
    bot.push({
      update_id: chatId * 1000 + 1,
      message: { message_id: 2, chat: { id: chatId, type: 'group' }, from: { id: chatId }, text: 'в группе' },
    });
    bot.push({ update_id: chatId * 1000 + 2, message: 'not an object' });
    bot.push({
      update_id: chatId * 1000 + 3,
      message: {
        message_id: 3,
        chat: { id: chatId, type: 'private' },
        from: { id: chatId, first_name: 'Z' },
        text: 'a\u0000b',
      },
    });
    const bodies = ['not json at all', '{"no_update_id":true}', '[1,2,3]', '{"update_id":-5}'];
    const stored = await Promise.all(bodies.map((raw) => desk.telegram!.receive(raw)));
    await desk.telegram!.processPending();
    await eventually(async () =>
      (await desk.db.select().from(telegramUpdates))
        .filter(
          (u) =>
            (u.updateId !== null && u.updateId >= chatId * 1000 && u.updateId < chatId * 1000 + 3) ||
            stored.some((s) => s.id === u.id),
        )
        .map((u) => u.status),
    ).toEqual(Array(7).fill('ignored'));
    const rows = await desk.db.select().from(telegramUpdates);
    expect(stored.map((s) => rows.find((u) => u.id === s.id)?.raw)).toEqual(bodies);
    // The NUL-bearing text from an unlinked chat is kept waiting for the phone number, not failed.
    await eventually(
      async () =>
        (
          await desk.db
            .select()
            .from(telegramUpdates)
            .where(eq(telegramUpdates.updateId, chatId * 1000 + 3))
        )[0]?.status,
    ).toBe('waiting');
  });
});
