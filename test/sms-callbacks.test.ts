import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmsProviderName } from '../src/channels/sms-providers';
import { outbox } from '../src/db/schema';
import type { SmsDelivery } from '../src/domain/enums';
import { startTestDesk, startTestDeskAlone } from './support/desk';
import { listen } from './support/http';
import { SMS_RU_API_ID, startSmsGateway } from './support/sms-gateway';
import {
  SMS_AERO_EMAIL,
  SMS_AERO_KEY,
  SMSC_LOGIN,
  SMSC_PASSWORD,
  startSmsAeroGateway,
  startSmscGateway,
} from './support/sms-gateways';
import { eventually } from './support/telegram';
import { ticketDriver } from './support/tickets';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/**
 * Each gateway's own delivery callback (SMS Aero's is not read: below), as a local server speaking
 * its API would post it: the status code it posts for each of the desk's statuses, its callback of
 * an SMS it took (from its `statuses`), the answer it waits for, forms that are not its callback
 * with the field the desk names for each, and a form it posts of no SMS the desk sent.
 */
const gateways = {
  smsru: {
    start: startSmsGateway,
    provider: { apiKey: SMS_RU_API_ID },
    codes: { queued: 100, sent: 102, delivered: 103, failed: 104 } satisfies Record<SmsDelivery, number>,
    answer: '100',
    unknownId: '000000-99999999',
    malformed: [
      ['msg=hello', 'body.data[0] is required'],
      [`data[0]=${encodeURIComponent('sms_status\n000000-1\nlost')}`, 'body.data[0] is not "sms_status"'],
    ],
    // A post whose second report is not one: refused whole, the first not kept either.
    halfBad: (providerId: string) =>
      new URLSearchParams({
        'data[0]': `sms_status\n${providerId}\n102\n1765000000`,
        'data[1]': 'sms_status\n\n103',
      }).toString(),
    // Several SMS in one post, and a line of another kind (a call check's status).
    ignored: new URLSearchParams({
      'data[0]': 'sms_status\n000000-99999998\n103\n1765000000',
      'data[1]': 'callcheck_status\n201737-542\n401\n1765000000',
    }).toString(),
  },
  smsc: {
    start: startSmscGateway,
    provider: { login: SMSC_LOGIN, apiKey: SMSC_PASSWORD },
    codes: { queued: -1, sent: 0, delivered: 1, failed: 20 } satisfies Record<SmsDelivery, number>,
    answer: 'OK',
    unknownId: '999999/+79990000000',
    malformed: [
      ['id=1&phone=79990000000', 'body.status is required'],
      ['id=abc&phone=79990000000&status=1', 'body.id must be'],
      ['id=1&phone=79990000000&status=delivered', 'body.status must be'],
    ],
    // A status the desk does not follow (SMSC's -3, "no such message"): the poll does.
    ignored: 'id=1&phone=79990000000&status=-3&err=0',
  },
} satisfies Partial<Record<SmsProviderName, unknown>>;

