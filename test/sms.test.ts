import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGenericSms, SmsProviderError } from '../src/channels/sms';
import { ticketArticles, tickets } from '../src/db/schema';
import { startTestDesk } from './support/desk';
import { listen } from './support/http';
import { SMS_RU_API_ID as API_ID, startSmsGateway as startGateway } from './support/sms-gateway';

const TOKEN = 'sms-test-secret-0123456789abcdef';

describe('SMS: gateways at a configurable base URL, inbound SMS threaded to the open ticket', () => {
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  let desk: Awaited<ReturnType<typeof startTestDesk>>;
  let api: Awaited<ReturnType<typeof listen>>;
  const number = () => `+7999${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
  const inbound = (body: unknown, token = TOKEN) => api.call('POST', `/channels/sms/${token}`, { body });

  beforeAll(async () => {
    gateway = await startGateway();
    desk = await startTestDesk({
      sms: {
        token: TOKEN,
        provider: { name: 'smsru', baseUrl: gateway.url, apiKey: API_ID, from: 'Desk', allowPrivate: true },
      },
    });
    api = await listen(desk.app);
  });
  afterAll(async () => {
    await desk?.stop();
    await gateway?.close();
  });

  it('sends through SMS.ru and follows the delivery by polling its status', async () => {
    const provider = desk.sms.provider!;
    const sent = await provider.send('+79161234567', 'Заявка №1001 готова');
    expect(sent).toEqual({ providerId: expect.stringMatching(/^000000-\d+$/), delivery: 'queued' });
    expect(gateway.sent.at(-1)).toMatchObject({
      to: '79161234567',
      msg: 'Заявка №1001 готова',
      from: 'Desk',
      json: '1',
    });
    gateway.statuses.set(sent.providerId, 102);
    expect(await provider.delivery(sent.providerId)).toBe('sent');
    gateway.statuses.set(sent.providerId, 103);
    expect(await provider.delivery(sent.providerId)).toBe('delivered');
    gateway.statuses.set(sent.providerId, 104);
    expect(await provider.delivery(sent.providerId)).toBe('failed');
    await expect(provider.send('+70001112233', 'x')).rejects.toThrow(/SMS.ru refused the SMS: 207/);
    // The gateway's refusal of a number is for good: a notice goes on by the client's next channel.
    await expect(provider.send('+70001112233', 'x')).rejects.toMatchObject({ permanent: true });
    await expect(provider.delivery('000000-1')).rejects.toThrow(SmsProviderError);
  });

  it('sends through a generic gateway with its key', async () => {
    const generic = createGenericSms({ baseUrl: `${gateway.url}/gw`, apiKey: 'gw-key', allowPrivate: true });
    expect(await generic.send('+79161234567', 'hi')).toEqual({
      providerId: expect.stringMatching(/^gw-/),
      delivery: 'queued',
    });
    expect(await generic.delivery('gw-1')).toBe('delivered');
    // The desk's own id of the message goes with it, for a gateway that drops a resend.
    await generic.send('+79161234567', 'hi again', '<ticket-1001.resolution@desk.test>');
    expect(gateway.sent.at(-1)).toEqual({
      to: '+79161234567',
      text: 'hi again',
      reference: '<ticket-1001.resolution@desk.test>',
    });
    const wrongKey = createGenericSms({ baseUrl: `${gateway.url}/gw`, apiKey: 'nope', allowPrivate: true });
    await expect(wrongKey.send('+79161234567', 'hi')).rejects.toThrow(/HTTP 401/);
    await expect(wrongKey.send('+79161234567', 'hi')).rejects.toMatchObject({ permanent: true });
  });

  it('refuses a gateway on a private address unless OUTBOUND_ALLOW_PRIVATE', async () => {
    const guarded = createGenericSms({ baseUrl: `${gateway.url}/gw`, apiKey: 'gw-key', allowPrivate: false });
    await expect(guarded.send('+79161234567', 'hi')).rejects.toThrow(/refused/);
  });

  it('threads an SMS to the sender’s open ticket, once however often delivered', async () => {
    const phone = number();
    const filed = await api.call('POST', '/tickets', {
      body: { subject: 'Не работает роутер', description: 'Не работает роутер', client: { phone } },
    });
    expect(filed.status).toBe(201);
    // The same number as a phone in Russia writes it.
    const national = `8 ${phone.slice(2, 5)} ${phone.slice(5)}`;
    const sms = { id: `sms-${phone}`, from: national, text: 'Когда будет готово?' };
    const first = await inbound(sms);
    expect(first).toMatchObject({ status: 200, body: { ticketId: filed.body.id, duplicate: false } });
    expect((await inbound(sms)).body).toEqual({ ticketId: filed.body.id, duplicate: true });
    const articles = await desk.db.select().from(ticketArticles).where(eq(ticketArticles.ticketId, filed.body.id));
    expect(articles.filter((a) => a.channel === 'sms')).toEqual([
      expect.objectContaining({ direction: 'in', sender: phone, body: 'Когда будет готово?' }),
    ]);
  });

  it('registers an SMS from a number with no open ticket as a new ticket (channel sms)', async () => {
    const phone = number();
    const answer = await inbound({
      id: `sms-new-${phone}`,
      from: phone,
      text: 'Сломался экран телефона, нужна замена',
    });
    expect(answer.status).toBe(200);
    const [ticket] = await desk.db.select().from(tickets).where(eq(tickets.id, answer.body.ticketId));
    expect(ticket).toMatchObject({ channel: 'sms', subject: 'Сломался экран телефона, нужна замена' });
  });

  it('refuses a wrong secret with 403 and a bad SMS with 400 naming the field', async () => {
    const wrong = await inbound({ id: 'x', from: '+79161234567', text: 'hi' }, 'nope');
    expect([wrong.status, wrong.body.code]).toEqual([403, 'BAD_SMS_TOKEN']);
    const missing = await inbound({ id: 'x', from: '+79161234567' });
    expect([missing.status, missing.body.message]).toEqual([400, 'body.text is required']);
    const notPhone = await inbound({ id: 'x', from: 'MegaFon', text: 'hi' });
    expect([notPhone.status, notPhone.body.message]).toEqual([400, 'body.from "MegaFon" is not a phone number']);
  });
});
