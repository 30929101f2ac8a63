/**
 * Per-element process statistics over many ticket events: how long the viewer's figures take.
 *
 *   npm run bench:process                 # 1,000,000 events (about 100,000 tickets over a year)
 *   npm run bench:process -- 50000        # fewer events, for a quick look
 *   BENCH_KEEP=1 npm run bench:process    # keep the database (with DATABASE_URL) to look at it afterwards
 *
 * Target: p99 under 200 ms for the statistics of a period, as the API computes them
 * (repositories/process-stats.ts elementStatistics: the summary's counts and duration histogram,
 * the visits of the partial days at the ends, exact percentiles when the period holds few visits,
 * and the tickets there now). Uses DATABASE_URL if set, else an embedded PostgreSQL in a scratch
 * directory; a fresh database either way, dropped at the end. Prints p50/p95/p99 per period, how
 * far the histogram's median and p90 are from the exact ones, what an event costs to write through
 * the triggers, and the plans PostgreSQL chose (EXPLAIN ANALYZE, BUFFERS) for each statement sent.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql, type SQL } from 'drizzle-orm';
import { closeDatabase, openDatabase, type Database } from '../src/db/client';
import { runMigrations } from '../src/db/migrate';
import { seedDemoData } from '../src/db/seed';
import { createDatabase, dropDatabase, ensurePostgres } from '../src/infra/postgres-server';
import {
  elementCountsQuery,
  elementExactQuery,
  elementHistogramQuery,
  elementStatistics,
  EXACT_PERCENTILES_UP_TO,
  ticketsNowQuery,
  type ProcessStatsQuery,
} from '../src/repositories/process-stats';
import { splitPeriod } from '../src/domain/summary-period';
import { loadProcessCatalog } from '../src/services/process-catalog';
import { TICKET_PROCESS_ID } from '../src/domain/process';

const EVENTS = Number(process.argv[2] ?? process.env.BENCH_EVENTS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const DAY_MS = 86_400_000;
/** Events one closed ticket records (see generateTickets). */
const EVENTS_PER_TICKET = 11;

