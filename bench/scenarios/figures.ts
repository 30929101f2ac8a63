import path from 'node:path';
import { sql as drizzleSql, type SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { Database } from '../../src/db/client';
import { breachTimelineFacts, listEscalations } from '../../src/repositories/breach-audit';
import { figureTallySql, inTallySettings } from '../../src/repositories/figure-tally';
import { figureTicketsSql } from '../../src/repositories/figures';
import type { BenchEnvironment } from '../env';
import { callApi, Outcomes } from '../http';
import { startProfile } from '../meter';
import { explainCaptured, startScratchApiDesk } from '../scratch-desk';
import type { BenchOptions } from '../options';
import { elapsedMs, summarize, type LatencySummary } from '../stats';
import { round } from './floor';

export interface FiguresQueryResult {
  path: string;
  requests: number;
  outcomes: ReturnType<Outcomes['toJSON']>;
  /** Whole HTTP round trip, as a manager with a token. */
  latencyMs: LatencySummary;
  /** Rows of the answer: groups, intervals or audit items (1 for the whole desk's figures, intervals of a timeline). */
  rows: number;
  /** Bytes of the JSON answer. */
  bytes: number;
  /** The last answer (kept for the year's headline figures, not written to the report). */
  body?: unknown;
}

export interface FiguresPlan {
  label: string;
  /** PostgreSQL's own time for the statement (EXPLAIN ANALYZE), to set beside the HTTP time. */
  executionMs: number | null;
  /** Rows the figures query hands to the API (its top node). */
  rows: number | null;
  plan: string[];
}

export interface FiguresResult {
  tickets: number;
  events: number;
  breached: number;
  reopened: number;
  surveys: number;
  workEntries: number;
  seedSeconds: number;
  databaseMiB: number;
  queries: Record<string, FiguresQueryResult>;
  /** A few of the whole desk's figures for the year, to see the seeded mix is the one meant. */
  yearFigures: Record<string, unknown>;
  plans: FiguresPlan[];
}

const HEADLINE = [
  'registered',
  'resolved',
  'closed',
  'reopened',
  'backlog',
  'backlogAgeing',
  'slaAchievedPercent',
  'csatMean',
  'npsScore',
  'reopenRatePercent',
  'fcrPercent',
  'escalations',
  'overdueByReason',
  'workVsNorm',
];

const MANAGER = 'sidorova';
const DAY_MS = 86_400_000;

/**
 * The managers' figures and the escalation audit over tickets seeded straight into PostgreSQL
 * (generate_series, a fixed seed) with the events a desk records for them, in a database of
 * their own; then GET /figures, GET /escalations and GET /tickets/:id/breaches timed over HTTP.
 */
export async function runFigures(env: BenchEnvironment, options: BenchOptions): Promise<FiguresResult> {
  const { url, desk, baseUrl } = await startScratchApiDesk(env, 'figures', {
    // A year's figures over a million tickets take longer than the desk's REQUEST_TIMEOUT (30 s): let them finish, to time them.
    requestTimeoutMs: 600_000,
  });
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const now = new Date();
    const seeded = await seedFigures(env, sql, options.figuresTickets, options.seed, now);

    const ago = (days: number) => new Date(now.getTime() - days * DAY_MS).toISOString();
    const periods = {
      year: [ago(365), now.toISOString()],
      month: [ago(30), now.toISOString()],
      day: [ago(1), now.toISOString()],
    };
    const figures = (p: keyof typeof periods, extra = '') =>
      `/figures?from=${periods[p][0]}&to=${periods[p][1]}${extra}`;
    const paths: Record<string, string> = {};
    for (const p of ['year', 'month', 'day'] as const) {
      paths[`figures ${p}`] = figures(p);
      paths[`figures ${p} by operator`] = figures(p, '&groupBy=operator');
      paths[`figures ${p} by queue`] = figures(p, '&groupBy=queue');
    }
    paths['figures month per day'] = figures('month', '&interval=day');
    paths['audit month'] = `/escalations?from=${periods.month[0]}&to=${periods.month[1]}`;
    paths['breach timeline'] = `/tickets/${seeded.timelineTicket}/breaches`;

    const queries: Record<string, FiguresQueryResult> = {};
    for (const [label, p] of Object.entries(paths)) queries[label] = await timeQuery(env, baseUrl, label, options, p);
    const yearTotal = (queries['figures year']!.body as { total?: Record<string, unknown> } | undefined)?.total ?? {};
    const yearFigures = Object.fromEntries(HEADLINE.map((key) => [key, yearTotal[key]]));
    for (const q of Object.values(queries)) delete q.body;
    if (options.profileDir) {
      // The API serves from this process: a CPU profile over a few of the year's answers by operator says where their time goes.
      const stop = await startProfile(path.join(options.profileDir, 'figures-year-by-operator.cpuprofile'));
      for (let i = 0; i < 3; i++)
        await callApi(baseUrl, 'GET', paths['figures year by operator']!, { operator: MANAGER }).catch(() => undefined);
      await stop();
    }

    const plans: FiguresPlan[] = [];
    const db = drizzle(sql) as unknown as Database;
    for (const p of ['year', 'month', 'day'] as const) {
      const period = { from: new Date(periods[p][0]!), to: new Date(periods[p][1]!) };
      plans.push(
        await inTallySettings(db, (tx) =>
          explainSql(tx, `figures ${p} (figureTallySql)`, figureTallySql(period, {}, { now: new Date() })),
        ),
      );
    }
    // The tickets one by one: what the figures read when a ticket of the period keeps no business times, and the drill-down.
    plans.push(
      await explainSql(
        db,
        'figures day (figureTicketsSql)',
        figureTicketsSql({ from: new Date(periods.day[0]!), to: new Date(periods.day[1]!) }),
      ),
    );
    const month = { from: new Date(periods.month[0]!), to: new Date(periods.month[1]!) };
    plans.push(
      await explainRepository(url, 'audit month (listEscalations)', (d) =>
        listEscalations(d, { ...month, limit: 100 }),
      ),
    );
    plans.push(
      await explainRepository(url, 'breach timeline: the ticket’s events', (d) =>
        breachTimelineFacts(d, seeded.timelineTicket),
      ),
    );

    const [{ bytes }] = await sql<[{ bytes: string }]>`select pg_database_size(current_database())::bigint as bytes`;
    return {
      ...seeded.counts,
      seedSeconds: seeded.seconds,
      databaseMiB: round(Number(bytes) / 2 ** 20, 1),
      queries,
      yearFigures,
      plans,
    };
  } finally {
    await sql.end({ timeout: 5 });
    await desk.stop();
  }
}

