import { decidingClientCategory } from '../src/repositories/clients';
import { randomUUID } from 'node:crypto';
import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordTicketEvents, type TicketEventRecord } from '../src/db/events';
import { clients, queues, ticketEvents, tickets } from '../src/db/schema';
import { bucketOf, RELATIVE_ERROR } from '../src/domain/duration-histogram';
import {
  EscalationElement as X,
  ESCALATION_PROCESS_ID,
  TICKET_PROCESS_ID,
  TicketElement as E,
} from '../src/domain/process';
import { visitsOf } from '../src/domain/trail';
import { elementStatistics, foldProcessStatDeltas } from '../src/repositories/process-stats';
import { loadProcessCatalog } from '../src/services/process-catalog';
import { startTestDesk } from './support/desk';

type Desk = Awaited<ReturnType<typeof startTestDesk>>;

const MIN = 60_000;
/** Minutes after 2020-02-03 00:00 UTC (a Monday); this file's tickets live in February 2020, no other test's do. */
const T0 = Date.parse('2020-02-03T00:00:00Z');
const minute = (n: number) => new Date(T0 + n * MIN);
const PERIOD = { from: new Date('2020-01-30T18:00:00Z'), to: new Date('2020-03-04T06:00:00Z') };

/**
 * The summary (process_stat_counts, process_stat_durations and the deltas not folded yet) must
 * always equal what the events say, however they were written: retried (deduplicated), a ticket
 * reopened and walking the same steps again, events written late and out of order, from parallel
 * connections, and tickets moved to another queue, category or client category afterwards. The
 * expectation is computed here from the events alone, with the trail's own visit rule
 * (src/domain/trail.ts) and the histogram's bucket rule in TypeScript.
 */
