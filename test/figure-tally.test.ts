/**
 * The figures counted in PostgreSQL (src/repositories/figure-tally.ts) are the figures computed
 * over every ticket (computeFigures, the definition): the same answer, to the key order, for the
 * desk, every grouping and a series by day and by week, on random tickets of a category of this
 * file's own — microsecond instants, ties, reopenings, escalations at every level, transfers, late
 * resolutions with and without a reason, surveys, norms, open and closed tickets.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type Database } from '../src/db/client';
import { seriesBuckets } from '../src/domain/figure-series';
import { drillableFigures, figureGroupings, isBehind, type FigureFilters, type Period } from '../src/domain/figures';
import { intakeChannels } from '../src/domain/enums';
import { needsWalkedTimes } from '../src/repositories/figure-tally';
import { figureTickets, operatorLoads, ticketsBehindIds } from '../src/repositories/figures';
import { talliedFigures, walkedFigures } from '../src/services/figure-service';
import { createTestDatabase } from './support/desk';

const DAY = 86_400_000;
const period: Period = { from: new Date('2031-03-01T00:00:00Z'), to: new Date('2031-03-15T00:00:00Z') };
const now = new Date('2031-03-16T09:30:00Z');

/** mulberry32: the same tickets every run. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('figures counted in PostgreSQL', () => {
  let db: Database;
  let dropTestDatabase: () => Promise<void>;
  const category = `tally-${Date.now()}`;
  const filters: FigureFilters = { category };

  beforeAll(async () => {
    // A database of its own: its open tickets, queues and operators would be in the other files' figures.
    const own = await createTestDatabase('figure_tally');
    dropTestDatabase = own.drop;
    db = openDatabase(own.databaseUrl, { max: 2 });
    const next = random(14);
    const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
    // Queues, services and operators of this file's own (the database may hold none yet).
    const [group] = await db.execute<{ id: number }>(sql`
      insert into operator_groups (code, name) values (${category}, ${category}) returning id`);
    const queues = [
      ...(await db.execute<{ id: number }>(sql`
        insert into queues (code, name, group_id, support_line, position)
        select ${category} || '-' || n, 'tally', ${group!.id}, n, 900 + n from generate_series(1, 3) n returning id`)),
    ];
    const services = [
      ...(await db.execute<{ id: number }>(sql`
        insert into catalog_services (code, name_ru, name_en, category, price, norm_hours)
        select ${category} || '-' || n, 'tally', 'tally', ${category}, 1, n from generate_series(1, 3) n returning id`)),
    ];
    const operators = [
      ...(await db.execute<{ id: string }>(sql`
        insert into operators (id, name) select ${category} || '-' || n, 'tally' from generate_series(1, 3) n returning id`)),
    ];
    const [client] = await db.execute<{ id: number }>(sql`
      insert into clients (name, phone, category) values (${category}, ${`+7999${Date.now() % 10_000_000}`}, 'regular')
      returning id`);
    // Instants with microseconds, some on whole seconds so that times tie, a few on the period's edges.
    const instant = (ms: number) => {
      const whole = next() < 0.3 ? Math.floor(ms / 60_000) * 60_000 : ms;
      const micros = next() < 0.3 ? 0 : Math.floor(next() * 1000);
      return new Date(whole).toISOString().replace('Z', `${String(micros).padStart(3, '0')}Z`);
    };
    for (let n = 0; n < 160; n++) {
      const created = n === 0 ? period.from.getTime() : period.from.getTime() - 4 * DAY + Math.floor(next() * 20 * DAY);
      const accepted = next() < 0.85 ? created + Math.floor(next() * 2 * DAY) : null;
      const resolved = accepted !== null && next() < 0.8 ? accepted + Math.floor(next() * 3 * DAY) : null;
      const closed = next() < 0.6 ? (resolved ?? created) + Math.floor(next() * DAY) : null;
      const stage =
        closed !== null
          ? 'closed'
          : resolved !== null
            ? pick(['awaiting_survey', 'resolved', 'complaint'])
            : accepted !== null
              ? pick(['in_work', 'waiting_for_client'])
              : pick(['registering', 'queued']);
      const line = pick([1, 1, 2, 3]);
      const due = next() < 0.8 ? created + Math.floor(next() * 3 * DAY) : null;
      const business =
        resolved === null
          ? null
          : {
              firstResolutionMs: Math.floor(next() * 20) * 1000,
              resolutionMs: Math.floor(next() * 20) * 1000,
              waitingForClientMs: next() < 0.5 ? 0 : Math.floor(next() * 5) * 1000,
              queueWaitMs: Math.floor(next() * 10) * 1000,
              perSupportLineMs: Object.fromEntries(
                [1, 2, 3].filter(() => next() < 0.6).map((l) => [l, Math.floor(next() * 10) * 1000]),
              ),
            };
      const [row] = await db.execute<{ id: string }>(sql`
        insert into tickets (id, workflow_id, channel, subject, description, client_id, stage, queue_id, service_id,
                             assignee_id, category, support_line, solved_line, created_at, accepted_at, resolved_at,
                             closed_at, resolution_due_at, overdue_reason, csat, nps, quoted_norm_hours,
                             first_response_business_ms, business_times)
        select s.n, 'figure-tally-' || s.n, ${pick(intakeChannels)}, 'tally', 'tally', ${client!.id}, ${stage},
               ${next() < 0.1 ? null : pick(queues).id}, ${next() < 0.2 ? null : pick(services).id},
               ${next() < 0.2 ? null : pick(operators).id}, ${category}, ${line},
               ${resolved === null ? null : line}, ${instant(created)}, ${accepted === null ? null : instant(accepted)},
               ${resolved === null ? null : instant(resolved)}, ${closed === null ? null : instant(closed)},
               ${due === null ? null : instant(due)}, ${next() < 0.5 ? pick(['parts', 'client', 'overload']) : null},
               ${resolved !== null && next() < 0.6 ? pick([1, 2, 3, 4, 5, 5]) : null},
               ${resolved !== null && next() < 0.4 ? Math.floor(next() * 11) : null},
               ${next() < 0.3 ? null : pick([0, 0.5, 1.25, 4])},
               ${accepted === null ? null : Math.floor(next() * 30) * 1000},
               ${business === null ? null : JSON.stringify(business)}::jsonb
        from (select nextval('ticket_number_seq') as n) s
        returning id`);
      const id = Number(row!.id);
      const events: [string, Record<string, unknown>, number][] = [];
      if (resolved !== null && next() < 0.25) events.push(['reopened', {}, resolved - Math.floor(next() * DAY)]);
      if (next() < 0.1) events.push(['reopened', {}, created + Math.floor(next() * 10 * DAY)]);
      if (next() < 0.3)
        events.push([
          'sla_escalated',
          pick([{ level: 1 }, { level: 2 }, { level: 3 }, { level: 7 }, {}]),
          created + DAY,
        ]);
      if (next() < 0.15) events.push([pick(['reassigned', 'returned_to_queue', 'transferred']), {}, created + 1000]);
      for (const [i, [action, data, at]] of events.entries())
        await db.execute(sql`
          insert into ticket_events (ticket_id, process_id, element_id, action, data, dedupe_key, at)
          values (${id}, ${action === 'sla_escalated' ? 'sla_escalation' : 'ticket_lifecycle'}, 'accept', ${action},
                  ${JSON.stringify(data)}::jsonb, ${`tally:${i}`}, ${instant(at)})`);
      if (next() < 0.7)
        await db.execute(sql`
          insert into ticket_work_entries (id, ticket_id, operator_id, minutes, note)
          select gen_random_uuid(), ${id}, ${operators[0]!.id}, m, 'tally' from unnest(array[${Math.floor(next() * 90)}, 15]) m`);
    }
  });
  afterAll(async () => {
    if (db) await closeDatabase(db);
    await dropTestDatabase?.();
  });

  const both = async (query: FigureFilters, parts: Parameters<typeof talliedFigures>[3]) => {
    const [tallied, walked] = await Promise.all([
      talliedFigures(db, period, query, parts),
      walkedFigures(db, period, query, parts),
    ]);
    expect(tallied).not.toBeNull();
    return { tallied: JSON.stringify(tallied), walked: JSON.stringify(walked), total: tallied!.total };
  };

  it('keeps every ticket’s business times, so none need walking', async () => {
    expect(await needsWalkedTimes(db, period, filters)).toBe(false);
  });

  it('gives the desk’s figures and a series by day and by week as computeFigures does', async () => {
    for (const interval of ['day', 'week'] as const) {
      const buckets = seriesBuckets(period, interval, 'Europe/Moscow');
      const { tallied, walked, total } = await both(filters, { groupBy: undefined, buckets, openAtStart: 7, now });
      expect(tallied).toBe(walked);
      // The fixture holds what each figure counts.
      expect(total.resolved).toBeGreaterThan(20);
      expect(total.reopened).toBeGreaterThan(0);
      expect(total.overdueByReason.length).toBeGreaterThan(1);
      expect(total.perSupportLineBusiness.length).toBe(3);
      expect(Object.values(total.escalations).every((n) => n > 0)).toBe(true);
    }
  });

  it('gives each grouping’s figures as figuresByGroup does, filtered too', async () => {
    for (const groupBy of figureGroupings) {
      const { tallied, walked } = await both(filters, { groupBy, buckets: undefined, openAtStart: 0, now });
      expect(tallied, groupBy).toBe(walked);
    }
    for (const narrowed of [
      { ...filters, channel: 'email' },
      { ...filters, clientCategory: 'regular' },
    ]) {
      const { tallied, walked, total } = await both(narrowed, {
        groupBy: 'queue',
        buckets: undefined,
        openAtStart: 0,
        now,
      });
      expect(tallied).toBe(walked);
      expect(total.registered).toBeGreaterThan(0);
    }
  });

  it('an empty period: zeros and nulls both ways', async () => {
    const empty = { from: new Date('2001-01-01T00:00:00Z'), to: new Date('2001-01-02T00:00:00Z') };
    const buckets = seriesBuckets(empty, 'day', 'Europe/Moscow');
    const parts = { groupBy: 'operator' as const, buckets, openAtStart: 0, now };
    const [tallied, walked] = await Promise.all([
      talliedFigures(db, empty, filters, parts),
      walkedFigures(db, empty, filters, parts),
    ]);
    expect(JSON.stringify(tallied)).toBe(JSON.stringify(walked));
  });

  it('lists the tickets behind each count as isBehind picks them from every ticket of the period', async () => {
    const every = await figureTickets(db, period, filters, { withTimes: false });
    for (const figure of drillableFigures) {
      const expected = every
        .filter((t) => isBehind(figure, t, period))
        .map((t) => t.id)
        .sort((a, b) => a - b);
      expect(expected.length, figure).toBeGreaterThan(3);
      expect(await ticketsBehindIds(db, figure, period, filters, 5_000), figure).toEqual({
        total: expected.length,
        ids: expected,
      });
      expect(await ticketsBehindIds(db, figure, period, filters, 3), figure).toEqual({
        total: expected.length,
        ids: expected.slice(0, 3),
      });
    }
  });

  it('counts each operator’s open offers: queued, offered to them, not expired', async () => {
    const operator = `${category}-2`;
    await db.execute(sql`
      update tickets set stage = 'queued', offered_to = ${operator},
             offer_expires_at = ${now.toISOString()}::timestamptz + (case when id % 3 = 0 then -1 else 1 end) * interval '1 minute'
      where id in (select id from tickets where category = ${category} and stage = 'queued' order by id limit 6)`);
    const [expected] = await db.execute<{ offered: number }>(sql`
      select count(*)::int as offered from tickets
      where offered_to = ${operator} and stage = 'queued' and offer_expires_at > ${now.toISOString()}::timestamptz`);
    expect(expected!.offered).toBeGreaterThan(0);
    const loads = await operatorLoads(db, now);
    expect(loads.get(operator)).toEqual({ limit: 5, offered: expected!.offered });
    expect(loads.get(`${category}-1`)).toEqual({ limit: 5, offered: 0 });
  });

  it('walks the times when a ticket of the period keeps none', async () => {
    await db.execute(sql`
      update tickets set business_times = null
      where id = (select id from tickets where category = ${category} and resolved_at >= ${period.from.toISOString()}::timestamptz
                  and resolved_at < ${period.to.toISOString()}::timestamptz order by id limit 1)`);
    expect(await needsWalkedTimes(db, period, filters)).toBe(true);
    expect(
      await talliedFigures(db, period, filters, { groupBy: undefined, buckets: undefined, openAtStart: 0, now }),
    ).toBeNull();
  });
});
