import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clients, outbox, ticketArticles, ticketElementVisits, ticketEvents, tickets } from '../src/db/schema';
import { TICKET_PROCESS_ID } from '../src/domain/process';
import { MAX_SMS_PARTS, smsSegments } from '../src/domain/sms-text';
import { bounceMail } from './support/bounce';
import { startTestDeskAlone } from './support/desk';
import { failOnceAfterWrite } from './support/faults';
import { listen } from './support/http';
import { SMS_RU_API_ID, startSmsGateway } from './support/sms-gateway';
import { eventually, startFakeBotApi, updates, type FakeBotApi } from './support/telegram';
import { ticketDriver } from './support/tickets';

const TOKEN = 'sms-notice-secret-0123456789abcdef';

/**
 * Client notices by SMS (#13), against a local server speaking SMS.ru's API and a local Bot API
 * server: the ticket's channel first, the next channel the client has when one refuses, each
 * notice once on each channel. Every resolution notice here is sent twice by the workflow: the
 * notify activity fails once after it sent (test/support/faults.ts).
 */
describe('client notices by SMS, with fallback between channels', () => {
  const botId = 800_000 + Math.floor(Math.random() * 99_999);
  const botToken = `${botId}:AAsms_${Math.random().toString(36).slice(2, 10)}`;
  const phone = (prefix = '+7999') => `${prefix}${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
  const calls: Record<string, number> = {};
  let gateway: Awaited<ReturnType<typeof startSmsGateway>>;
  let bot: FakeBotApi;
  let desk: Awaited<ReturnType<typeof startTestDeskAlone>>;
  let call: Awaited<ReturnType<typeof listen>>['call'];
  let driver: ReturnType<typeof ticketDriver>;

  const smsTo = (number: string) => gateway.sent.filter((sms) => sms.to === number.slice(1));
  const copies = (ticketId: number, purpose: string) =>
    desk.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.ticketId, ticketId), eq(outbox.purpose, purpose)))
      .orderBy(outbox.id);
  const notifyEvents = (ticketId: number) =>
    desk.db
      .select({ action: ticketEvents.action, data: ticketEvents.data })
      .from(ticketEvents)
      .where(and(eq(ticketEvents.ticketId, ticketId), eq(ticketEvents.elementId, 'notify')));
  /** The notices sent on after a copy was reported undelivered, and the step the ticket is at. */
  const sentOn = async (ticketId: number) => ({
    events: (
      await desk.db
        .select({ element: ticketEvents.elementId, data: ticketEvents.data })
        .from(ticketEvents)
        .where(and(eq(ticketEvents.ticketId, ticketId), eq(ticketEvents.action, 'notice_sent_on')))
    ).map(({ element, data }) => ({ element, ...(data as { channel?: string; passedOver?: unknown[] }) })),
    at: (
      await desk.db
        .select({ element: ticketElementVisits.elementId })
        .from(ticketElementVisits)
        .where(
          and(
            eq(ticketElementVisits.ticketId, ticketId),
            eq(ticketElementVisits.processId, TICKET_PROCESS_ID),
            isNull(ticketElementVisits.leftAt),
          ),
        )
    ).map((v) => v.element),
  });
  const clientOf = async (ticketId: number) =>
    (await desk.db.select({ clientId: tickets.clientId }).from(tickets).where(eq(tickets.id, ticketId)))[0]!.clientId!;
  const bySms = async (number: string, text: string) => {
    const answer = await call('POST', `/channels/sms/${TOKEN}`, {
      body: { id: `in-${number}-${Math.random()}`, from: number, text },
    });
    expect(answer.status, answer.text).toBe(200);
    return answer.body.ticketId as number;
  };
  const acceptAndResolve = async (ticketId: number) => {
    await driver.reaches(ticketId, 'queued');
    await driver.accept(ticketId, 'ivanova');
    await driver.resolve(ticketId, 'ivanova');
    await driver.reaches(ticketId, 'awaiting_survey');
  };

  beforeAll(async () => {
    gateway = await startSmsGateway();
    bot = await startFakeBotApi(botToken);
    // A database of its own: the desks of other files sweep the outbox they see for SMS to resend or
    // send on, and would take this file's copies through their own gateways.
    desk = await startTestDeskAlone('sms_notices', {
      sms: {
        token: TOKEN,
        provider: { name: 'smsru', baseUrl: gateway.url, apiKey: SMS_RU_API_ID, from: 'Desk', allowPrivate: true },
        deliveryPollMs: 300,
      },
      telegram: {
        token: botToken,
        apiUrl: bot.url,
        mode: 'polling',
        pollTimeoutSeconds: 1,
        allowPrivate: true,
        resendEveryMs: 500,
      },
      wrapActivities: (activities) => failOnceAfterWrite(activities, ['notifyClient'], calls),
    });
    ({ call } = await listen(desk.app));
    driver = ticketDriver(desk, call);
  });
  afterAll(async () => {
    await desk?.stop();
    await bot?.close();
    await gateway?.close();
  });

  it('tells a ticket filed by SMS of its acceptance and resolution by SMS, the resolution once though notify ran twice', async () => {
    const number = phone();
    const ticketId = await bySms(number, 'Не работает клавиатура, залипают клавиши');
    await acceptAndResolve(ticketId);
    expect(calls.notifyClient).toBeGreaterThanOrEqual(2);

    const sent = smsTo(number).map((sms) => sms.msg!);
    expect(sent.filter((text) => text.startsWith(`Заявка №${ticketId} в работе.`))).toHaveLength(1);
    const resolution = sent.filter((text) => text.startsWith(`Заявка №${ticketId} выполнена.`));
    expect(resolution).toHaveLength(1);
    for (const text of sent) expect(smsSegments(text).parts).toBeLessThanOrEqual(MAX_SMS_PARTS);
    expect(smsTo(number).every((sms) => sms.from === 'Desk')).toBe(true);

    // The status link in the SMS opens the ticket's status page.
    const token = /\/status\/\d+#token=([\w-]+)/.exec(resolution[0]!)![1]!;
    const page = await call('GET', `/tickets/${ticketId}/status`, { headers: { 'x-ticket-token': token } });
    expect([page.status, page.body.stage]).toEqual([200, 'awaiting_survey']);

    // One copy, on the SMS channel, with the gateway's id; the link's secret blanked in it.
    const [copy, ...more] = await copies(ticketId, 'resolution');
    expect(more).toEqual([]);
    expect(copy).toMatchObject({ channel: 'sms', recipient: number, status: 'sent', delivery: 'queued' });
    expect(copy!.providerId).toMatch(/^000000-\d+$/);
    expect(copy!.body).toContain('token=[redacted]');
    expect(await notifyEvents(ticketId)).toEqual([{ action: 'notified', data: { channel: 'sms', recipient: number } }]);

    // Its delivery, polled from the gateway: on its way, then delivered.
    gateway.statuses.set(copy!.providerId!, 102);
    await eventually(async () => (await copies(ticketId, 'resolution'))[0]!.delivery).toBe('sent');
    gateway.statuses.set(copy!.providerId!, 103);
    await eventually(async () => (await copies(ticketId, 'resolution'))[0]!.delivery).toBe('delivered');
  });

  it('keeps the gateway’s delivery callback on the copy; an unknown id is not one, a bad report is a 400 naming the field', async () => {
    const number = phone();
    const ticketId = await bySms(number, 'Не работает мышь, курсор не двигается');
    await driver.reaches(ticketId, 'queued');
    await driver.accept(ticketId, 'ivanova');
    await eventually(async () => (await copies(ticketId, 'accepted')).map((c) => c.status)).toEqual(['sent']);
    const [accepted] = await copies(ticketId, 'accepted');
    const report = (body: unknown, token = TOKEN) => call('POST', `/channels/sms/${token}/status`, { body });

    expect((await report({ id: accepted!.providerId, status: 'failed' })).body).toEqual({ recorded: true });
    expect((await copies(ticketId, 'accepted'))[0]!.delivery).toBe('failed');
    // A final status stays: a late "sent" does not take it back.
    expect((await report({ id: accepted!.providerId, status: 'sent' })).body).toEqual({ recorded: false });
    expect((await report({ id: 'no-such-sms', status: 'delivered' })).body).toEqual({ recorded: false });

    const bad = await report({ id: accepted!.providerId, status: 'read' });
    expect([bad.status, bad.body.message]).toEqual([400, expect.stringContaining('body.status')]);
    const wrong = await report({ id: accepted!.providerId, status: 'delivered' }, 'nope');
    expect([wrong.status, wrong.body.code]).toEqual([403, 'BAD_SMS_TOKEN']);
  });

  it('an accepted SMS waits in the outbox while the gateway is away, and goes once it is back; the acceptance does not wait', async () => {
    const number = phone();
    const ticketId = await bySms(number, 'Не работает клавиатура, не горит подсветка');
    await driver.reaches(ticketId, 'queued');
    gateway.setDown(true);
    try {
      await driver.accept(ticketId, 'ivanova');
      await eventually(async () => (await copies(ticketId, 'accepted')).map((c) => [c.channel, c.status])).toEqual([
        ['sms', 'pending'],
      ]);
      expect((await copies(ticketId, 'accepted'))[0]!.lastError).toMatch(/HTTP 503/);
    } finally {
      gateway.setDown(false);
    }
    await eventually(async () => (await copies(ticketId, 'accepted')).map((c) => c.status)).toEqual(['sent']);
    expect(smsTo(number).filter((sms) => sms.msg!.startsWith(`Заявка №${ticketId} в работе.`))).toHaveLength(1);
  });

  it('answers a status question about a ticket that came by SMS by SMS, and keeps what it said as the desk’s article', async () => {
    const number = phone();
    const ticketId = await bySms(number, 'Не работает мышь, не работает колесо');
    await driver.reaches(ticketId, 'queued');
    const asked = await call('POST', '/tickets', {
      body: {
        subject: `Заявка №${ticketId}: когда будет готово?`,
        description: `Заявка №${ticketId}: когда будет готово?`,
        client: { phone: number },
      },
    });
    expect(asked.body).toMatchObject({ attached: true });
    await eventually(() => smsTo(number).map((sms) => sms.msg!.split(' Статус:')[0])).toEqual([
      `Заявка №${ticketId}: в очереди, ждёт специалиста.`,
    ]);
    await eventually(async () =>
      (await desk.db.select().from(ticketArticles).where(eq(ticketArticles.ticketId, ticketId)))
        .filter((a) => a.direction === 'out')
        .map((a) => [a.channel, a.sender, a.body.replace(/token=\[redacted\]/, 'token=…').split('#')[1]]),
    ).toEqual([['sms', number, 'token=…']]);
  });

  it('a chat that blocked the bot falls back to SMS, and says so on the ticket', async () => {
    const number = phone();
    const chatId = 20_000_000 + Math.floor(Math.random() * 70_000_000);
    const chat = updates(chatId);
    bot.push(chat.ownContact(number.slice(1)));
    await bot.waitForMessage(chatId, (text) => text.startsWith('Спасибо, номер сохранён'));
    const message = chat.text('Не печатает принтер');
    bot.push(message);
    await bot.waitForMessage(chatId, (text) => /№\d+ зарегистрирована/.test(text));
    const [{ ticketId }] = await desk.db
      .select({ ticketId: tickets.id })
      .from(tickets)
      .innerJoin(clients, eq(clients.id, tickets.clientId))
      .where(and(eq(clients.phone, number), eq(tickets.channel, 'telegram')));

    bot.block(chatId);
    await acceptAndResolve(ticketId!);
    await eventually(async () => (await copies(ticketId!, 'accepted')).map((c) => [c.channel, c.status])).toEqual([
      ['telegram', 'skipped'],
      ['sms', 'sent'],
    ]);
    const [refused] = await copies(ticketId!, 'accepted');
    expect([refused!.channelRefused, refused!.lastError]).toEqual([true, expect.stringContaining('403')]);
    // The chat is known blocked by the resolution: passed over without a copy.
    expect((await copies(ticketId!, 'resolution')).map((c) => [c.channel, c.recipient, c.status])).toEqual([
      ['sms', number, 'sent'],
    ]);
    expect(smsTo(number).filter((sms) => sms.msg!.startsWith(`Заявка №${ticketId} выполнена.`))).toHaveLength(1);
    expect(await notifyEvents(ticketId!)).toEqual([
      {
        action: 'notified',
        data: {
          channel: 'sms',
          recipient: number,
          passedOver: [{ channel: 'telegram', recipient: String(chatId), reason: 'the client blocked the bot' }],
        },
      },
    ]);
  });

  it('an address that bounced falls back to SMS', async () => {
    const number = phone();
    const email = `bounced-${Math.random().toString(36).slice(2, 8)}@example.com`;
    const ticketId = await driver.register({
      subject: 'Не работает сканер',
      description: 'Сканер не видит документ',
      client: { phone: number, email },
    });
    const bounce = bounceMail({ messageId: `<bounce-${ticketId}@mx.example.com>`, recipient: email });
    await desk.mail.receive({ raw: Buffer.from(bounce), envelopeFrom: '', envelopeTo: ['desk@desk.test'] });
    await desk.mail.processPending();

    await acceptAndResolve(ticketId);
    expect((await copies(ticketId, 'resolution')).map((c) => [c.channel, c.status, c.channelRefused])).toEqual([
      ['email', 'skipped', true],
      ['sms', 'sent', false],
    ]);
    expect(smsTo(number).map((sms) => sms.msg!.split(':')[0])).toEqual([
      `Заявка №${ticketId} выполнена. Оценка и ответ`,
    ]);
    expect((await notifyEvents(ticketId))[0]).toMatchObject({
      action: 'notified',
      data: { channel: 'sms', passedOver: [{ channel: 'email', reason: `${email} is undeliverable (it bounced)` }] },
    });
  });

  it('a number the gateway refuses for good falls back to e-mail', async () => {
    const number = phone('+7000');
    const email = `refused-sms-${Math.random().toString(36).slice(2, 8)}@example.com`;
    const ticketId = await driver.register({
      subject: 'Не работает мышь',
      description: 'Колесо не крутится',
      client: { phone: number, email },
    });
    // The client prefers SMS.
    await desk.db
      .update(clients)
      .set({ preferredChannel: 'sms' })
      .where(eq(clients.id, await clientOf(ticketId)));
    await acceptAndResolve(ticketId);
    const resolution = await copies(ticketId, 'resolution');
    expect(resolution.map((c) => [c.channel, c.status, c.channelRefused])).toEqual([
      ['sms', 'skipped', true],
      ['email', 'sent', false],
    ]);
    expect(resolution[0]!.lastError).toMatch(/SMS.ru refused the SMS: 207/);
    // Tried once: the retried activity found the refusal and the e-mail sent.
    expect(smsTo(number)).toHaveLength(1);
    expect((await notifyEvents(ticketId))[0]!.data).toMatchObject({ channel: 'email', recipient: email });
  });

  it('a client who withdrew consent to notifications gets no SMS of the acceptance, on any channel, but is told the work is done', async () => {
    const number = phone();
    const ticketId = await bySms(number, 'Не печатает принтер, пустые листы');
    const withdrawn = await call('PUT', `/clients/${await clientOf(ticketId)}/consents/notifications`, {
      operator: 'ivanova',
      body: { granted: false, at: '2026-11-20T10:00:00Z', source: 'SMS' },
    });
    expect(withdrawn.status, withdrawn.text).toBe(200);
    await acceptAndResolve(ticketId);
    expect((await copies(ticketId, 'accepted')).map((c) => [c.channel, c.status, c.lastError])).toEqual([
      ['sms', 'skipped', 'the client withdrew consent to notifications on 2026-11-20'],
    ]);
    expect(smsTo(number).map((sms) => sms.msg!.split(' ').slice(0, 3).join(' '))).toEqual([
      `Заявка №${ticketId} выполнена.`,
    ]);
  });

  it('a client who withdrew consent to notifications by SMS only is told of the acceptance by e-mail', async () => {
    const number = phone();
    const email = `no-sms-${Math.random().toString(36).slice(2, 8)}@example.com`;
    const ticketId = await bySms(number, 'Не печатает принтер, полосы на листе');
    const clientId = await clientOf(ticketId);
    // The client has an address on file too.
    await desk.db.update(clients).set({ email }).where(eq(clients.id, clientId));
    const wrong = await call('PUT', `/clients/${clientId}/consents/notifications`, {
      operator: 'ivanova',
      body: { granted: false, channel: 'phone' },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toMatch(/channel/);
    const withdrawn = await call('PUT', `/clients/${clientId}/consents/notifications`, {
      operator: 'ivanova',
      body: { granted: false, at: '2026-11-22T10:00:00Z', source: 'звонок', channel: 'sms' },
    });
    expect(withdrawn.status, withdrawn.text).toBe(200);
    expect(withdrawn.body[0]).toMatchObject({ kind: 'notifications', granted: false, channel: 'sms' });
    const profile = await call('GET', `/clients/${clientId}`, { operator: 'sidorova' });
    expect(profile.body.consents.notifications).toMatchObject({
      granted: false,
      channel: 'sms',
      channels: { sms: { granted: false, channel: 'sms' }, email: null, telegram: null },
    });

    await acceptAndResolve(ticketId);
    const accepted = await copies(ticketId, 'accepted');
    expect(accepted.map((c) => [c.channel, c.status, c.channelRefused, c.lastError])).toEqual([
      ['sms', 'skipped', true, 'the client withdrew consent to notifications by SMS on 2026-11-22'],
      ['email', 'sent', false, null],
    ]);
    // The resolution needs no consent: it goes by SMS, the channel the client wrote on.
    expect((await copies(ticketId, 'resolution')).map((c) => [c.channel, c.status])).toEqual([['sms', 'sent']]);
    expect(smsTo(number)).toHaveLength(1);
  });

  /** SMS.ru's status code for an SMS it could not deliver (the phone off past its retries). */
  const SMS_RU_UNDELIVERED = 104;

  /** A ticket filed by SMS from a client with an address on file too, done and awaiting its survey. */
  const resolvedBySmsWithEmail = async (text: string) => {
    const number = phone();
    const email = `late-${Math.random().toString(36).slice(2, 8)}@example.com`;
    const ticketId = await bySms(number, text);
    await desk.db
      .update(clients)
      .set({ email })
      .where(eq(clients.id, await clientOf(ticketId)));
    await acceptAndResolve(ticketId);
    return { number, email, ticketId };
  };

  it('an SMS the gateway reports undelivered after taking it: the resolution notice goes on by e-mail, once', async () => {
    const { number, email, ticketId } = await resolvedBySmsWithEmail('Не печатает принтер, мнёт бумагу');
    const [sms] = await copies(ticketId, 'resolution');
    expect(sms).toMatchObject({ channel: 'sms', status: 'sent' });
    // The delivery poll (every 300 ms here) asks the gateway, which has given up on the phone.
    gateway.statuses.set(sms!.providerId!, SMS_RU_UNDELIVERED);
    await eventually(async () =>
      (await copies(ticketId, 'resolution')).map((c) => [c.channel, c.status, c.delivery]),
    ).toEqual([
      ['sms', 'sent', 'failed'],
      ['email', 'sent', null],
    ]);
    expect((await copies(ticketId, 'resolution'))[1]).toMatchObject({ recipient: email, channelRefused: false });
    // The notify step keeps the first copy's event; the e-mail that followed has its own, on the
    // survey step where the ticket waits (it does not move back to notify).
    expect((await notifyEvents(ticketId)).map((e) => [e.action, e.data.channel])).toEqual([['notified', 'sms']]);
    expect(await sentOn(ticketId)).toEqual({
      events: [
        {
          element: 'survey',
          round: 1,
          channel: 'email',
          recipient: email,
          passedOver: [
            { channel: 'sms', recipient: number, reason: 'the SMS gateway reported it undelivered', undelivered: true },
          ],
        },
      ],
      at: ['survey'],
    });
    // Further polls and sweeps send nothing more; the survey still awaits the client.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await copies(ticketId, 'resolution')).toHaveLength(2);
    expect(smsTo(number).filter((m) => m.msg!.startsWith(`Заявка №${ticketId} выполнена.`))).toHaveLength(1);
    expect((await desk.db.select().from(tickets).where(eq(tickets.id, ticketId)))[0]!.stage).toBe('awaiting_survey');
  });

  it('a resolution e-mail that bounces after it was sent goes on by SMS', async () => {
    const number = phone();
    const email = `bounces-later-${Math.random().toString(36).slice(2, 8)}@example.com`;
    const ticketId = await driver.register({
      subject: 'Не работает сканер',
      description: 'Сканер шумит и не сканирует',
      client: { phone: number, email },
    });
    await acceptAndResolve(ticketId);
    const [mailed] = await copies(ticketId, 'resolution');
    expect(mailed).toMatchObject({ channel: 'email', recipient: email, status: 'sent' });
    // The receiving server took it, then bounced it: the DSN carries the returned message's headers.
    const bounce = bounceMail({
      messageId: `<late-bounce-${ticketId}@mx.example.com>`,
      recipient: email,
      status: '5.2.2',
      subject: 'Undelivered Mail Returned to Sender',
      returnedMessageId: mailed!.messageId,
    });
    await desk.mail.receive({ raw: Buffer.from(bounce), envelopeFrom: '', envelopeTo: ['desk@desk.test'] });
    await desk.mail.processPending();
    await eventually(async () =>
      (await copies(ticketId, 'resolution')).map((c) => [c.channel, c.status, c.delivery]),
    ).toEqual([
      ['email', 'sent', 'failed'],
      ['sms', 'sent', 'queued'],
    ]);
    expect(smsTo(number).filter((m) => m.msg!.startsWith(`Заявка №${ticketId} выполнена.`))).toHaveLength(1);
    expect((await sentOn(ticketId)).events.map((e) => [e.element, e.channel, e.passedOver])).toEqual([
      [
        'survey',
        'sms',
        [{ channel: 'email', recipient: email, reason: 'the mail server reported it undelivered', undelivered: true }],
      ],
    ]);
  });

  it('a failure recorded whose sending on a crash cut short is sent on by the next sweep', async () => {
    const { ticketId } = await resolvedBySmsWithEmail('Не печатает принтер, нет тонера');
    // As a process that recorded the report and died before it sent the notice on leaves it.
    const [sms] = await copies(ticketId, 'resolution');
    await desk.db.update(outbox).set({ delivery: 'failed', deliveryAt: new Date() }).where(eq(outbox.id, sms!.id));
    await eventually(async () => (await copies(ticketId, 'resolution')).map((c) => [c.channel, c.status])).toEqual([
      ['sms', 'sent'],
      ['email', 'sent'],
    ]);
  });

  it('an acceptance SMS reported undelivered once the work is done is not sent on: the resolution told the client', async () => {
    const { ticketId } = await resolvedBySmsWithEmail('Не печатает принтер, горит ошибка');
    const [acceptedSms] = await copies(ticketId, 'accepted');
    gateway.statuses.set(acceptedSms!.providerId!, SMS_RU_UNDELIVERED);
    await eventually(async () => (await copies(ticketId, 'accepted')).map((c) => [c.channel, c.delivery])).toEqual([
      ['sms', 'failed'],
    ]);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await copies(ticketId, 'accepted')).map((c) => c.channel)).toEqual(['sms']);
  });
});
