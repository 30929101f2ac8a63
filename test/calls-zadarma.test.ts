import { createHmac } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calls, ctiEvents } from '../src/db/schema';
import { callWorkflowId } from '../src/domain/calls';
import type { CallOutcome } from '../workflows/call';
import { startTestDesk } from './support/desk';
import { queuedCallBackTicket } from './support/calls';
import { listen } from './support/http';

const TOKEN = 'zadarma-test-path-0123456789abcdef';
const SECRET = 'zadarma-test-api-secret';

/** Which fields each notification's signature is made of, as Zadarma's PHP library reads them. */
const SIGNED: Record<string, string[]> = {
  NOTIFY_START: ['caller_id', 'called_did', 'call_start'],
  NOTIFY_INTERNAL: ['caller_id', 'called_did', 'call_start'],
  NOTIFY_ANSWER: ['caller_id', 'destination', 'call_start'],
  NOTIFY_END: ['caller_id', 'called_did', 'call_start'],
  NOTIFY_OUT_START: ['internal', 'destination', 'call_start'],
  NOTIFY_OUT_END: ['internal', 'destination', 'call_start'],
};

/** base64_encode(hash_hmac('sha1', …, API_SECRET)): PHP's hmac in hex, then base64. */
const signatureOf = (fields: Record<string, string>, secret = SECRET) =>
  Buffer.from(
    createHmac('sha1', secret)
      .update((SIGNED[fields.event!] ?? []).map((name) => fields[name] ?? '').join(''))
      .digest('hex'),
  ).toString('base64');

/**
 * Zadarma's own notifications end to end over real HTTP: its signed forms posted to the desk's
 * Zadarma URL, read into the same call workflow as the generic CTI webhook's events, the caller's
 * card, the call-back ticket of a missed call, and what is refused before anything is stored.
 */