/** Queues of the benchmark desk: the demo's three and five more, each with its services and three operators. */
const QUEUES = [
  {
    code: 'general',
    group: 'first-line',
    line: 1,
    weight: 30,
    categories: ['general', 'connectivity', 'billing'],
    services: ['consultation', 'network-setup', 'invoice-question'],
  },
  {
    code: 'network',
    group: 'first-line',
    line: 1,
    weight: 12,
    categories: ['connectivity'],
    services: ['network-setup'],
  },
  {
    code: 'billing',
    group: 'first-line',
    line: 1,
    weight: 12,
    categories: ['billing'],
    services: ['invoice-question'],
  },
  {
    code: 'facilities',
    group: 'first-line',
    line: 1,
    weight: 8,
    categories: ['facilities'],
    services: ['facilities-request'],
  },
  {
    code: 'complaints',
    group: 'first-line',
    line: 1,
    weight: 5,
    categories: ['complaint'],
    services: ['complaint-review'],
  },
  {
    code: 'repairs',
    group: 'workshop',
    line: 2,
    weight: 22,
    categories: ['repair'],
    services: ['phone-screen', 'laptop-diagnostics'],
  },
  { code: 'warranty', group: 'workshop', line: 2, weight: 8, categories: ['warranty'], services: ['warranty-check'] },
  { code: 'experts', group: 'experts', line: 3, weight: 3, categories: ['repair'], services: ['laptop-diagnostics'] },
] as const;
const OPERATORS_PER_QUEUE = 3;
const CHANNELS = [
  ['email', 35],
  ['web', 25],
  ['phone', 20],
  ['telegram', 10],
  ['api', 5],
  ['sms', 5],
] as const;
const OVERDUE_REASONS = ['waiting-parts', 'client-unreachable', 'underestimated', 'third-party', 'overload'];
/** Escalation levels after a breach, as the demo agreements have them: at once, after 2 h, after 8 h. */
const LEVEL_AFTER_S = [0, 2 * 3600, 8 * 3600];
const BATCH = 100_000;

