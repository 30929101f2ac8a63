import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calls, ctiEvents, tickets } from '../src/db/schema';
import { callWorkflowId } from '../src/domain/calls';
import type { CallOutcome } from '../workflows/call';
import { startTestDesk } from './support/desk';
import { queuedCallBackTicket } from './support/calls';
import { listen, operatorHeaders } from './support/http';

const TOKEN = 'cti-test-secret-0123456789abcdef';

/**
 * Phone calls end to end over real HTTP: a PBX posting Zammad's generic CTI events (forms and
 * JSON), the operators' stream read as a browser reads it, the call's workflow on the real
 * Temporal server and the tickets it files in the real database.
 */
describe('phone calls: CTI webhook, callers pushed live, a ticket from a call', () => {
  let desk: Awaited<ReturnType<typeof startTestDesk>>;
  let http: Awaited<ReturnType<typeof listen>>;
  const run = Math.random().toString(36).slice(2, 8);
  const callId = (name: string) => `${name}-${run}`;

  /** Posts a CTI event as a PBX does: a form by default, JSON when asked. */
  const cti = async (fields: Record<string, string>, options: { json?: boolean; token?: string } = {}) => {
    const response = await fetch(`${http.address}/channels/cti/${options.token ?? TOKEN}`, {
      method: 'POST',
      headers: { 'content-type': options.json ? 'application/json' : 'application/x-www-form-urlencoded' },
      body: options.json ? JSON.stringify(fields) : new URLSearchParams(fields).toString(),
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const outcomeOf = (id: string) =>
    desk.temporal.workflow.getHandle(callWorkflowId(id)).result() as Promise<CallOutcome>;

  beforeAll(async () => {
    desk = await startTestDesk({ cti: { token: TOKEN, lateAnswerMs: 3_000 } });
    http = await listen(desk.app);
  });
  afterAll(() => desk?.stop());

  it('refuses a wrong secret with 403 and a bad event with 400 naming the field', async () => {
    const wrong = await cti({ event: 'newCall', callId: callId('x'), from: '89161234567' }, { token: 'nope' });
    expect([wrong.status, wrong.body.code]).toEqual([403, 'BAD_CTI_TOKEN']);
    const almost = await cti({ event: 'newCall', callId: callId('x') }, { token: `${TOKEN.slice(0, -1)}x` });
    expect(almost.status).toBe(403);
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ event: 'newCall', from: '89161234567' }, /body\.callId is required/],
      [{ callId: callId('bad') }, /body\.event/],
      [{ event: 'ring', callId: callId('bad') }, /body\.event/],
      [{ event: 'newCall', callId: callId('bad'), direction: 'sideways' }, /body\.direction/],
      [{ event: 'newCall', callId: 'a b/c' }, /body\.callId/],
      [{ event: 'newCall', callId: callId('bad'), ivr: 'x'.repeat(501) }, /body\.ivr/],
    ];
    for (const [fields, message] of cases) {
      for (const json of [false, true]) {
        const answer = await cti(fields, { json });
        expect(answer.status, JSON.stringify(fields)).toBe(400);
        expect(answer.body.message).toMatch(message);
      }
    }
    const notJson = await fetch(`${http.address}/channels/cti/${TOKEN}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'event=newCall',
    });
    expect(notJson.status).toBe(415);
  });

  it('pushes the caller’s card over the stream: the client, open tickets, earlier calls', async () => {
    const filed = await http.call('POST', '/tickets', {
      body: { subject: 'Не включается ноутбук', description: 'Не включается', client: { phone: '+79161234567' } },
    });
    expect(filed.status).toBe(201);
    const stream = await fetch(`${http.address}/calls/stream`, {
      headers: await operatorHeaders(desk.app, 'sidorova'),
    });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(stream.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffered = '';
    const nextCard = async (match: (card: any) => boolean) => {
      for (;;) {
        for (let end = buffered.indexOf('\n\n'); end >= 0; end = buffered.indexOf('\n\n')) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const data = block.split('\n').find((line) => line.startsWith('data: '));
          if (block.startsWith('event: call') && data) {
            const card = JSON.parse(data.slice(6));
            if (match(card)) return card;
          }
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('the stream ended');
        buffered += value;
      }
    };
    const id = callId('known');
    // Olga is on file as +79161234567: the PBX sends the number as dialled inside Russia.
    expect(
      (await cti({ event: 'newCall', callId: id, from: '8 (916) 123-45-67', to: '84951112233', direction: 'in' }))
        .status,
    ).toBe(200);
    const card = await nextCard((c) => c.callId === id);
    expect(card).toMatchObject({
      from: '+79161234567',
      to: '+74951112233',
      state: 'ringing',
      client: { name: 'Ольга Кузнецова', category: 'regular' },
    });
    expect(card.openTickets.map((t: any) => t.id)).toContain(filed.body.id);
    await cti({
      event: 'answer',
      callId: id,
      user: 'Иванова',
      from: '89161234567',
      to: '84951112233',
      direction: 'in',
    });
    expect(await nextCard((c) => c.callId === id && c.state === 'answered')).toMatchObject({ answeredBy: 'Иванова' });
    await cti({ event: 'hangup', callId: id, cause: 'normalClearing', from: '89161234567', direction: 'in' });
    await nextCard((c) => c.callId === id && c.state === 'ended');
    expect(await outcomeOf(id)).toEqual({ missed: false });

    // The next call from the number shows this one among the earlier contacts.
    const again = callId('known-again');
    await cti(
      { event: 'newCall', callId: again, from: '+7 916 123 45 67', to: '84951112233', direction: 'in' },
      { json: true },
    );
    const second = await nextCard((c) => c.callId === again);
    // Other test files may call from this number too: this call is among the earlier ones.
    expect(second.lastContacts).toContainEqual(expect.objectContaining({ callId: id, answered: true }));
    await reader.cancel();
    await cti({ event: 'hangup', callId: again, cause: 'normalClearing' });
  });

  it('takes duplicate and out-of-order events as one call: hangup, answer, newCall, each twice', async () => {
    const id = callId('shuffled');
    const call = { callId: id, from: '89031112233', to: '84951112233', direction: 'in' };
    const hangup = { ...call, event: 'hangup', cause: 'normalClearing' };
    const answer = { ...call, event: 'answer', user: 'petrov' };
    const answers = [];
    for (const event of [hangup, hangup, answer, { ...call, event: 'newCall' }, answer])
      answers.push((await cti(event)).body.stored);
    expect(answers).toEqual([true, false, true, true, false]);
    // The answer came after the hangup, within the late-answer grace: the call was answered, not missed.
    expect(await outcomeOf(id)).toEqual({ missed: false });
    const [row] = await desk.db.select().from(calls).where(eq(calls.callId, id));
    expect(row).toMatchObject({
      fromNumber: '+79031112233',
      answeredBy: 'petrov',
      cause: 'normalClearing',
      ticketId: null,
    });
    expect(await desk.db.select().from(ctiEvents).where(eq(ctiEvents.callId, id))).toHaveLength(3);
    // A repeat after the call's workflow ended is kept once and changes nothing.
    expect(await cti(hangup)).toEqual({ status: 200, body: { stored: false } });
  });

  it('files one ticket per call in one click, with the caller, the line and the IVR’s data', async () => {
    const id = callId('click');
    await cti({
      event: 'newCall',
      callId: id,
      from: '89265554433',
      to: '84951112233',
      direction: 'in',
      ivr_choice: 'ремонт',
      device_imei: '356938035643809',
    });
    await cti({ event: 'answer', callId: id, user: 'ivanova', from: '89265554433', direction: 'in' });
    await expect
      .poll(async () => (await http.call('GET', `/calls/${id}`, { operator: 'ivanova' })).body?.state)
      .toBe('answered');
    const clicks = await Promise.all(
      [1, 2, 3].map(() => http.call('POST', `/calls/${id}/ticket`, { operator: 'ivanova' })),
    );
    const ticketIds = new Set(clicks.map((c) => c.body.ticketId));
    expect(ticketIds.size).toBe(1);
    expect(clicks.map((c) => c.status).sort()).toEqual([200, 200, 201]);
    const [ticketId] = [...ticketIds];
    const ticket = await http.call('GET', `/tickets/${ticketId}`, { operator: 'sidorova' });
    expect(ticket.status).toBe(200);
    expect(ticket.body).toMatchObject({ channel: 'phone', subject: 'Звонок с +79265554433 / Call from +79265554433' });
    expect(ticket.body.description).toMatch(/Линия \/ Line: \+74951112233/);
    expect(ticket.body.description).toMatch(/ivr_choice: ремонт/);
    expect(ticket.body.description).toMatch(/device_imei: 356938035643809/);
    expect(ticket.body.client).toMatchObject({ phone: '+79265554433', name: 'Дмитрий Волков' });
    expect((await http.call('POST', `/calls/${id}/ticket`, { operator: 'ivanova' })).body).toEqual({
      ticketId,
      created: false,
    });
    await cti({ event: 'hangup', callId: id, cause: 'normalClearing' });
    expect(await outcomeOf(id)).toEqual({ missed: false });

    expect((await http.call('POST', `/calls/${callId('unknown')}/ticket`, { operator: 'ivanova' })).status).toBe(404);
    const anonymous = callId('anonymous');
    await cti({ event: 'newCall', callId: anonymous, from: 'anonymous', to: '84951112233', direction: 'in' });
    await expect
      .poll(async () => (await http.call('GET', `/calls/${anonymous}`, { operator: 'ivanova' })).status)
      .toBe(200);
    const refused = await http.call('POST', `/calls/${anonymous}/ticket`, { operator: 'ivanova' });
    expect([refused.status, refused.body.code]).toEqual([409, 'CALL_WITHOUT_NUMBER']);
    await cti({ event: 'hangup', callId: anonymous, cause: 'cancel' });
    expect(await outcomeOf(anonymous)).toEqual({ missed: true });
  });

  it('turns a missed call into one call-back ticket under the call-back service’s SLA', async () => {
    const id = callId('missed');
    await cti({ event: 'newCall', callId: id, from: '+7 999 000-11-22', to: '84951112233', direction: 'in' });
    await cti({ event: 'hangup', callId: id, cause: 'noAnswer', from: '+79990001122', direction: 'in' });
    await cti({ event: 'hangup', callId: id, cause: 'noAnswer', from: '+79990001122', direction: 'in' });
    const outcome = await outcomeOf(id);
    expect(outcome).toMatchObject({ missed: true, callBackTicketId: expect.any(Number) });
    const ticketId = outcome.callBackTicketId!;
    const filed = await queuedCallBackTicket(desk.db, ticketId);
    expect(filed).toMatchObject({ channel: 'phone', service: 'call-back' });
    expect(filed.subject).toMatch(/^Перезвонить: пропущенный звонок с \+79990001122/);
    expect(filed.dueAt).not.toBeNull();
    // Another hangup after the call is over, and a click on the call: still the one ticket.
    expect((await cti({ event: 'hangup', callId: id, cause: 'cancel' })).body).toEqual({ stored: false });
    expect((await http.call('POST', `/calls/${id}/ticket`, { operator: 'ivanova' })).body).toEqual({
      ticketId,
      created: false,
    });
    expect(await desk.db.select().from(tickets).where(eq(tickets.subject, filed!.subject!))).toHaveLength(1);
  });
});
