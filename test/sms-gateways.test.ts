import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmsAero } from '../src/channels/sms-aero';
import { createSmsc, smscMessageId } from '../src/channels/smsc';
import {
  SMS_AERO_EMAIL,
  SMS_AERO_KEY,
  SMSC_API_KEY,
  SMSC_LOGIN,
  SMSC_PASSWORD,
  startSmsAeroGateway,
  startSmscGateway,
} from './support/sms-gateways';

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