const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;
const textArray = (items: readonly string[]) => `(array[${items.map(literal).join(', ')}]::text[])`;

/** A weighted pick as SQL: the first item whose cumulative weight passes `u` (0 ≤ u < 1). */
function pick(u: string, items: ReadonlyArray<readonly [string, number]>): string {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let acc = 0;
  const whens = items.slice(0, -1).map(([value, w]) => `when ${u} < ${(acc += w) / total} then ${literal(value)}`);
  return `(case ${whens.join(' ')} else ${literal(items[items.length - 1]![0])} end)`;
}

/**
 * A million tickets (by default) over the last 13 months with what a desk records for them:
 * accept, resolve, close as the clock reaches them (the youngest are still open, 0.3 % are stuck
 * open), SLA deadlines with ~10 % breached (3 % response, 7 % resolution) and their escalation
 * levels, ~5 % reopened, skips and reassignments, surveys, overdue reasons, work against the
 * norm, and the breach and escalation notices sent to the manager. Each ticket's random draws
 * are hashes of its number and the seed (`u(k)`), so the events agree with the row they belong to.
 */
async function seedFigures(env: BenchEnvironment, sql: postgres.Sql, tickets: number, seed: number, now: Date) {
  const started = process.hrtime.bigint();
  const u = (k: number, id = 'g') =>
    `((abs(hashint8extended(${id}::bigint, ${seed * 1000 + k})) % 1000003) / 1000003.0)`;
  const nowSql = `${literal(now.toISOString())}::timestamptz`;

  const groups = await sql<Array<{ id: number; code: string }>>`select id, code from operator_groups`;
  const groupId = (code: string) => groups.find((g) => g.code === code)!.id;
  for (const [i, q] of QUEUES.entries()) {
    await sql`
      insert into queues (code, name, group_id, categories, support_line, position)
      values (${q.code}, ${`Bench ${q.code}`}, ${groupId(q.group)}, ${sql.array([...q.categories])}, ${q.line}, ${200 + i})
      on conflict (code) do nothing`;
  }
  const operatorIds = QUEUES.flatMap((q) =>
    Array.from({ length: OPERATORS_PER_QUEUE }, (_, n) => `${q.code}-${n + 1}`),
  );
  for (const [i, id] of operatorIds.entries()) {
    const q = QUEUES[Math.floor(i / OPERATORS_PER_QUEUE)]!;
    await sql`
      insert into operators (id, name, email, role, support_line, ticket_limit)
      values (${id}, ${`Оператор ${id}`}, ${`${id}@bench.local`}, 'operator', ${q.line}, 8)
      on conflict (id) do nothing`;
  }
  const queueRows = await sql<Array<{ id: number; code: string }>>`select id, code from queues`;
  const services = await sql<Array<{ id: number; code: string }>>`select id, code from catalog_services`;
  const serviceId = (code: string) => services.find((s) => s.code === code)!.id;
  // One row per queue: its id, line, operators (as a range of operatorIds) and its services and categories.
  const queueTable = QUEUES.map(
    (q, i) =>
      `(${i}, ${queueRows.find((r) => r.code === q.code)!.id}, ${literal(q.code)}, ${q.line}, ${i * OPERATORS_PER_QUEUE + 1}, ` +
      `array[${q.services.map(serviceId).join(', ')}]::int[], ${textArray(q.categories)})`,
  ).join(',\n        ');

  const clients = Math.max(100, Math.ceil(tickets / 10));
  const [{ base }] = await sql<[{ base: number }]>`select coalesce(max(id), 0)::int as base from clients`;
  await sql.unsafe(`
    insert into clients (name, phone, category)
    select 'Клиент ' || g, '+7998' || lpad(g::text, 7, '0'),
           ${pick(u(90), [
             ['wholesale', 15],
             ['regular', 45],
             ['one_time', 40],
           ])}
    from generate_series(1, ${clients}) g`);
  const [{ firstClient }] = await sql<
    [{ firstClient: number }]
  >`select min(id)::int as "firstClient" from clients where id > ${base}`;

  const spanS = 395 * 86_400;
  // A bulk load: the secondary indexes built once afterwards (the same definitions) rather than row by row,
  // and no merged client to follow (none is merged here).
  const rebuildTickets = await withoutIndexes(sql, 'tickets');
  await sql`alter table tickets disable trigger tickets_follow_merged_client`;
  const progress = env.progress('figures: seeding tickets', tickets);
  for (let from = 1; from <= tickets; from += BATCH) {
    const to = Math.min(tickets, from + BATCH - 1);
    await sql.unsafe(`
      with qt(qi, queue_id, code, line, first_op, services, categories) as (values
        ${queueTable}
      ),
      draw as (
        select g, ${nowSql} - make_interval(secs => ${spanS}::float8 * (${tickets} - g + ${u(1)}) / ${tickets}) as created,
               floor(${u(2)} * 100)::int as qpick, ${u(3)} as u3, ${u(4)} as u4, ${u(5)} as u5
        from generate_series(${from}, ${to}) g
      ),
      base as (
        select d.*, qt.*, c.id as client_id, c.category as client_category,
               qt.services[1 + floor(d.u3 * cardinality(qt.services))::int] as service_id,
               qt.categories[1 + floor(d.u4 * cardinality(qt.categories))::int] as category,
               ${pick(u(6), CHANNELS)} as channel,
               ${pick(u(7), [
                 ['low', 15],
                 ['normal', 60],
                 ['high', 20],
                 ['critical', 5],
               ])} as priority,
               ${textArray(operatorIds)}[qt.first_op + floor(d.u5 * ${OPERATORS_PER_QUEUE})::int] as assignee,
               ${u(8)} as breach_draw, ${u(9)} < 0.003 as stuck
        from draw d
        join qt on qt.qi = (case ${QUEUES.slice(0, -1)
          .map((_, i) => `when d.qpick < ${QUEUES.slice(0, i + 1).reduce((s, q) => s + q.weight, 0)} then ${i}`)
          .join(' ')} else ${QUEUES.length - 1} end)
        join clients c on c.id = ${firstClient} + (d.g::bigint * 7919) % ${clients}
      ),
      -- Materialized: inlined, each draw's expression would be copied into every later use and computed there again.
      agreed as materialized (
        select b.*, a.id as agreement_id, a.response_seconds, a.resolution_seconds, s.norm_hours,
               -- Wait in the queue: exponential, 30 min on average, within the response target unless it breaches.
               case when b.breach_draw < 0.03 then a.response_seconds * (1.05 + 0.5 * ${u(10)})
                    else least(a.response_seconds * 0.9, -1800 * ln(1 - ${u(10)})) end as wait_s
        from base b
        join sla_agreements a on a.service_id = b.service_id and a.client_category = b.client_category
        join catalog_services s on s.id = b.service_id
      ),
      planned as (
        select *, created + make_interval(secs => wait_s) as accept_at,
               created + make_interval(secs => response_seconds) as response_due,
               -- The agreement's resolution time, at least an hour after acceptance.
               created + make_interval(secs => greatest(resolution_seconds, wait_s + 3600)) as resolution_due
        from agreed
      ),
      timed as materialized (
        select *, case when breach_draw >= 0.03 and breach_draw < 0.10
                       then resolution_due + make_interval(secs => -4 * 3600 * ln(1 - ${u(11)}))
                       else accept_at + (resolution_due - accept_at) * (0.1 + 0.8 * ${u(11)}) end as resolve_at
        from planned
      ),
      clocked as (
        select *, case when accept_at <= ${nowSql} then accept_at end as accepted_at,
               case when resolve_at <= ${nowSql} and not stuck then resolve_at end as resolved_at,
               case when resolve_at + make_interval(secs => 3 * 86400 * ${u(12)}) <= ${nowSql} and not stuck
                    then resolve_at + make_interval(secs => 3 * 86400 * ${u(12)}) end as closed_at
        from timed
      ),
      flagged as (
        select *,
               response_due <= ${nowSql} and coalesce(accepted_at, 'infinity') > response_due as response_breached,
               resolution_due <= ${nowSql} and coalesce(resolved_at, 'infinity') > resolution_due as resolution_breached,
               closed_at is not null and ${u(13)} < 0.35 as surveyed
        from clocked
      ),
      levelled as materialized (
        select *, (select count(*) from unnest(array[${LEVEL_AFTER_S.join(', ')}]) k(after)
                   where (response_breached and response_due + make_interval(secs => k.after + 1) < coalesce(accepted_at, ${nowSql}))
                      or (resolution_breached and resolution_due + make_interval(secs => k.after + 1) < coalesce(resolved_at, ${nowSql})))::int as levels
        from flagged
      )
      insert into tickets (id, workflow_id, channel, subject, description, client_id, client_confirmed, stage, category,
        priority, service_id, queue_id, queued_at, assignee_id, accepted_at, quoted_norm_hours, support_line, solved_line,
        sla_agreement_id, response_due_at, resolution_due_at, due_at, sla_breached_at, overdue_reason, work_norm_ratio,
        first_response_business_ms, business_times, resolved_at, csat, nps, closed_at, created_at, updated_at)
      select g, 'ticket-' || g, channel, 'Обращение ' || g, 'Bench ticket ' || g, client_id, true,
             case when closed_at is not null then 'closed' when resolved_at is not null then 'awaiting_survey'
                  when accepted_at is not null then 'in_work' else 'queued' end,
             category, priority, service_id, queue_id, created + interval '150 milliseconds',
             case when accepted_at is not null then assignee end, accepted_at,
             case when accepted_at is not null then norm_hours end,
             least(3, line + levels), case when resolved_at is not null then least(3, line + levels) end,
             agreement_id, response_due, resolution_due, resolution_due,
             case when response_breached then response_due when resolution_breached then resolution_due end,
             case when resolution_breached and resolved_at is not null and ${u(14)} < 0.8
                  then (${textArray(OVERDUE_REASONS)})[1 + floor(${u(15)} * ${OVERDUE_REASONS.length})::int] end,
             case when resolved_at is not null then round((0.6 + 0.8 * ${u(16)})::numeric, 3) end,
             -- Business time: about the share of a week the office is open (the desk walks the calendar; the bench does not).
             case when accepted_at is not null then round(wait_s * 1000 * 0.4)::bigint end,
             case when resolved_at is not null then jsonb_build_object(
               'firstResolutionMs', round(extract(epoch from resolved_at - created) * 1000 * 0.4 * (case when ${u(17)} < 0.05 then 0.5 else 1 end)),
               'resolutionMs', round(extract(epoch from resolved_at - created) * 1000 * 0.4),
               'waitingForClientMs', case when ${u(18)} < 0.1 then round(extract(epoch from resolved_at - accepted_at) * 1000 * 0.3) else 0 end,
               'queueWaitMs', round(wait_s * 1000 * 0.4),
               'perSupportLineMs', jsonb_build_object(line::text, round(extract(epoch from resolved_at - created) * 1000 * 0.4))) end,
             resolved_at,
             case when surveyed then ${pick(u(19), [
               ['5', 50],
               ['4', 25],
               ['3', 10],
               ['2', 7],
               ['1', 8],
             ])}::smallint end,
             case when surveyed and ${u(20)} < 0.6 then least(10, floor(11 * sqrt(${u(21)})))::smallint end,
             closed_at, created, coalesce(closed_at, resolved_at, accepted_at, created)
      from levelled`);
    progress.tick(to - from + 1);
  }
  progress.done();

  await sql`alter table tickets enable trigger tickets_follow_merged_client`;
  env.log('figures: indexing tickets…');
  await rebuildTickets();

  // Row by row the visit triggers would take many minutes; nothing this scenario reads uses the visits.
  const rebuildEvents = await withoutIndexes(sql, 'ticket_events');
  await sql`alter table ticket_events disable trigger ticket_events_track_visit`;
  const events = env.progress('figures: seeding events', tickets);
  for (let from = 1; from <= tickets; from += BATCH) {
    const to = Math.min(tickets, from + BATCH - 1);
    await sql.unsafe(eventsSql(from, to, u, nowSql));
    events.tick(to - from + 1);
  }
  events.done();
  await sql`alter table ticket_events enable trigger ticket_events_track_visit`;
  env.log('figures: indexing events…');
  await rebuildEvents();

  env.log('figures: work entries, notices…');
  await sql.unsafe(`
    insert into ticket_work_entries (id, ticket_id, operator_id, minutes, note, created_at)
    select gen_random_uuid(), t.id, t.assignee_id,
           greatest(5, round(t.quoted_norm_hours * 60 * t.work_norm_ratio / n.entries))::int, 'работа', t.resolved_at
    from tickets t
    cross join lateral (select case when ${u(22, 't.id')} < 0.2 then 2 else 1 end as entries) n
    cross join lateral generate_series(1, n.entries) k
    where t.resolved_at is not null and t.assignee_id is not null`);
  // The manager told of each breach and each escalation level, as the outbox records a staff notice sent.
  await sql.unsafe(`
    insert into outbox (ticket_id, purpose, channel, recipient, subject, body, message_id, status, attempts, sent_at, created_at)
    select e.ticket_id,
           case e.action when 'sla_breached' then 'sla-breach:' || substr(e.dedupe_key, 14) || ':${MANAGER}'
                else 'sla-escalation:' || substr(e.dedupe_key, 15) || ':${MANAGER}' end,
           'email', '${MANAGER}@desk.local', 'SLA', '', '<bench-' || e.id || '@bench.local>', 'sent', 1, e.at, e.at
    from ticket_events e where e.action in ('sla_breached', 'sla_escalated')`);

  env.log('figures: vacuum analyze…');
  for (const table of ['tickets', 'ticket_events', 'ticket_work_entries', 'outbox', 'clients', 'queues', 'operators'])
    await sql.unsafe(`vacuum analyze ${table}`);

  const [counts] = await sql<
    [{ tickets: number; events: number; breached: number; reopened: number; surveys: number; workEntries: number }]
  >`select (select count(*) from tickets)::int as tickets, (select count(*) from ticket_events)::int as events,
           (select count(*) from tickets where sla_breached_at is not null)::int as breached,
           (select count(distinct ticket_id) from ticket_events where action = 'reopened')::int as reopened,
           (select count(*) from tickets where csat is not null)::int as surveys,
           (select count(*) from ticket_work_entries)::int as "workEntries"`;
  // One ticket's timeline: a resolution breach of a month ago that ran to level 2 or more.
  const [timeline] = await sql<[{ id: number } | undefined]>`
    select ticket_id::int as id from ticket_events
    where action = 'sla_escalated' and dedupe_key like 'sla:escalated:resolution:%' and at < now() - interval '20 days'
    order by at desc, ticket_id desc limit 1`;
  const [anyBreach] = await sql<[{ id: number }]>`
    select coalesce(max(ticket_id), 1)::int as id from ticket_events where action = 'sla_breached'`;
  return {
    counts,
    timelineTicket: timeline?.id ?? anyBreach.id,
    seconds: round(elapsedMs(started) / 1000),
  };
}