describe('phone calls from Zadarma: its signed notifications onto the call workflow', () => {
  let desk: Awaited<ReturnType<typeof startTestDesk>>;
  let http: Awaited<ReturnType<typeof listen>>;
  const run = Math.random().toString(36).slice(2, 8);
  const callId = (name: string) => `in_${name}_${run}`;

  /** Posts a notification as Zadarma does: a form, signed in the Signature header unless told otherwise. */
  const notify = async (
    fields: Record<string, string>,
    options: { signature?: string | null; token?: string; contentType?: string } = {},
  ) => {
    const signature = options.signature === undefined ? signatureOf(fields) : options.signature;
    const response = await fetch(`${http.address}/channels/zadarma/${options.token ?? TOKEN}`, {
      method: 'POST',
      headers: {
        'content-type': options.contentType ?? 'application/x-www-form-urlencoded',
        ...(signature === null ? {} : { signature }),
      },
      body: new URLSearchParams(fields).toString(),
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const card = async (id: string) => (await http.call('GET', `/calls/${id}`, { operator: 'ivanova' })).body;
  const outcomeOf = (id: string) =>
    desk.temporal.workflow.getHandle(callWorkflowId(id)).result() as Promise<CallOutcome>;
  const incoming = (id: string, caller: string) => ({
    call_start: '2026-12-08 10:15:00',
    pbx_call_id: id,
    caller_id: caller,
    called_did: '74951112233',
  });

  beforeAll(async () => {
    desk = await startTestDesk({
      cti: { zadarma: { token: TOKEN, secret: SECRET }, lateAnswerMs: 3_000 },
    });
    http = await listen(desk.app);
  });
  afterAll(() => desk?.stop());

  it('answers Zadarma’s check of the URL with its zd_echo; the generic webhook stays off without CTI_TOKEN', async () => {
    const echo = await fetch(`${http.address}/channels/zadarma/${TOKEN}?zd_echo=a1b2c3d4`);
    expect([echo.status, await echo.text()]).toEqual([200, 'a1b2c3d4']);
    expect(echo.headers.get('content-type')).toMatch(/^text\/plain/);
    const stranger = await http.call('GET', `/channels/zadarma/not-the-token?zd_echo=a1b2c3d4`);
    expect([stranger.status, stranger.body.code]).toEqual([403, 'BAD_ZADARMA_TOKEN']);
    const without = await http.call('GET', `/channels/zadarma/${TOKEN}`);
    expect(without.status).toBe(400);
    expect(without.body.message).toMatch(/zd_echo/);
    expect((await http.call('POST', `/channels/cti/${TOKEN}`, { body: { event: 'newCall' } })).status).toBe(404);
  });

  it('refuses a wrong path, a missing or wrong signature, and a malformed form, storing nothing', async () => {
    const id = callId('refused');
    const start = { event: 'NOTIFY_START', ...incoming(id, '79161234567') };
    const wrongPath = await notify(start, { token: `${TOKEN.slice(0, -1)}x` });
    expect([wrongPath.status, wrongPath.body.code]).toEqual([403, 'BAD_ZADARMA_TOKEN']);
    const unsigned = await notify(start, { signature: null });
    expect([unsigned.status, unsigned.body.code]).toEqual([401, 'ZADARMA_SIGNATURE_REQUIRED']);
    expect(unsigned.body.message).toMatch(/Signature header is required/);
    const wrong = await notify(start, { signature: signatureOf(start, 'another-secret') });
    expect([wrong.status, wrong.body.code]).toEqual([403, 'BAD_ZADARMA_SIGNATURE']);
    expect(wrong.body.message).toMatch(/ZADARMA_SECRET/);
    // A signature made for another caller does not sign this one.
    const moved = await notify({ ...start, caller_id: '79990001122' }, { signature: signatureOf(start) });
    expect(moved.body.code).toBe('BAD_ZADARMA_SIGNATURE');
    const cases: [Record<string, string>, RegExp][] = [
      [{ ...start, event: 'NOTIFY_RING' }, /body\.event must be one of NOTIFY_START/],
      [{ event: 'NOTIFY_START', caller_id: '79161234567', called_did: '74951112233' }, /body\.pbx_call_id is required/],
      [{ ...start, pbx_call_id: 'in 1/2' }, /body\.pbx_call_id must be/],
      [{ ...start, event: 'NOTIFY_END' }, /body\.disposition is required in NOTIFY_END/],
      [{ ...start, caller_id: '7'.repeat(501) }, /body\.caller_id is longer than 500/],
    ];
    for (const [fields, message] of cases) {
      const answer = await notify(fields);
      expect([answer.status, answer.body.code], JSON.stringify(fields)).toEqual([400, 'VALIDATION']);
      expect(answer.body.message).toMatch(message);
    }
    const notAForm = await notify(start, { contentType: 'text/plain' });
    expect(notAForm.status).toBe(415);
    expect(await desk.db.select().from(ctiEvents).where(eq(ctiEvents.callId, id))).toHaveLength(0);
    expect(await desk.db.select().from(calls).where(eq(calls.callId, id))).toHaveLength(0);
  });

  it('shows the caller’s card as the call rings, is answered and ends; repeats are harmless', async () => {
    const id = callId('known');
    // Olga is on file as +79161234567; Zadarma sends the number without +.
    const call = incoming(id, '79161234567');
    expect(await notify({ event: 'NOTIFY_START', ...call })).toEqual({ status: 200, body: { stored: true } });
    await expect.poll(async () => (await card(id))?.state).toBe('ringing');
    expect(await card(id)).toMatchObject({
      from: '+79161234567',
      to: '+74951112233',
      direction: 'in',
      client: { name: 'Ольга Кузнецова', category: 'regular' },
    });
    // Zadarma posts again what it is not sure arrived; the extension rung is the same call.
    expect((await notify({ event: 'NOTIFY_START', ...call })).body).toEqual({ stored: false });
    expect((await notify({ event: 'NOTIFY_INTERNAL', ...call, internal: '101' })).body).toEqual({ stored: false });
    const { called_did: _line, ...answered } = call;
    expect((await notify({ event: 'NOTIFY_ANSWER', ...answered, destination: '101', internal: '101' })).body).toEqual({
      stored: true,
    });
    await expect.poll(async () => (await card(id))?.state).toBe('answered');
    expect((await card(id)).answeredBy).toBe('101');
    const end = { event: 'NOTIFY_END', ...call, internal: '101', disposition: 'answered', duration: '42' };
    expect((await notify(end)).body).toEqual({ stored: true });
    expect(await outcomeOf(id)).toEqual({ missed: false });
    expect(await card(id)).toMatchObject({ state: 'ended', cause: 'normalClearing', ticketId: null });
    expect((await notify(end)).body).toEqual({ stored: false });
    // What Zadarma posted is what is kept: its own form, once per event.
    const kept = await desk.db.select().from(ctiEvents).where(eq(ctiEvents.callId, id));
    expect(kept.map((row) => row.event).sort()).toEqual(['answer', 'hangup', 'newCall']);
    expect(kept.find((row) => row.event === 'hangup')!.payload).toMatchObject({
      event: 'NOTIFY_END',
      pbx_call_id: id,
      disposition: 'answered',
    });
  });

  it('turns a call nobody answered into one call-back ticket; a recording’s notification is let be', async () => {
    const id = callId('missed');
    const call = incoming(id, '79990001133');
    await notify({ event: 'NOTIFY_START', ...call });
    const end = { event: 'NOTIFY_END', ...call, disposition: 'no answer', duration: '0', status_code: '19' };
    expect((await notify(end)).body).toEqual({ stored: true });
    expect((await notify(end)).body).toEqual({ stored: false });
    const outcome = await outcomeOf(id);
    expect(outcome).toMatchObject({ missed: true, callBackTicketId: expect.any(Number) });
    const ticketId = outcome.callBackTicketId!;
    const filed = await queuedCallBackTicket(desk.db, ticketId);
    expect(filed).toMatchObject({ channel: 'phone', service: 'call-back' });
    expect(filed.subject).toMatch(/пропущенный звонок с \+79990001133/);
    expect(await card(id)).toMatchObject({ state: 'missed', cause: 'noAnswer', ticketId });

    const record = { event: 'NOTIFY_RECORD', pbx_call_id: id, call_id_with_rec: '1733650000.123' };
    const recorded = await notify(record, {
      signature: Buffer.from(
        createHmac('sha1', SECRET).update(`${id}${record.call_id_with_rec}`).digest('hex'),
      ).toString('base64'),
    });
    expect(recorded).toEqual({ status: 200, body: { stored: false } });
    expect((await notify(record, { signature: 'bm9wZQ==' })).body.code).toBe('BAD_ZADARMA_SIGNATURE');
  });

  it('takes an outgoing call: the extension to the number dialled, answered as its end says, never a call-back', async () => {
    const id = `out_dialled_${run}`;
    const out = { call_start: '2026-12-08 11:00:00', pbx_call_id: id, internal: '102', destination: '79265554433' };
    expect((await notify({ event: 'NOTIFY_OUT_START', ...out })).body).toEqual({ stored: true });
    await expect.poll(async () => (await card(id))?.direction).toBe('out');
    const ended = { event: 'NOTIFY_OUT_END', ...out, caller_id: '74951112233', disposition: 'answered' };
    expect((await notify(ended)).body).toEqual({ stored: true });
    expect(await outcomeOf(id)).toEqual({ missed: false });
    expect(await card(id)).toMatchObject({ state: 'ended', to: '+79265554433', answeredBy: '102' });
  });
});