describe('the process summary kept by triggers', () => {
  let desk: Desk;
  const category = `summary-${randomUUID().slice(0, 8)}`;
  const ids: number[] = [];
  let client: { id: number };

  const newTicket = async (queueCode: string, ofCategory = category, clientId = client.id) => {
    const [{ id }] = (await desk.db.execute(sql`select nextval('ticket_number_seq')::int as id`)) as unknown as [
      { id: number },
    ];
    const [queue] = await desk.db.select().from(queues).where(eq(queues.code, queueCode));
    await desk.db.insert(tickets).values({
      id,
      workflowId: `summary-${id}`,
      channel: 'api',
      subject: 'summary',
      description: 'summary',
      category: ofCategory,
      clientId,
      // Filed by staff: the ticket runs under its client's category, which the summary follows.
      clientConfirmed: true,
      stage: 'in_work',
      queueId: queue!.id,
      createdAt: minute(0),
    });
    ids.push(id);
    return id;
  };
  const step = (ticketId: number, at: number, elementId: string, action: string, key: string): TicketEventRecord => ({
    ticketId,
    elementId,
    action,
    dedupeKey: key,
    at: minute(at),
  });

  beforeAll(async () => {
    desk = await startTestDesk({ statsFoldEveryMs: 500 });
    [client] = await desk.db
      .insert(clients)
      .values({ name: 'Сводка / Summary', email: `summary-${randomUUID()}@example.com`, category: 'regular' })
      .returning({ id: clients.id });

    // A: walks the lifecycle, is reopened and walks execute → notify → survey again; every write is retried.
    const a = await newTicket('general');
    const walkA = [
      step(a, 0, E.queue, 'queued', 'queue'),
      step(a, 40, E.accept, 'accepted', 'accept'),
      step(a, 55, E.execute, 'work_recorded', 'work:1'),
      step(a, 90, E.execute, 'resolved', 'resolve'),
      step(a, 91, E.notify, 'notified', 'notify'),
      step(a, 92, E.survey, 'survey_requested', 'survey_requested'),
      step(a, 600, E.reopen, 'reopened', 'reopen:2'),
      step(a, 601, E.execute, 'work_recorded', 'work:2'),
      step(a, 2000, E.execute, 'resolved', 'resolve:2'),
      step(a, 2001, E.notify, 'notified', 'notify:2'),
      step(a, 2002, E.survey, 'survey_requested', 'survey_requested:2'),
      step(a, 5000, E.closed, 'closed', 'closed'),
    ];
    for (const event of walkA) {
      await recordTicketEvents(desk.db, [event]);
      await recordTicketEvents(desk.db, [event]);
    }

    // B: its SLA events between lifecycle steps, some written late (a slow activity), the rest in order.
    const b = await newTicket('repairs');
    const walkB = [
      step(b, 10, E.queue, 'queued', 'queue'),
      step(b, 10, X.started, 'sla_started', 'sla:started'),
      step(b, 10, X.clock, 'clock_started', 'sla:clock'),
      step(b, 30, X.warning, 'sla_warned', 'sla:warned:response'),
      step(b, 60, X.breached, 'sla_breached', 'sla:breached:response'),
      step(b, 60, X.level1, 'sla_escalated', 'sla:escalated:response:1'),
      step(b, 70, E.accept, 'accepted', 'accept'),
      step(b, 70, X.met, 'sla_met', 'sla:met:response'),
      step(b, 1500, E.execute, 'work_recorded', 'work:1'),
      step(b, 3000, E.execute, 'sla_breached', 'late-breach'),
    ];
    const late = [walkB[1]!, walkB[3]!, walkB[6]!];
    await recordTicketEvents(desk.db, walkB.filter((e) => !late.includes(e)).slice(0, 4));
    await recordTicketEvents(desk.db, walkB.filter((e) => !late.includes(e)).slice(4));
    for (const event of late) await recordTicketEvents(desk.db, [event]);

    // C: every event written at once from parallel connections, in a shuffled order, some twice.
    const c = await newTicket('general');
    const walkC = Array.from({ length: 14 }, (_, n) =>
      step(
        c,
        20 + n * 7 * 60 + (n % 3) * 13,
        [E.queue, E.accept, E.execute, E.waitingForClient][n % 4]!,
        `step-${n}`,
        `step:${n}`,
      ),
    );
    const shuffled = [...walkC, walkC[3]!, walkC[8]!].sort(
      (x, y) => ((x.dedupeKey.length * 7919 + Number(x.at)) % 13) - ((y.dedupeKey.length * 7919 + Number(y.at)) % 13),
    );
    await Promise.all(shuffled.map((event) => recordTicketEvents(desk.db, [event])));

    // D: weeks long, then moved: another queue and category; and the client becomes wholesale.
    const d = await newTicket('general');
    await recordTicketEvents(desk.db, [
      step(d, -3 * 24 * 60, E.queue, 'queued', 'queue'),
      step(d, 9 * 24 * 60, E.accept, 'accepted', 'accept'),
      step(d, 25 * 24 * 60 + 7, E.execute, 'escalated', 'escalate'),
    ]);
    const [repairs] = await desk.db.select().from(queues).where(eq(queues.code, 'repairs'));
    await desk.db
      .update(tickets)
      .set({ queueId: repairs!.id, category: `${category}-moved` })
      .where(eq(tickets.id, d));
    await desk.db.update(clients).set({ category: 'wholesale' }).where(eq(clients.id, client.id));
    await recordTicketEvents(desk.db, [step(d, 28 * 24 * 60, E.notify, 'notified', 'notify')]);
  }, 120_000);

  afterAll(async () => {
    await desk?.stop();
  });

  /** Day → element → the expected counts and duration histogram of this file's tickets, per ticket dims. */
  async function expectedFromEvents() {
    const rows = await desk.db
      .select({
        id: ticketEvents.id,
        ticketId: ticketEvents.ticketId,
        processId: ticketEvents.processId,
        elementId: ticketEvents.elementId,
        action: ticketEvents.action,
        actor: ticketEvents.actor,
        at: ticketEvents.at,
      })
      .from(ticketEvents)
      .where(inArray(ticketEvents.ticketId, ids))
      .orderBy(ticketEvents.at, ticketEvents.id);
    const dims = new Map(
      (
        await desk.db
          .select({
            id: tickets.id,
            queueId: tickets.queueId,
            category: tickets.category,
            clientCategory: decidingClientCategory,
          })
          .from(tickets)
          .innerJoin(clients, eq(clients.id, tickets.clientId))
          .where(inArray(tickets.id, ids))
      ).map((t) => [t.id, `${t.queueId ?? 0}|${t.category ?? ''}|${t.clientCategory}`]),
    );
    const counts = new Map<string, { visits: number; breaches: number; escalations: number }>();
    const durations = new Map<string, number>();
    const count = (key: string) =>
      counts.get(key) ?? counts.set(key, { visits: 0, breaches: 0, escalations: 0 }).get(key)!;
    for (const id of ids) {
      for (const processId of [TICKET_PROCESS_ID, ESCALATION_PROCESS_ID]) {
        const events = rows
          .filter((r) => r.ticketId === id && r.processId === processId)
          .map((r) => ({ ...r, at: r.at.toISOString() }));
        for (const visit of visitsOf(events)) {
          const key = `${processId}|${visit.enteredAt.slice(0, 10)}|${visit.elementId}|${dims.get(id)}`;
          count(key).visits++;
          if (visit.durationMs !== null)
            durations.set(
              `${key}|${bucketOf(visit.durationMs)}`,
              (durations.get(`${key}|${bucketOf(visit.durationMs)}`) ?? 0) + 1,
            );
        }
        for (const event of events) {
          const key = `${processId}|${event.at.slice(0, 10)}|${event.elementId}|${dims.get(id)}`;
          if (event.action.includes('breach')) count(key).breaches++;
          if (event.action.includes('escalat')) count(key).escalations++;
        }
      }
    }
    return { counts, durations };
  }

  /** The summary's rows of this file's tickets, deltas not folded yet included (one snapshot: a fold meanwhile changes nothing). */
  async function summaryPerDay() {
    const countRows = (await desk.db.execute(sql`
      select process_id || '|' || day || '|' || element_id || '|' || queue_id || '|' || category || '|' || client_category as key,
             sum(visits)::int as visits, sum(breaches)::int as breaches, sum(escalations)::int as escalations
      from (
        select process_id, day, element_id, queue_id, category, client_category, visits, breaches, escalations from process_stat_counts
        where not all_tickets and grain = 'day' and category in (${category}, ${`${category}-moved`})
        union all
        select process_id, day, element_id, queue_id, category, client_category, visits, breaches, escalations from process_stat_deltas
        where bucket is null and category in (${category}, ${`${category}-moved`})
      ) r group by 1 having sum(visits) <> 0 or sum(breaches) <> 0 or sum(escalations) <> 0
    `)) as unknown as { key: string; visits: number; breaches: number; escalations: number }[];
    const durationRows = (await desk.db.execute(sql`
      select process_id || '|' || day || '|' || element_id || '|' || queue_id || '|' || category || '|' || client_category || '|' || bucket as key, sum(visits)::int as visits
      from (
        select process_id, day, element_id, queue_id, category, client_category, bucket, visits from process_stat_durations
        where not all_tickets and grain = 'day' and category in (${category}, ${`${category}-moved`})
        union all
        select process_id, day, element_id, queue_id, category, client_category, bucket, visits from process_stat_deltas
        where bucket is not null and category in (${category}, ${`${category}-moved`})
      ) r group by 1 having sum(visits) <> 0
    `)) as unknown as { key: string; visits: number }[];
    return {
      counts: new Map(countRows.map(({ key, ...c }) => [key, c])),
      durations: new Map(durationRows.map((r) => [r.key, r.visits])),
    };
  }

  const sorted = <V>(map: Map<string, V>) => [...map.entries()].sort(([a], [b]) => a.localeCompare(b));

  it('equals what the events say, per day, element, queue, category and client category, before and after folding', async () => {
    const expected = await expectedFromEvents();
    // The reopen round: two visits of execute, notify and survey; the late and parallel writes all counted once.
    expect(
      [...expected.counts.keys()].filter((k) => k.includes(`|${E.execute}|`) && k.startsWith(TICKET_PROCESS_ID)).length,
    ).toBeGreaterThan(0);
    expect(sorted((await summaryPerDay()).counts)).toEqual(sorted(expected.counts));
    expect(sorted((await summaryPerDay()).durations)).toEqual(sorted(expected.durations));
    await foldProcessStatDeltas(desk.db);
    expect(sorted((await summaryPerDay()).counts)).toEqual(sorted(expected.counts));
    expect(sorted((await summaryPerDay()).durations)).toEqual(sorted(expected.durations));
  });

  it('keeps weeks, months and the all-ticket rows equal to the sum of their days', async () => {
    await foldProcessStatDeltas(desk.db);
    const mismatches = await desk.db.execute(sql`
      with days as (
        select process_id, day, element_id, queue_id, category, client_category, bucket, visits from process_stat_durations
        where grain = 'day' and not all_tickets and day >= '2020-01-27' and day < '2020-03-09'
      ), expected as (
        select process_id, false as all_tickets, g.grain, date_trunc(g.grain, day)::date as day, element_id, queue_id, category, client_category, bucket, sum(visits) as visits
        from days cross join (values ('week'), ('month')) g(grain) group by 1, 2, 3, 4, 5, 6, 7, 8, 9
        union all
        select process_id, true, g.grain, case g.grain when 'day' then day else date_trunc(g.grain, day)::date end, element_id, 0, '', '', bucket, sum(visits)
        from days cross join (values ('day'), ('week'), ('month')) g(grain) group by 1, 2, 3, 4, 5, 6, 7, 8, 9
      ), expected_rows as (
        select * from expected where day >= '2020-01-27'
      ), actual as (
        select process_id, all_tickets, grain, day, element_id, queue_id, category, client_category, bucket, visits::numeric from process_stat_durations
        where (grain <> 'day' or all_tickets) and day >= '2020-01-27' and day < '2020-03-09' and visits <> 0
      )
      (select * from expected_rows except select * from actual) union all (select * from actual except select * from expected_rows)
    `);
    expect([...mismatches]).toEqual([]);
  });

  it('reads median and p90 from the histogram within 2 % of the exact figures, with the same counts', async () => {
    const elements = (await loadProcessCatalog()).find(TICKET_PROCESS_ID)!.recordedElementIds;
    for (const filters of [{}, { category }, { queue: 'general', clientCategory: 'wholesale' }]) {
      const query = { ...PERIOD, ...filters };
      const exact = await elementStatistics(desk.db, TICKET_PROCESS_ID, elements, query, { exactUpTo: Infinity });
      const histogram = await elementStatistics(desk.db, TICKET_PROCESS_ID, elements, query, { exactUpTo: 0 });
      expect(histogram.percentiles).toBe('histogram');
      expect(exact.elements.some((e) => e.medianMs !== null)).toBe(true);
      for (const [i, e] of exact.elements.entries()) {
        const h = histogram.elements[i]!;
        expect({ ...h, medianMs: 0, p90Ms: 0 }, JSON.stringify(filters)).toEqual({ ...e, medianMs: 0, p90Ms: 0 });
        for (const key of ['medianMs', 'p90Ms'] as const) {
          expect(h[key] === null, `${e.elementId} ${key}`).toBe(e[key] === null);
          if (e[key] !== null)
            expect(Math.abs(h[key]! - e[key]!), `${e.elementId} ${key} ${JSON.stringify(filters)}`).toBeLessThanOrEqual(
              RELATIVE_ERROR * e[key]! + 1,
            );
        }
      }
    }
  });
});