/** Drops a table's indexes other than its constraints' (primary key, unique columns); the function given builds them again. */
async function withoutIndexes(sql: postgres.Sql, table: string): Promise<() => Promise<void>> {
  const indexes = await sql<Array<{ name: string; definition: string }>>`
    select indexname as name, indexdef as definition from pg_indexes
    where schemaname = 'public' and tablename = ${table}
      and indexname not in (select conname from pg_constraint where conrelid = ${table}::regclass)`;
  for (const index of indexes) await sql.unsafe(`drop index ${index.name}`);
  return async () => {
    await sql`set maintenance_work_mem = '256MB'`;
    for (const index of indexes) await sql.unsafe(index.definition);
  };
}

/** The events of tickets [from, to], as the desk records them (the lifecycle and the SLA clock), derived from each row. */
function eventsSql(from: number, to: number, u: (k: number, id?: string) => string, nowSql: string): string {
  const level = (target: 'response' | 'resolution', due: string, end: string, k: number) => `
        ('sla_escalation', 'escalate_level_${k}', 'sla_escalated', null,
         jsonb_build_object('level', ${k}, 'target', '${target}', 'reason', null, 'fromLine', least(3, q.support_line + ${k - 1}),
                            'toLine', least(3, q.support_line + ${k}), 'queue', q.code, 'moved', false),
         'sla:escalated:${target}:${k}',
         case when f.${target}_breached and ${due} + make_interval(secs => ${LEVEL_AFTER_S[k - 1]! + 1}) < coalesce(${end}, ${nowSql})
              then ${due} + make_interval(secs => ${LEVEL_AFTER_S[k - 1]! + 1}) end)`;
  return `
    insert into ticket_events (ticket_id, process_id, element_id, action, actor, data, dedupe_key, at)
    select t.id, e.process_id, e.element_id, e.action, e.actor, e.data, e.dedupe_key, e.at
    from tickets t
    join queues q on q.id = t.queue_id
    join sla_agreements a on a.id = t.sla_agreement_id
    cross join lateral (select
        t.response_due_at <= ${nowSql} and coalesce(t.accepted_at, 'infinity') > t.response_due_at as response_breached,
        t.resolution_due_at <= ${nowSql} and coalesce(t.resolved_at, 'infinity') > t.resolution_due_at as resolution_breached,
        t.resolved_at is not null and ${u(17, 't.id')} < 0.05 as reopened,
        t.accepted_at is not null and ${u(23, 't.id')} < 0.05 as skipped,
        t.accepted_at is not null and ${u(24, 't.id')} < 0.03 as reassigned) f
    cross join lateral (values
        ('ticket_lifecycle', 'ticket_received', 'received', null::text, '{}'::jsonb, 'received', t.created_at),
        ('ticket_lifecycle', 'register', 'registered', null, '{}', 'register', t.created_at + interval '50 milliseconds'),
        ('ticket_lifecycle', 'classify', 'classified', null, jsonb_build_object('category', t.category), 'classify',
         t.created_at + interval '100 milliseconds'),
        ('ticket_lifecycle', 'queue', 'queued', null, jsonb_build_object('queue', q.code, 'supportLine', q.support_line), 'queue',
         t.created_at + interval '150 milliseconds'),
        ('sla_escalation', 'sla_started', 'sla_started', null,
         jsonb_build_object('agreementId', a.id, 'responseSeconds', a.response_seconds, 'resolutionSeconds', a.resolution_seconds),
         'sla:started', t.created_at + interval '200 milliseconds'),
        ('sla_escalation', 'sla_clock', 'clock_started', null, '{"targets": ["response", "resolution"]}', 'sla:clock',
         t.created_at + interval '200 milliseconds'),
        ('ticket_lifecycle', 'queue', 'skipped', q.code || '-' || (1 + (t.id % 3)),
         jsonb_build_object('reason', (array['busy', 'no competence', 'end of shift'])[1 + (t.id % 3)::int]), 'skip:1',
         case when f.skipped then t.created_at + (t.accepted_at - t.created_at) / 2 end),
        ('ticket_lifecycle', 'accept', 'accepted', t.assignee_id, '{}', 'accept:1', t.accepted_at),
        ('ticket_lifecycle', 'accept', 'reassigned', 'sidorova',
         jsonb_build_object('from', q.code || '-' || (1 + ((t.id + 1) % 3)), 'to', t.assignee_id), 'reassign:1',
         case when f.reassigned then t.accepted_at + interval '10 minutes' end),
        ('sla_escalation', 'sla_breached', 'sla_breached', null,
         jsonb_build_object('target', 'response', 'dueAt', t.response_due_at, 'supportLine', q.support_line, 'plannedAt', t.response_due_at),
         'sla:breached:response', case when f.response_breached then t.response_due_at + interval '1 second' end),
        ${[1, 2, 3].map((k) => level('response', 't.response_due_at', 't.accepted_at', k)).join(',')},
        ('sla_escalation', 'sla_met', 'sla_met', null, jsonb_build_object('target', 'response', 'late', f.response_breached),
         'sla:met:response', t.accepted_at),
        ('ticket_lifecycle', 'execute', 'resolved', t.assignee_id, '{}', 'resolve:1',
         case when f.reopened then t.accepted_at + (t.resolved_at - t.accepted_at) / 2 end),
        ('ticket_lifecycle', 'reopen', 'reopened', null, '{}', 'reopen:1',
         case when f.reopened then t.accepted_at + (t.resolved_at - t.accepted_at) * 0.6 end),
        ('sla_escalation', 'sla_breached', 'sla_breached', null,
         jsonb_build_object('target', 'resolution', 'dueAt', t.resolution_due_at, 'supportLine', q.support_line, 'plannedAt', t.resolution_due_at),
         'sla:breached:resolution', case when f.resolution_breached then t.resolution_due_at + interval '1 second' end),
        ${[1, 2, 3].map((k) => level('resolution', 't.resolution_due_at', 't.resolved_at', k)).join(',')},
        ('ticket_lifecycle', 'execute', 'resolved', t.assignee_id, '{}', 'resolve:2', t.resolved_at),
        ('sla_escalation', 'sla_met', 'sla_met', null, jsonb_build_object('target', 'resolution', 'late', f.resolution_breached),
         'sla:met:resolution', t.resolved_at),
        ('ticket_lifecycle', 'notify', 'notified', null, '{}', 'notify', t.resolved_at + interval '2 seconds'),
        ('ticket_lifecycle', 'survey', 'survey_answered', null, jsonb_build_object('csat', t.csat), 'survey',
         case when t.csat is not null then t.closed_at - interval '1 second' end),
        ('ticket_lifecycle', 'closed', 'closed', null, '{}', 'closed', t.closed_at)
      ) e(process_id, element_id, action, actor, data, dedupe_key, at)
    where t.id between ${from} and ${to} and e.at is not null`;
}