async function main() {
  if (!Number.isInteger(EVENTS) || EVENTS < 1000)
    throw new Error(`the number of events must be an integer ≥ 1000, not ${process.argv[2]}`);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'desk-bench-'));
  const server = await ensurePostgres({
    url: process.env.DATABASE_URL,
    dataDir: path.join(scratch, 'postgres'),
    database: 'postgres',
    log: (m) => console.log(`[bench] ${m}`),
  });
  const name = `desk_bench_${process.pid}`;
  const url = await createDatabase(server.url, name);
  const db = openDatabase(url, { max: 2 });
  try {
    await runMigrations(url);
    await seedDemoData(db);
    const started = Date.now();
    const now = new Date();
    await generateTickets(db, Math.ceil(EVENTS / EVENTS_PER_TICKET), now);
    await db.execute(sql`vacuum analyze`);
    const [{ events }] = (await db.execute(sql`select count(*)::int as events from ticket_events`)) as unknown as [
      { events: number },
    ];
    console.log(
      `[bench] ${events.toLocaleString('en')} events of ${Math.ceil(EVENTS / EVENTS_PER_TICKET).toLocaleString('en')} tickets over 365 days, generated in ${((Date.now() - started) / 1000).toFixed(1)} s (PostgreSQL: ${server.how})`,
    );

    const elementIds = (await loadProcessCatalog()).find(TICKET_PROCESS_ID)!.recordedElementIds;
    const shapes: [string, ProcessStatsQuery][] = [
      ['last 3 days', period(now, 3)],
      ['last 7 days', period(now, 7)],
      ['last 30 days', period(now, 30)],
      [
        'last 30 days, queue=repairs, clientCategory=regular',
        { ...period(now, 30), queue: 'repairs', clientCategory: 'regular' },
      ],
      ['whole year (every event)', period(now, 366)],
      [
        'whole year, queue=repairs, clientCategory=regular',
        { ...period(now, 366), queue: 'repairs', clientCategory: 'regular' },
      ],
    ];
    const timed = async (run: () => Promise<unknown>) => {
      for (let i = 0; i < 3; i++) await run(); // warm the cache
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const t0 = process.hrtime.bigint();
        await run();
        times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      times.sort((a, b) => a - b);
      const at = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)]!;
      return {
        runs: RUNS,
        p50_ms: round(at(0.5)),
        p95_ms: round(at(0.95)),
        p99_ms: round(at(0.99)),
        under_200ms: at(0.99) < 200,
      };
    };
    const results = [];
    for (const [label, query] of shapes) {
      const { percentiles, elements } = await elementStatistics(db, TICKET_PROCESS_ID, elementIds, query);
      // How far the answer is from percentile_cont over every visit of the period.
      const exact = await elementStatistics(db, TICKET_PROCESS_ID, elementIds, query, { exactUpTo: Infinity });
      const error = Math.max(
        0,
        ...elements.flatMap((e, i) => [
          relative(e.medianMs, exact.elements[i]!.medianMs),
          relative(e.p90Ms, exact.elements[i]!.p90Ms),
        ]),
      );
      const visits = elements.reduce((sum, e) => sum + e.visits, 0);
      results.push({
        statistics: label,
        visits,
        percentiles,
        max_error_pct: Math.round(error * 10_000) / 100,
        ...(await timed(() => elementStatistics(db, TICKET_PROCESS_ID, elementIds, query))),
      });
    }
    results.push({
      statistics: 'tickets now per element (alone)',
      visits: 0,
      percentiles: '-',
      max_error_pct: 0,
      ...(await timed(() => db.execute(ticketsNowQuery(TICKET_PROCESS_ID, {})))),
    });
    console.table(results);
    console.log(
      `[bench] median and p90 are exact when the period holds up to ${EXACT_PERCENTILES_UP_TO.toLocaleString('en')} visits, read from the histogram beyond`,
    );
    await measureWrites(db, now);
    // The statements each statistics call sends (besides tickets now): the summary's counts (unfiltered too when
    // filtered: how many visits an exact answer would read), then the exact percentiles or the histogram.
    for (const [label, query] of shapes) {
      const split = splitPeriod(query.from, query.to)!;
      const exact = (await elementStatistics(db, TICKET_PROCESS_ID, elementIds, query)).percentiles === 'exact';
      const statements: [string, SQL][] = [
        ['counts', elementCountsQuery(TICKET_PROCESS_ID, elementIds, split, query)],
        exact
          ? ['exact percentiles', elementExactQuery(TICKET_PROCESS_ID, elementIds, query)]
          : ['histogram', elementHistogramQuery(TICKET_PROCESS_ID, split, query)],
      ];
      for (const [part, statement] of statements) await printPlan(db, `${label}: ${part}`, statement);
    }
    await printPlan(db, 'tickets now per element', ticketsNowQuery(TICKET_PROCESS_ID, {}));
  } finally {
    await closeDatabase(db);
    if (process.env.BENCH_KEEP) console.log(`[bench] kept the database: ${url}`);
    else await dropDatabase(server.url, name).catch(() => {});
    await server.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

const period = (now: Date, days: number): ProcessStatsQuery => ({
  from: new Date(now.getTime() - days * DAY_MS),
  to: now,
});
const round = (ms: number) => Math.round(ms * 10) / 10;
const relative = (approx: number | null, exact: number | null) =>
  approx === null || exact === null || exact === 0 ? 0 : Math.abs(approx - exact) / exact;

async function printPlan(db: Database, label: string, query: SQL) {
  const plan = (await db.execute(sql`explain (analyze, buffers, costs off) ${query}`)) as unknown as {
    'QUERY PLAN': string;
  }[];
  console.log(`\n[bench] plan: ${label}\n${plan.map((r) => r['QUERY PLAN']).join('\n')}`);
}

/**
 * What the triggers add to writing an event: tickets walking the lifecycle, one event per
 * statement as activities write them, timed with and without the visit and summary triggers.
 */
async function measureWrites(db: Database, now: Date) {
  const tickets = 300;
  const steps = ['ticket_received', 'register', 'classify', 'queue', 'accept', 'execute', 'notify', 'survey', 'closed'];
  const [{ base }] = (await db.execute(sql`select coalesce(max(id), 0)::int + 1 as base from tickets`)) as unknown as [
    { base: number },
  ];
  const write = async (first: number) => {
    await db.execute(sql`
      insert into tickets (id, workflow_id, channel, subject, description, client_id, stage, category, queue_id, created_at)
      select g, 'bench-write-' || g, 'api', 'bench', 'bench', (select min(id) from clients), 'in_work', 'repair', (select min(id) from queues), ${now.toISOString()}
      from generate_series(${first}::bigint, ${first + tickets - 1}::bigint) g`);
    const t0 = process.hrtime.bigint();
    for (let n = 0; n < steps.length; n++) {
      for (let id = first; id < first + tickets; id++) {
        await db.execute(sql`insert into ticket_events (ticket_id, process_id, element_id, action, dedupe_key, at)
                             values (${id}, 'ticket_lifecycle', ${steps[n]!}, 'bench', ${`write:${n}`}, ${new Date(now.getTime() + n * 60_000).toISOString()})`);
      }
    }
    return Number(process.hrtime.bigint() - t0) / 1e6 / (tickets * steps.length);
  };
  const withTriggers = await write(base);
  await db.execute(sql`alter table ticket_events disable trigger ticket_events_track_visit`);
  const without = await write(base + tickets);
  await db.execute(sql`alter table ticket_events enable trigger ticket_events_track_visit`);
  const folded = Number((await db.execute(sql`select fold_process_stat_deltas() as n`))[0]!.n);
  console.log(
    `[bench] writing an event: ${withTriggers.toFixed(2)} ms with the visit and summary triggers, ${without.toFixed(2)} ms without (${tickets * steps.length} events each, one per statement); ${folded} deltas folded`,
  );
}

/**
 * Tickets created evenly over the last year, each walking the lifecycle with random step
 * times (minutes to days); the youngest are cut off where "now" finds them, so they are open.
 * Written by PostgreSQL itself (generate_series), a million rows in seconds.
 */
async function generateTickets(db: Database, count: number, now: Date) {
  await db.execute(sql`select setseed(0.42)`);
  await db.execute(sql`
    insert into tickets (id, workflow_id, channel, subject, description, client_id, stage, category, queue_id, created_at)
    select g, 'bench-' || g, 'api', 'bench', 'bench',
           (select id from clients order by id offset (g % 6) limit 1),
           'closed',
           (array['repair', 'billing', 'connectivity', 'general'])[1 + g % 4],
           (select id from queues where code = case when g % 4 = 0 then 'repairs' else 'general' end),
           ${now.toISOString()}::timestamptz - (interval '365 days') * (g::float8 / ${count})
    from generate_series(1, ${count}) g
  `);
  // Row by row the trigger would take minutes for a million events: load, then rebuild the visits and the summary at once.
  await db.execute(sql`alter table ticket_events disable trigger ticket_events_track_visit`);
  await db.execute(sql`
    with steps as (
      select t.id, t.created_at as t0,
             interval '1 minute' * (1 + random() * 240) as queued_for,
             interval '1 minute' * (5 + random() * 120) as first_work,
             interval '1 minute' * (5 + random() * 480) as to_resolve,
             interval '1 minute' * (30 + random() * 4000) as survey_wait
      from tickets t where t.workflow_id like 'bench-%'
    ),
    trail as (
      select id, e.n, e.element_id, e.action, e.at
      from steps cross join lateral (values
        (0, 'ticket_received', 'received', t0),
        (1, 'register', 'registered', t0 + interval '100 ms'),
        (2, 'classify', 'classified', t0 + interval '200 ms'),
        (3, 'queue', 'queued', t0 + interval '300 ms'),
        (4, 'accept', 'accepted', t0 + queued_for),
        (5, 'execute', 'work_recorded', t0 + queued_for + first_work),
        (6, 'execute', 'resolved', t0 + queued_for + first_work + to_resolve),
        (7, 'notify', 'notified', t0 + queued_for + first_work + to_resolve + interval '2 s'),
        (8, 'survey', 'survey_requested', t0 + queued_for + first_work + to_resolve + interval '3 s'),
        (9, 'survey', 'survey_answered', t0 + queued_for + first_work + to_resolve + survey_wait),
        (10, 'closed', 'closed', t0 + queued_for + first_work + to_resolve + survey_wait)
      ) as e(n, element_id, action, at)
    )
    insert into ticket_events (ticket_id, process_id, element_id, action, dedupe_key, at)
    select id, 'ticket_lifecycle', element_id, action, 'bench:' || n, at from trail where at <= ${now.toISOString()}::timestamptz
  `);
  await db.execute(sql`alter table ticket_events enable trigger ticket_events_track_visit`);
  await db.execute(sql`select rebuild_ticket_element_visits()`);
  // Tickets the clock caught mid-way stay open, at the stage of their last event.
  await db.execute(sql`
    update tickets t set stage = case last.element_id when 'queue' then 'queued' when 'survey' then 'awaiting_survey' else 'in_work' end
    from (select distinct on (ticket_id) ticket_id, element_id from ticket_events order by ticket_id, at desc, id desc) last
    where last.ticket_id = t.id and last.element_id <> 'closed'
  `);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
