import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmsAero } from '../src/channels/sms-aero';
import { createSmsc, smscMessageId } from '../src/channels/smsc';
import type { SmsProviderName } from '../src/channels/sms-providers';
import { clients, outbox, tickets } from '../src/db/schema';
import { startTestDesk } from './support/desk';
import { listen } from './support/http';
import {
  SMS_AERO_EMAIL,
  SMS_AERO_KEY,
  SMSC_API_KEY,
  SMSC_LOGIN,
  SMSC_PASSWORD,
  startSmsAeroGateway,
  startSmscGateway,
} from './support/sms-gateways';
import { eventually } from './support/telegram';
import { ticketDriver } from './support/tickets';

const TEXT = 'Заявка №1001 готова: ноутбук ждёт вас, 1 500 ₽';

describe('SMSC.ru: send.php and status.php against a local server speaking its API', () => {
  let gateway: Awaited<ReturnType<typeof startSmscGateway>>;
  const smsc = (overrides: { login?: string; apiKey?: string; allowPrivate?: boolean } = {}) =>
    createSmsc({
      baseUrl: gateway.url,
      login: SMSC_LOGIN,
      apiKey: SMSC_PASSWORD,
      from: 'Desk',
      allowPrivate: true,
      ...overrides,
    });

  beforeAll(async () => {
    gateway = await startSmscGateway();
  });
  afterAll(() => gateway?.close());

  it('sends with login and password, a Cyrillic text intact (charset=utf-8), under the notice’s own id', async () => {
    const sent = await smsc().send('+79161234567', TEXT, '<ticket-1001.resolution@desk.test>');
    const id = smscMessageId('<ticket-1001.resolution@desk.test>');
    expect(sent).toEqual({ providerId: `${id}/+79161234567`, delivery: 'queued' });
    expect(gateway.sent.at(-1)).toEqual({
      login: SMSC_LOGIN,
      psw: SMSC_PASSWORD,
      fmt: '3',
      charset: 'utf-8',
      phones: '+79161234567',
      mes: TEXT,
      id: String(id),
      sender: 'Desk',
    });
    // The same notice, the same id: a resend is the same message to SMSC.
    expect(smscMessageId('<ticket-1001.resolution@desk.test>')).toBe(id);
    expect(id).toBeGreaterThanOrEqual(1);
    expect(id).toBeLessThanOrEqual(2_147_483_647);
  });

  it('signs in with the API key alone when there is no login', async () => {
    await smsc({ login: undefined, apiKey: SMSC_API_KEY }).send('+79161234567', 'hi');
    expect(gateway.sent.at(-1)).toMatchObject({ apikey: SMSC_API_KEY, mes: 'hi' });
    expect(gateway.sent.at(-1)).not.toHaveProperty('login');
  });

  it('follows the delivery by polling status.php: waiting, with the operator, delivered, failed', async () => {
    const provider = smsc();
    const { providerId } = await provider.send('+79161234568', TEXT);
    expect(await provider.delivery(providerId)).toBe('queued');
    for (const [code, delivery] of [
      [0, 'sent'],
      [1, 'delivered'],
      [2, 'delivered'],
      [20, 'failed'],
      [3, 'failed'],
    ] as const) {
      gateway.statuses.set(providerId, code);
      expect(await provider.delivery(providerId)).toBe(delivery);
    }
    await expect(provider.delivery('999999/+79160000000')).rejects.toThrow(/SMSC status of 999999\/\+79160000000: -3/);
  });

  it('a number SMSC cannot reach is refused for good; no money and HTTP 5xx are tried again', async () => {
    await expect(smsc().send('+70001112233', 'x')).rejects.toMatchObject({
      permanent: true,
      message: expect.stringMatching(/SMSC error 8/),
    });
    await expect(smsc().send('+70031112233', 'x')).rejects.toMatchObject({
      permanent: false,
      message: expect.stringMatching(/SMSC error 3/),
    });
    gateway.setDown(true);
    try {
      await expect(smsc().send('+79161234567', 'x')).rejects.toMatchObject({
        permanent: false,
        message: expect.stringMatching(/HTTP 503/),
      });
    } finally {
      gateway.setDown(false);
    }
  });

  it('wrong credentials are a clear, permanent error naming the variables', async () => {
    await expect(smsc({ apiKey: 'wrong' }).send('+79161234567', 'x')).rejects.toMatchObject({
      permanent: true,
      message: expect.stringMatching(/SMSC refused the credentials \(error 2.*SMS_LOGIN and SMS_API_KEY/),
    });
    await expect(smsc({ apiKey: 'wrong' }).delivery('1/+79161234567')).rejects.toThrow(/refused the credentials/);
  });

  it('refuses a gateway on a private address unless OUTBOUND_ALLOW_PRIVATE', async () => {
    await expect(smsc({ allowPrivate: false }).send('+79161234567', 'x')).rejects.toThrow(/refused/);
  });
});

describe('SMS Aero: API v2 against a local server speaking it', () => {
  let gateway: Awaited<ReturnType<typeof startSmsAeroGateway>>;
  const aero = (overrides: { apiKey?: string; from?: string; allowPrivate?: boolean } = {}) =>
    createSmsAero({
      baseUrl: gateway.url,
      login: SMS_AERO_EMAIL,
      apiKey: SMS_AERO_KEY,
      allowPrivate: true,
      ...overrides,
    });

  beforeAll(async () => {
    gateway = await startSmsAeroGateway();
  });
  afterAll(() => gateway?.close());

  it('sends with basic auth, a Cyrillic text intact, its free sign unless SMS_FROM names one', async () => {
    const sent = await aero().send('+79161234567', TEXT);
    expect(sent).toEqual({ providerId: expect.stringMatching(/^\d+$/), delivery: 'queued' });
    expect(gateway.sent.at(-1)).toEqual({ number: '79161234567', text: TEXT, sign: 'SMS Aero' });
    await aero({ from: 'Desk' }).send('+79161234567', 'hi');
    expect(gateway.sent.at(-1)).toMatchObject({ sign: 'Desk' });
  });

  it('follows the delivery by polling /v2/sms/status: queued, with the operator, delivered, failed', async () => {
    const provider = aero();
    const { providerId } = await provider.send('+79161234569', TEXT);
    for (const [code, delivery] of [
      [0, 'queued'],
      [8, 'queued'],
      [3, 'sent'],
      [4, 'sent'],
      [1, 'delivered'],
      [2, 'failed'],
      [6, 'failed'],
    ] as const) {
      gateway.statuses.set(providerId, code);
      expect(await provider.delivery(providerId)).toBe(delivery);
    }
    await expect(provider.delivery('424242')).rejects.toThrow(/Message not found/);
  });

  it('a number it refuses (HTTP 400) is refused for good; HTTP 5xx is tried again', async () => {
    await expect(aero().send('+70001112233', 'x')).rejects.toMatchObject({
      permanent: true,
      message: expect.stringMatching(/SMS Aero refused: Validation error/),
    });
    gateway.setDown(true);
    try {
      await expect(aero().send('+79161234567', 'x')).rejects.toMatchObject({
        permanent: false,
        message: expect.stringMatching(/HTTP 503/),
      });
    } finally {
      gateway.setDown(false);
    }
  });

  it('wrong credentials are a clear, permanent error naming the variables; no e-mail, no adapter', async () => {
    await expect(aero({ apiKey: 'wrong' }).send('+79161234567', 'x')).rejects.toMatchObject({
      permanent: true,
      message: expect.stringMatching(
        /SMS Aero refused the credentials \(Your request was made with invalid credentials\.\).*SMS_LOGIN/,
      ),
    });
    expect(() => createSmsAero({ baseUrl: gateway.url, apiKey: SMS_AERO_KEY, allowPrivate: true })).toThrow(
      /SMS_LOGIN/,
    );
  });

  it('refuses a gateway on a private address unless OUTBOUND_ALLOW_PRIVATE', async () => {
    await expect(aero({ allowPrivate: false }).send('+79161234567', 'x')).rejects.toThrow(/refused/);
  });
});

/**
 * Client notices through each gateway, as test/sms-notices.test.ts follows them through SMS.ru:
 * a number refused for good falls back to e-mail; an SMS the gateway did not take while it was
 * away waits in the outbox and goes once it is back; its delivery is polled to the end.
 */
const gateways = {
  smsc: {
    start: startSmscGateway,
    provider: { login: SMSC_LOGIN, apiKey: SMSC_PASSWORD },
    recipient: (sms: Record<string, unknown>) => String(sms.phones),
    text: (sms: Record<string, unknown>) => String(sms.mes),
    delivered: 1,
  },
  smsaero: {
    start: startSmsAeroGateway,
    provider: { login: SMS_AERO_EMAIL, apiKey: SMS_AERO_KEY },
    recipient: (sms: Record<string, unknown>) => `+${String(sms.number)}`,
    text: (sms: Record<string, unknown>) => String(sms.text),
    delivered: 1,
  },
} satisfies Partial<Record<SmsProviderName, unknown>>;

describe.each(Object.keys(gateways) as Array<keyof typeof gateways>)('client notices through %s', (name) => {
  const TOKEN = `sms-${name}-secret-0123456789abcdef`;
  const spec = gateways[name];
  const phone = (prefix = '+7999') => `${prefix}${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
  let gateway: Awaited<ReturnType<typeof spec.start>>;
  let desk: Awaited<ReturnType<typeof startTestDesk>>;
  let call: Awaited<ReturnType<typeof listen>>['call'];
  let driver: ReturnType<typeof ticketDriver>;

  const smsTo = (number: string) =>
    (gateway.sent as Array<Record<string, unknown>>).filter((sms) => spec.recipient(sms) === number).map(spec.text);
  const copies = (ticketId: number, purpose: string) =>
    desk.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.ticketId, ticketId), eq(outbox.purpose, purpose)))
      .orderBy(outbox.id);

  beforeAll(async () => {
    gateway = await spec.start();
    desk = await startTestDesk({
      sms: {
        token: TOKEN,
        provider: { name, baseUrl: gateway.url, ...spec.provider, allowPrivate: true },
        deliveryPollMs: 300,
      },
    });
    ({ call } = await listen(desk.app));
    driver = ticketDriver(desk, call);
  });
  afterAll(async () => {
    await desk?.stop();
    await gateway?.close();
  });

  it('a number the gateway refuses for good falls back to e-mail', async () => {
    const number = phone('+7000');
    const email = `refused-${name}-${Math.random().toString(36).slice(2, 8)}@example.com`;
    const ticketId = await driver.register({
      subject: 'Не работает мышь',
      description: 'Колесо не крутится',
      client: { phone: number, email },
    });
    const [{ clientId }] = await desk.db
      .select({ clientId: tickets.clientId })
      .from(tickets)
      .where(eq(tickets.id, ticketId));
    await desk.db.update(clients).set({ preferredChannel: 'sms' }).where(eq(clients.id, clientId!));
    await driver.reaches(ticketId, 'queued');
    await driver.accept(ticketId, 'ivanova');
    await driver.resolve(ticketId, 'ivanova');
    await driver.reaches(ticketId, 'awaiting_survey');
    const resolution = await copies(ticketId, 'resolution');
    expect(resolution.map((c) => [c.channel, c.status, c.channelRefused])).toEqual([
      ['sms', 'skipped', true],
      ['email', 'sent', false],
    ]);
    expect(smsTo(number)).toHaveLength(1);
  });

  it('an SMS waits in the outbox while the gateway is away (HTTP 503), goes once it is back, and its delivery is polled', async () => {
    const number = phone();
    const filed = await call('POST', `/channels/sms/${TOKEN}`, {
      body: { id: `in-${number}`, from: number, text: 'Не работает клавиатура, не горит подсветка' },
    });
    expect(filed.status, filed.text).toBe(200);
    const ticketId = filed.body.ticketId as number;
    await driver.reaches(ticketId, 'queued');
    gateway.setDown(true);
    try {
      await driver.accept(ticketId, 'ivanova');
      await eventually(async () => (await copies(ticketId, 'accepted')).map((c) => [c.status, c.lastError])).toEqual([
        ['pending', expect.stringMatching(/HTTP 503/)],
      ]);
    } finally {
      gateway.setDown(false);
    }
    await eventually(async () => (await copies(ticketId, 'accepted')).map((c) => c.status)).toEqual(['sent']);
    const sent = smsTo(number).filter((text) => text.startsWith(`Заявка №${ticketId} в работе.`));
    expect(sent).toHaveLength(1);
    const [copy] = await copies(ticketId, 'accepted');
    gateway.statuses.set(copy!.providerId!, spec.delivered);
    await eventually(async () => (await copies(ticketId, 'accepted'))[0]!.delivery).toBe('delivered');
  });
});
