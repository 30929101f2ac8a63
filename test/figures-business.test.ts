/**
 * The business-time figures, actual/norm, CSI and NRR (#14) against the real desk, on a fixture
 * written to the record: two tickets of March 2026 on the Moscow office calendar (09–13, 14–18),
 * one of them waiting for the client over a weekend and the holiday of Monday 9 March (8 March
 * fell on a Sunday), transferred to the second line, resolved, reopened and resolved again.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { businessTimeBetween } from '../src/domain/calendar';
import { ticketTimes } from '../src/domain/ticket-times';
import { teamCalendarOfTicket } from '../src/repositories/calendars';
import { queueLines } from '../src/repositories/figures';
import { startTestDesk } from './support/desk';
import { listen } from './support/http';
import { sampleTickets, ticketDriver } from './support/tickets';

const H = 3_600_000;
const at = (iso: string) => `${iso}:00Z`;

describe('GET /figures in business time', () => {
  let desk: Awaited<ReturnType<typeof startTestDesk>>;
  let call: Awaited<ReturnType<typeof listen>>['call'];
  const operator = `figures-business-${Date.now()}`;
  const period = `from=2026-03-06T00:00:00Z&to=2026-03-14T00:00:00Z&operator=${operator}`;

  /** A resolved ticket of the operator's, in a queue, with its events (UTC instants, Moscow is 3 h ahead). */
  async function recorded(ticket: {
    queue: string;
    registeredAt: string;
    acceptedAt: string;
    resolvedAt: string;
    supportLine: number;
    csat: number;
    normHours: number;
    workMinutes: number;
    events: [string, string, Record<string, unknown>?][];
  }) {
    const [row] = await desk.db.execute<{ id: string }>(sql`
      insert into tickets (id, workflow_id, channel, subject, description, client_id, stage, queue_id, assignee_id,
                           created_at, accepted_at, resolved_at, support_line, solved_line, csat, quoted_norm_hours)
      select n, 'figures-business-' || n, 'api', 'Не печатает принтер', 'Замятие', c.id, 'awaiting_survey', q.id,
             ${operator}, ${at(ticket.registeredAt)}, ${at(ticket.acceptedAt)}, ${at(ticket.resolvedAt)},
             ${ticket.supportLine}, ${ticket.supportLine}, ${ticket.csat}, ${ticket.normHours}
      from (select nextval('ticket_number_seq') as n) s, (select id from clients order by id limit 1) c,
           queues q where q.code = ${ticket.queue}
      returning id`);
    const id = Number(row!.id);
    for (const [i, [when, action, data = {}]] of ticket.events.entries()) {
      const processId = action.startsWith('sla_') ? 'sla_escalation' : 'ticket_lifecycle';
      // The elements the desk records these at (src/domain/ticket-events.ts, queue-offers.ts).
      const elementId =
        { skipped: 'queue', transferred: 'queue', returned_to_queue: 'queue', reassigned: 'accept' }[action] ?? action;
      const actor = action === 'accepted' || action === 'skipped' ? operator : null;
      await desk.db.execute(sql`
        insert into ticket_events (ticket_id, process_id, element_id, action, actor, data, dedupe_key, at)
        values (${id}, ${processId}, ${elementId}, ${action}, ${actor},
                ${JSON.stringify(data)}::jsonb, ${`${action}:${i}`}, ${at(when)})`);
    }
    await desk.db.execute(sql`
      insert into ticket_work_entries (id, ticket_id, operator_id, minutes, note)
      values (gen_random_uuid(), ${id}, ${operator}, ${ticket.workMinutes}, 'работа')`);
    return id;
  }

  beforeAll(async () => {
    desk = await startTestDesk();
    ({ call } = await listen(desk.app));
    await desk.db.execute(sql`insert into operators (id, name, role) values (${operator}, ${operator}, 'operator')`);
    // Friday 6 March 10:00 MSK: 1 h in the queue, 1 h of work, then waiting for the client until Tuesday 10:00
    // (94 h of wall time over the weekend and the holiday); 2 h more on line 1, transferred to the workshop
    // (line 2) at 12:00, 2 h in its queue (13–14 is lunch), 2 h of work: resolved at 17:00 (first resolution:
    // 8 h). Reopened Wednesday 10:00, resolved again at 11:00: 9 h in all.
    await recorded({
      queue: 'repairs',
      registeredAt: '2026-03-06T07:00',
      acceptedAt: '2026-03-10T12:00',
      resolvedAt: '2026-03-11T08:00',
      supportLine: 2,
      csat: 2,
      normHours: 4,
      workMinutes: 300,
      events: [
        ['2026-03-06T07:00', 'classified', { supportLine: 1 }],
        ['2026-03-06T07:00', 'queued', { queue: 'general' }],
        ['2026-03-06T08:00', 'accepted'],
        ['2026-03-06T09:00', 'sla_paused'],
        ['2026-03-10T07:00', 'sla_resumed'],
        ['2026-03-10T09:00', 'transferred', { toQueue: 'repairs', fromAssignee: operator }],
        ['2026-03-10T12:00', 'accepted'],
        ['2026-03-10T14:00', 'resolved'],
        ['2026-03-11T07:00', 'reopened'],
        ['2026-03-11T08:00', 'resolved'],
      ],
    });
    // Thursday 12 March 09:00 MSK: half an hour in the queue, resolved an hour later.
    await recorded({
      queue: 'general',
      registeredAt: '2026-03-12T06:00',
      acceptedAt: '2026-03-12T06:30',
      resolvedAt: '2026-03-12T07:30',
      supportLine: 1,
      csat: 5,
      normHours: 1,
      workMinutes: 60,
      events: [
        ['2026-03-12T06:00', 'classified', { supportLine: 1 }],
        ['2026-03-12T06:00', 'queued', { queue: 'general' }],
        ['2026-03-12T06:10', 'skipped', { reason: 'Нет компетенции' }],
        ['2026-03-12T06:30', 'accepted'],
        // Handed to petrov and back by a manager: the holder changes, the times do not.
        ['2026-03-12T07:00', 'reassigned', { from: operator, to: 'petrov' }],
        ['2026-03-12T07:10', 'reassigned', { from: 'petrov', to: operator }],
        ['2026-03-12T07:30', 'resolved'],
      ],
    });
  });
  afterAll(() => desk?.stop());

  it('gives first response and resolution in business time, the wait for the client, the queue and each line', async () => {
    const response = await call('GET', `/figures?${period}`, { operator: 'sidorova' });
    expect(response.status, response.text).toBe(200);
    const { total } = response.body;
    expect([total.resolved, total.reopened]).toEqual([2, 1]);
    // Registration to the (latest) acceptance: Friday 10–18 less lunch (7 h), Monday a holiday, Tuesday 9–15
    // less lunch (5 h): 12 h; and 0.5 h. p90 at rank 0.9: 0.5 + 0.9 × 11.5 = 10.85 h.
    expect(total.firstResponseBusiness).toEqual({ count: 2, medianMs: 6.25 * H, p90Ms: 39_060_000 });
    // 8 and 1.5 h; 9 and 1.5 h.
    expect(total.firstResolutionBusiness).toEqual({ count: 2, medianMs: 4.75 * H, p90Ms: 26_460_000 });
    expect(total.resolutionBusiness).toEqual({ count: 2, medianMs: 5.25 * H, p90Ms: 29_700_000 });
    expect(total.waitingForClient).toEqual({ count: 1, medianMs: 94 * H, p90Ms: 94 * H, totalMs: 94 * H });
    // 1 + 2 h and 0.5 h in queues.
    expect(total.queueWaitBusiness).toEqual({ count: 2, medianMs: 1.75 * H, p90Ms: 9_900_000 });
    expect(total.perSupportLineBusiness).toEqual([
      { supportLine: 1, count: 2, medianMs: 2.75 * H, p90Ms: 13_500_000 },
      { supportLine: 2, count: 1, medianMs: 5 * H, p90Ms: 5 * H },
    ]);
    // 300 of 240 and 60 of 60 minutes.
    expect(total.workVsNorm).toEqual({ tickets: 2, workMinutes: 360, normMinutes: 300, ratio: 1.2 });
    // Scores 2 and 5: 25 and 100 on 0–100; one of two negative.
    expect([total.csi, total.nrrPercent]).toEqual([62.5, 50]);
  });

  it('per group: actual/norm and the business times of each queue', async () => {
    const response = await call('GET', `/figures?${period}&groupBy=queue`, { operator: 'sidorova' });
    expect(response.status, response.text).toBe(200);
    const byQueue = Object.fromEntries(
      response.body.groups.map((g: { group: string; figures: Record<string, unknown> }) => [g.group, g.figures]),
    );
    expect(byQueue.repairs.workVsNorm).toEqual({ tickets: 1, workMinutes: 300, normMinutes: 240, ratio: 1.25 });
    expect(byQueue.general.workVsNorm).toEqual({ tickets: 1, workMinutes: 60, normMinutes: 60, ratio: 1 });
    expect(byQueue.repairs.resolutionBusiness.medianMs).toBe(9 * H);
    const byOperator = await call('GET', `/figures?${period}&groupBy=operator`, { operator: 'sidorova' });
    expect(byOperator.body.operatorMoves).toEqual([
      {
        operator,
        skipped: 1,
        skipReasons: [{ reason: 'Нет компетенции', count: 1 }],
        reassignedAway: 1,
        returnedToQueue: 0,
        transferred: 1,
      },
      // petrov's ticket was given back: counted for him (the filter is the ticket's holder now).
      { operator: 'petrov', skipped: 0, skipReasons: [], reassignedAway: 1, returnedToQueue: 0, transferred: 0 },
    ]);
    const lines = await call('GET', `/figures.csv?${period}&table=lines`, { operator: 'sidorova' });
    expect(lines.text.replace('\uFEFF', '').trim().split('\r\n')).toEqual([
      'supportLine,count,medianMs,p90Ms',
      `1,2,${2.75 * H},13500000`,
      `2,1,${5 * H},${5 * H}`,
    ]);
    const moves = await call('GET', `/figures.csv?${period}&table=moves`, { operator: 'sidorova' });
    expect(moves.status, moves.text).toBe(200);
    expect(moves.text.replace('\uFEFF', '').trim().split('\r\n')).toEqual([
      'operator,skipped,reassignedAway,returnedToQueue,transferred,skipReasons',
      `${operator},1,1,0,1,Нет компетенции: 1`,
      'petrov,0,1,0,0,',
    ]);
    const csv = await call('GET', `/figures.csv?${period}&table=total`, { operator: 'sidorova' });
    expect(csv.status, csv.text).toBe(200);
    const [header, values] = csv.text.replace('\uFEFF', '').trim().split('\r\n');
    const cells = Object.fromEntries(header!.split(',').map((name, i) => [name, values!.split(',')[i]]));
    expect([cells['waitingForClient.totalMs'], cells['workVsNorm.ratio'], cells.csi]).toEqual([
      String(94 * H),
      '1.2',
      '62.5',
    ]);
  });

  it('keeps a ticket’s business times on it as it is accepted and resolved: the same as walking its record', async () => {
    const driver = ticketDriver(desk, call);
    const id = await driver.register(sampleTickets.router);
    await driver.accept(id, 'ivanova');
    const paused = await call('POST', `/tickets/${id}/wait-for-client`, {
      operator: 'ivanova',
      body: { reason: 'Ждём модель роутера' },
    });
    expect(paused.status, paused.text).toBe(200);
    expect((await call('POST', `/tickets/${id}/resume`, { operator: 'ivanova' })).status).toBe(200);
    await driver.resolve(id, 'ivanova');
    await driver.reaches(id, 'awaiting_survey');
    const [row] = await desk.db.execute<{
      registeredAt: Date;
      acceptedAt: Date;
      resolvedAt: Date;
      firstResponseBusinessMs: string;
      businessTimes: unknown;
    }>(sql`
      select created_at as "registeredAt", accepted_at as "acceptedAt", resolved_at as "resolvedAt",
             first_response_business_ms as "firstResponseBusinessMs", business_times as "businessTimes"
      from tickets where id = ${id}`);
    const events = await desk.db.execute<{
      at: Date;
      processId: string;
      elementId: string;
      action: string;
      actor: string | null;
      data: Record<string, unknown>;
    }>(sql`
      select at, process_id as "processId", element_id as "elementId", action, actor, data
      from ticket_events where ticket_id = ${id} order by at, id`);
    const calendar = await teamCalendarOfTicket(desk.db, id, new Date(row!.resolvedAt));
    expect(row!.businessTimes).toEqual(
      ticketTimes({
        registeredAt: new Date(row!.registeredAt),
        resolvedAt: new Date(row!.resolvedAt),
        events: [...events].map((e) => ({ ...e, at: new Date(e.at) })),
        queues: await queueLines(desk.db),
        calendar,
      }),
    );
    expect(row!.businessTimes).toMatchObject({ waitingForClientMs: expect.any(Number) });
    expect((row!.businessTimes as { waitingForClientMs: number }).waitingForClientMs).toBeGreaterThan(0);
    expect(Number(row!.firstResponseBusinessMs)).toBe(
      businessTimeBetween(calendar, new Date(row!.registeredAt), new Date(row!.acceptedAt)),
    );
  });
});
