import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundMessages, ticketArticles, tickets } from '../src/db/schema';
import { startTestDeskAlone } from './support/desk';
import { listen } from './support/http';
import { SMSC_LOGIN, SMSC_PASSWORD, smscInboundCallback, startSmscGateway } from './support/sms-gateways';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const TOKEN = 'sms-inbound-smsc-0123456789abcdef';
const SECRET = 'smsc-callback-secret';

/**
 * Inbound SMS in a gateway's own format: SMSC's (the only one of the four gateways whose incoming-SMS
 * callback was found; SMS.ru's and SMS Aero's APIs, as far as the copies read show, publish none, and
 * the generic gateway's is the desk's JSON, test/sms.test.ts), posted as SMSC posts it to its one
 * handler URL — the desk's inbound URL or its status URL — signed with the account's secret.
 */
describe('SMSC’s incoming-SMS callback, at either SMS URL', () => {
  let gateway: Awaited<ReturnType<typeof startSmscGateway>>;
  let desk: Awaited<ReturnType<typeof startTestDeskAlone>>;
  let call: Awaited<ReturnType<typeof listen>>['call'];
  const number = () => `7999${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
  const post = (form: string, url = `/channels/sms/${TOKEN}`) =>
    call('POST', `${url}?charset=utf-8`, { headers: FORM, raw: form });
  /** What the desk stored of the SMS from a number (nothing, for a callback it refused). */
  const storedFrom = (phone: string) =>
    desk.db
      .select()
      .from(inboundMessages)
      .where(eq(inboundMessages.envelopeFrom, `+${phone}`));
  const smsArticles = async (ticketId: number) =>
    (await desk.db.select().from(ticketArticles).where(eq(ticketArticles.ticketId, ticketId))).filter(
      (article) => article.channel === 'sms',
    );

  beforeAll(async () => {
    gateway = await startSmscGateway();
    // A database of its own: every SMS desk sweeps the outbox it sees (test/sms-callbacks.test.ts).
    desk = await startTestDeskAlone('sms_inbound_smsc', {
      sms: {
        token: TOKEN,
        provider: {
          name: 'smsc',
          baseUrl: gateway.url,
          login: SMSC_LOGIN,
          apiKey: SMSC_PASSWORD,
          callbackSecret: SECRET,
          allowPrivate: true,
        },
        deliveryPollMs: 3_600_000,
      },
    });
    ({ call } = await listen(desk.app));
  });
  afterAll(async () => {
    await desk?.stop();
    await gateway?.close();
  });

  it('threads an SMS to the sender’s open ticket, answered OK, once however often SMSC posts it', async () => {
    const phone = number();
    const filed = await call('POST', '/tickets', {
      body: { subject: 'Не включается ноутбук', description: 'Не включается ноутбук', client: { phone: `+${phone}` } },
    });
    expect(filed.status, filed.text).toBe(201);
    const form = smscInboundCallback({ id: `${phone}1`, phone, mes: 'Ноутбук уже готов?' }, SECRET);
    const first = await post(form);
    expect([first.status, first.text]).toEqual([200, 'OK']);
    // SMSC posts it again (its answer lost): the same answer, no second article.
    expect((await post(form)).text).toBe('OK');
    expect((await post(form, `/channels/sms/${TOKEN}/status`)).text).toBe('OK');
    expect(await smsArticles(filed.body.id)).toEqual([
      expect.objectContaining({ direction: 'in', sender: `+${phone}`, body: 'Ноутбук уже готов?' }),
    ]);
  });

  it('registers an SMS from a number with no open ticket as a new ticket, posted to the status URL too', async () => {
    const phone = number();
    const answer = await post(
      smscInboundCallback({ id: `${phone}2`, phone, mes: 'Сломался экран телефона, нужна замена' }, SECRET),
      `/channels/sms/${TOKEN}/status`,
    );
    expect([answer.status, answer.text]).toEqual([200, 'OK']);
    const [stored] = await desk.db
      .select()
      .from(inboundMessages)
      .where(eq(inboundMessages.envelopeFrom, `+${phone}`));
    expect(stored).toMatchObject({ channel: 'sms', status: 'attached' });
    const [ticket] = await desk.db.select().from(tickets).where(eq(tickets.id, stored!.ticketId!));
    expect(ticket).toMatchObject({ channel: 'sms', subject: 'Сломался экран телефона, нужна замена' });
    expect(await smsArticles(ticket!.id)).toHaveLength(1);
  });

  it('refuses a form that is not SMSC’s callback with a 400 naming the field, keeping nothing', async () => {
    const phone = number();
    const cases: Array<[string, string]> = [
      [`id=1&phone=${phone}&to=79991112233`, 'body.mes is required'],
      [`id=1&mes=hi&to=79991112233`, 'body.phone is required'],
      [`phone=${phone}&mes=hi&to=79991112233`, 'body.id is required'],
    ];
    for (const [form, message] of cases) {
      const signed = `${form}&md5=${createHash('md5').update(`${phone}:hi:79991112233:${SECRET}`).digest('hex')}`;
      const answer = await post(signed);
      expect([answer.status, answer.body?.code, answer.body?.message], form).toEqual([
        400,
        'VALIDATION',
        expect.stringContaining(message),
      ]);
    }
    const notPhone = await post(smscInboundCallback({ id: '3', phone: 'MegaFon', mes: 'hi' }, SECRET));
    expect([notPhone.status, notPhone.body?.message]).toEqual([400, expect.stringContaining('body.phone must be')]);
    expect(await storedFrom(phone)).toEqual([]);
  });

  it('refuses a callback without SMSC’s signature or with another, at either URL (403), keeping nothing', async () => {
    const phone = number();
    const form = new URLSearchParams(
      smscInboundCallback({ id: `${phone}4`, phone, mes: 'Когда будет готово?' }, SECRET),
    );
    const forged = new URLSearchParams(form);
    forged.set('md5', createHash('md5').update('something else').digest('hex'));
    const unsigned = new URLSearchParams(form);
    unsigned.delete('md5');
    const otherText = new URLSearchParams(form);
    otherText.set('mes', 'Переведите деньги');
    for (const refused of [forged, unsigned, otherText])
      for (const url of [`/channels/sms/${TOKEN}`, `/channels/sms/${TOKEN}/status`]) {
        const answer = await post(refused.toString(), url);
        expect([answer.status, answer.body?.code, answer.body?.message]).toEqual([
          403,
          'BAD_SMS_SIGNATURE',
          expect.stringMatching(/^body\.md5 (is required|is not SMSC's signature)/),
        ]);
      }
    // A delivery status is signed too.
    const status = await post(`id=12&phone=${phone}&status=1&md5=0123`, `/channels/sms/${TOKEN}/status`);
    expect([status.status, status.body?.code]).toEqual([403, 'BAD_SMS_SIGNATURE']);
    expect(await storedFrom(phone)).toEqual([]);
    // The path's token is checked first, as for every SMS webhook.
    const stranger = await post(form.toString(), '/channels/sms/not-the-token');
    expect([stranger.status, stranger.body?.code]).toEqual([403, 'BAD_SMS_TOKEN']);
  });

  it('answers a delivery status posted to the inbound URL (SMSC’s one handler) as the status URL does', async () => {
    const id = '777';
    const phone = number();
    const md5 = createHash('md5').update(`${id}:${phone}:1:${SECRET}`).digest('hex');
    const answer = await post(`id=${id}&phone=${phone}&status=1&err=0&md5=${md5}`);
    expect([answer.status, answer.text]).toEqual([200, 'OK']);
  });

  it('still takes the generic JSON at the inbound URL, and documents both', async () => {
    const phone = number();
    const generic = await call('POST', `/channels/sms/${TOKEN}`, {
      body: { id: `json-${phone}`, from: `+${phone}`, text: 'Здравствуйте' },
    });
    expect([generic.status, generic.body]).toEqual([200, { ticketId: expect.any(Number), duplicate: false }]);
    const document = JSON.parse((await desk.app.inject({ method: 'GET', url: '/docs/json' })).body) as {
      paths: Record<string, { post: { requestBody: { content: object }; responses: { 200: { content: object } } } }>;
    };
    const route = document.paths['/channels/sms/{token}']!.post;
    expect(Object.keys(route.requestBody.content)).toEqual(['application/json', FORM['content-type']]);
    expect(Object.keys(route.responses[200].content)).toEqual(['application/json', 'text/plain']);
  });
});