describe.each(Object.keys(gateways) as Array<keyof typeof gateways>)('%s delivery callbacks', (name) => {
  const TOKEN = `sms-callback-${name}-0123456789abcdef`;
  const spec = gateways[name];
  const phone = () => `+7999${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
  let gateway: Awaited<ReturnType<typeof spec.start>>;
  let desk: Awaited<ReturnType<typeof startTestDeskAlone>>;
  let call: Awaited<ReturnType<typeof listen>>['call'];
  let providerId: string;

  const delivery = async () =>
    (
      await desk.db
        .select()
        .from(outbox)
        .where(and(eq(outbox.channel, 'sms'), eq(outbox.providerId, providerId)))
    )[0]!.delivery;
  /** The gateway's callback of the desk's SMS, at status `to`, posted as the gateway posts it. */
  const gatewayReports = (to: SmsDelivery, id = providerId, token = TOKEN) => {
    gateway.statuses.set(id, spec.codes[to]);
    return post(gateway.callbackFor(id), token);
  };
  const post = (form: string, token = TOKEN) =>
    call('POST', `/channels/sms/${token}/status`, { headers: FORM, raw: form });

  beforeAll(async () => {
    gateway = await spec.start();
    // A database of its own: another file's desk resending the SMS it finds unsent in a shared
    // outbox would claim this one's and send it through its own gateway.
    desk = await startTestDeskAlone(`sms_callbacks_${name}`, {
      sms: {
        token: TOKEN,
        provider: { name, baseUrl: gateway.url, ...spec.provider, allowPrivate: true },
        // Only the callbacks move the delivery here: the poll would come after the test.
        deliveryPollMs: 3_600_000,
      },
    });
    ({ call } = await listen(desk.app));
  });
  afterAll(async () => {
    await desk?.stop();
    await gateway?.close();
  });

  it('keeps the status the gateway posts on the SMS’s outbox copy, answered as the gateway waits for', async () => {
    // An accepted notice, sent by SMS through the adapter to the local gateway.
    const driver = ticketDriver(desk, call);
    const number = phone();
    const filed = await call('POST', `/channels/sms/${TOKEN}`, {
      body: { id: `in-${name}-${number}`, from: number, text: 'Не работает клавиатура, не горит подсветка' },
    });
    expect(filed.status, filed.text).toBe(200);
    const ticketId = filed.body.ticketId as number;
    await driver.reaches(ticketId, 'queued');
    await driver.accept(ticketId, 'ivanova');
    const accepted = () =>
      desk.db
        .select()
        .from(outbox)
        .where(and(eq(outbox.ticketId, ticketId), eq(outbox.purpose, 'accepted')));
    await eventually(async () => (await accepted()).map((c) => [c.channel, c.status])).toEqual([['sms', 'sent']]);
    providerId = (await accepted())[0]!.providerId!;
    expect(await delivery()).toBe('queued');
    if ('halfBad' in spec) {
      const refused = await post(spec.halfBad(providerId));
      expect([refused.status, refused.body?.message]).toEqual([400, expect.stringContaining('body.data[1]')]);
      expect(await delivery()).toBe('queued');
    }
    const answer = await gatewayReports('sent');
    expect([answer.status, answer.text]).toEqual([200, spec.answer]);
    expect(await delivery()).toBe('sent');
  });

  it('moves only forward: an out-of-order or repeated callback does not take the status back', async () => {
    expect((await gatewayReports('queued')).text).toBe(spec.answer);
    expect(await delivery()).toBe('sent');
    expect((await gatewayReports('delivered')).text).toBe(spec.answer);
    expect(await delivery()).toBe('delivered');
    for (const late of ['delivered', 'sent', 'failed'] as const) {
      const answer = await gatewayReports(late);
      expect([answer.status, answer.text]).toEqual([200, spec.answer]);
      expect(await delivery()).toBe('delivered');
    }
  });

  it('answers a callback of an SMS the desk did not send as the gateway waits for, and keeps nothing of it', async () => {
    const answer = await gatewayReports('failed', spec.unknownId);
    expect([answer.status, answer.text]).toEqual([200, spec.answer]);
    expect(await desk.db.select().from(outbox).where(eq(outbox.providerId, spec.unknownId))).toEqual([]);
    expect(await delivery()).toBe('delivered');
  });

  it('answers a form of no SMS the desk sent (another kind of report) and keeps nothing of it', async () => {
    const answer = await post(spec.ignored);
    expect([answer.status, answer.text]).toEqual([200, spec.answer]);
    expect(await delivery()).toBe('delivered');
  });

  it('refuses a form that is not the gateway’s callback with a 400 naming the field; a wrong path with a 403', async () => {
    for (const [form, message] of spec.malformed) {
      const answer = await post(form);
      expect([answer.status, answer.body?.code, answer.body?.message], form).toEqual([
        400,
        'VALIDATION',
        expect.stringContaining(message),
      ]);
    }
    const stranger = await gatewayReports('failed', providerId, 'not-the-token');
    expect([stranger.status, stranger.body?.code]).toEqual([403, 'BAD_SMS_TOKEN']);
    expect(await delivery()).toBe('delivered');
  });

  it('still takes the generic JSON report on the same URL, and documents both', async () => {
    const generic = await call('POST', `/channels/sms/${TOKEN}/status`, {
      body: { id: 'no-such-sms', status: 'sent' },
    });
    expect([generic.status, generic.body]).toEqual([200, { recorded: false }]);
    const document = JSON.parse((await desk.app.inject({ method: 'GET', url: '/docs/json' })).body) as {
      paths: Record<string, { post: { requestBody: { content: object }; responses: { 200: { content: object } } } }>;
    };
    const route = document.paths['/channels/sms/{token}/status']!.post;
    expect(Object.keys(route.requestBody.content)).toEqual(['application/json', FORM['content-type']]);
    expect(Object.keys(route.responses[200].content)).toEqual(['application/json', 'text/plain']);
    // SMS.ru publishes no callback of the SMS its numbers receive: the inbound URL takes JSON alone.
    // SMSC's one handler posts them too, read at either URL (test/sms-inbound.test.ts).
    const inbound = await call('POST', `/channels/sms/${TOKEN}`, {
      headers: FORM,
      raw: 'id=1&from=%2B79990000000&text=hi',
    });
    expect([inbound.status, inbound.body?.message]).toEqual(
      name === 'smsc' ? [400, expect.stringContaining('body.phone is required')] : [415, expect.anything()],
    );
  });
});

describe('a gateway whose callback the desk does not read (SMS Aero): polled, and the generic JSON alone', () => {
  const TOKEN = 'sms-callback-smsaero-0123456789abcdef';
  let gateway: Awaited<ReturnType<typeof startSmsAeroGateway>>;
  let desk: Awaited<ReturnType<typeof startTestDesk>>;
  let call: Awaited<ReturnType<typeof listen>>['call'];

  beforeAll(async () => {
    gateway = await startSmsAeroGateway();
    desk = await startTestDesk({
      sms: {
        token: TOKEN,
        provider: {
          name: 'smsaero',
          baseUrl: gateway.url,
          login: SMS_AERO_EMAIL,
          apiKey: SMS_AERO_KEY,
          allowPrivate: true,
        },
      },
    });
    ({ call } = await listen(desk.app));
  });
  afterAll(async () => {
    await desk?.stop();
    await gateway?.close();
  });

  it('answers a form at either SMS URL 415, and takes the generic JSON report there', async () => {
    const form = await call('POST', `/channels/sms/${TOKEN}/status`, { headers: FORM, raw: 'id=1&status=1' });
    expect(form.status).toBe(415);
    // Nor does it publish a callback of the SMS its numbers receive (src/channels/sms-aero.ts).
    const inbound = await call('POST', `/channels/sms/${TOKEN}`, { headers: FORM, raw: 'id=1&from=%2B79990000000' });
    expect(inbound.status).toBe(415);
    const generic = await call('POST', `/channels/sms/${TOKEN}/status`, { body: { id: '1001', status: 'sent' } });
    expect([generic.status, generic.body]).toEqual([200, { recorded: false }]);
  });
});