/** How many rows an answer holds: groups, intervals, audit items or timeline targets; 1 for the whole desk. */
function rowsOf(body: unknown): number {
  if (Array.isArray(body)) return body.length;
  if (typeof body !== 'object' || body === null) return 0;
  const b = body as Record<string, unknown>;
  for (const key of ['groups', 'series', 'items', 'targets'])
    if (Array.isArray(b[key])) return (b[key] as unknown[]).length;
  return 1;
}

async function timeQuery(
  env: BenchEnvironment,
  baseUrl: string,
  label: string,
  options: BenchOptions,
  path: string,
): Promise<FiguresQueryResult> {
  // A year's figures take seconds at full size: a few warm-up requests, not the listing's twenty.
  for (let i = 0; i < Math.min(options.warmup, 3); i++)
    await callApi(baseUrl, 'GET', path, { operator: MANAGER }).catch(() => undefined);
  const outcomes = new Outcomes();
  const latencies: number[] = [];
  let rows = 0;
  let bytes = 0;
  let last: unknown;
  const progress = env.progress(`figures: ${label}`, options.figuresRequests);
  for (let i = 0; i < options.figuresRequests; i++) {
    const t = process.hrtime.bigint();
    // A request the desk closes or drops is counted as a failure, and the run goes on.
    const { status, body } = await callApi(baseUrl, 'GET', path, { operator: MANAGER }).catch((error: unknown) => ({
      status: 'error' as const,
      body: new Error(`after ${Math.round(elapsedMs(t))} ms: ${String((error as Error).cause ?? error)}`),
    }));
    const ms = elapsedMs(t);
    outcomes.record(status, body);
    if (status === 200) {
      latencies.push(ms);
      rows = rowsOf(body);
      bytes = Buffer.byteLength(JSON.stringify(body));
      last = body;
    }
    progress.tick();
  }
  progress.done();
  return {
    path,
    requests: options.figuresRequests,
    outcomes: outcomes.toJSON(),
    latencyMs: summarize(latencies),
    rows,
    bytes,
    body: last,
  };
}

function planFacts(label: string, plan: string[]): FiguresPlan {
  const execution = plan.map((l) => /Execution Time: ([\d.]+) ms/.exec(l)).find(Boolean);
  const top = /actual time=[\d.]+\.\.[\d.]+ rows=(\d+)/.exec(plan[0] ?? '');
  return { label, executionMs: execution ? Number(execution[1]) : null, rows: top ? Number(top[1]) : null, plan };
}

async function explainSql(db: Pick<Database, 'execute'>, label: string, query: SQL): Promise<FiguresPlan> {
  const rows = (await db.execute(drizzleSql`explain (analyze, buffers) ${query}`)) as unknown as {
    'QUERY PLAN': string;
  }[];
  return planFacts(
    label,
    [...rows].map((r) => r['QUERY PLAN']),
  );
}

/** The plan of the first statement a repository function sends, with its facts. */
async function explainRepository(
  url: string,
  label: string,
  run: (db: Database) => Promise<unknown>,
): Promise<FiguresPlan> {
  return planFacts(label, await explainCaptured(url, run));
}
