import postgres from 'postgres';
import { listQueuedTickets } from '../../src/repositories/queues';
import { listClientTickets, searchTickets } from '../../src/repositories/tickets';
import type { BenchEnvironment } from '../env';
import { models, texts } from '../generator';
import { callApi, Outcomes } from '../http';
import { explainCaptured, startScratchApiDesk } from '../scratch-desk';
import type { BenchOptions } from '../options';
import { elapsedMs, summarize, type LatencySummary } from '../stats';
import { round } from './floor';

export interface ListingQueryResult {
  requests: number;
  outcomes: ReturnType<Outcomes['toJSON']>;
  /** Whole HTTP round trip, operator check included. */
  latencyMs: LatencySummary;
  /** Rows in the answers, on average (a query answering nothing would be fast for nothing). */
  meanRows: number;
  plan: string[];
}

export interface ListingResult {
  rows: number;
  clients: number;
  seedSeconds: number;
  tableMiB: number;
  queries: { queueListing: ListingQueryResult; search: ListingQueryResult; clientTickets: ListingQueryResult };
}

const OPERATOR = 'sidorova';

/**
 * Tickets seeded straight into PostgreSQL with generate_series in a database of their own,
 * then the API's three list queries timed over HTTP, with their query plans.
 */
export async function runListing(env: BenchEnvironment, options: BenchOptions): Promise<ListingResult> {
  const { url, desk, baseUrl } = await startScratchApiDesk(env, 'listing');
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const seeded = await seedTickets(env, sql, options.listingRows);

    const queueIds = seeded.queueIds;
    const clientId = (i: number) => seeded.firstClientId + ((i * 7919) % seeded.clients);
    const terms = ['SN-12', 'MacBook', 'ноутбук', 'Invoice', 'SN-00042', 'Galaxy S22', 'экран', 'warranty claim'];
    const viewer = { id: OPERATOR, role: 'manager' as const };
    const page = { limit: 50, offset: 0 };

    const queueListing = await timeQuery(
      env,
      baseUrl,
      'listing: queue',
      options,
      (i) => `/queues/${queueIds[i % queueIds.length]}/tickets?limit=50&offset=${(i * 50) % 500}`,
    );
    queueListing.plan = await explainCaptured(url, (db) => listQueuedTickets(db, queueIds[0]!, page));
    const search = await timeQuery(
      env,
      baseUrl,
      'listing: search',
      options,
      (i) => `/tickets?q=${encodeURIComponent(terms[i % terms.length]!)}&limit=50`,
    );
    // A rare term (a serial number) and a common word take different plans: both are shown.
    search.plan = [
      ...(await explainCaptured(url, (db) => searchTickets(db, terms[0]!, viewer, page))),
      '',
      ...(await explainCaptured(url, (db) => searchTickets(db, 'ноутбук', viewer, page))),
    ];
    const clientTickets = await timeQuery(
      env,
      baseUrl,
      'listing: client',
      options,
      (i) => `/clients/${clientId(i)}/tickets?limit=50`,
    );
    clientTickets.plan = await explainCaptured(url, (db) => listClientTickets(db, clientId(0), viewer, page));

    const [{ bytes }] = await sql<[{ bytes: string }]>`select pg_total_relation_size('tickets')::bigint as bytes`;
    return {
      rows: options.listingRows,
      clients: seeded.clients,
      seedSeconds: seeded.seconds,
      tableMiB: round(Number(bytes) / 2 ** 20, 1),
      queries: { queueListing, search, clientTickets },
    };
  } finally {
    await sql.end({ timeout: 5 });
    await desk.stop();
  }
}

const BATCH = 100_000;

/** Tickets of every stage, category and priority over a year, ten per client on average. */
async function seedTickets(env: BenchEnvironment, sql: postgres.Sql, rows: number) {
  const started = process.hrtime.bigint();
  const queues = await sql<Array<{ id: number; code: string }>>`select id, code from queues order by id`;
  const repairs = queues.find((q) => q.code === 'repairs')!.id;
  const general = queues.find((q) => q.code === 'general')!.id;
  const clients = Math.max(100, Math.ceil(rows / 10));
  const [{ base }] = await sql<[{ base: number }]>`select coalesce(max(id), 0)::int as base from clients`;
  await sql`
    insert into clients (name, phone, category)
    select 'Клиент ' || g, '+7999' || lpad(g::text, 7, '0'), (array['wholesale', 'regular', 'one_time'])[1 + g % 3]
    from generate_series(1, ${clients}::int) g`;
  const [{ firstClientId }] = await sql<
    [{ firstClientId: number }]
  >`select min(id)::int as "firstClientId" from clients where id > ${base}`;

  const progress = env.progress('listing: seeding', rows);
  for (let from = 1; from <= rows; from += BATCH) {
    const to = Math.min(rows, from + BATCH - 1);
    await sql`
      insert into tickets (id, workflow_id, channel, subject, description, client_id, stage, category, priority, queue_id, queued_at, assignee_id, accepted_at, created_at, updated_at)
      select g, 'ticket-' || g,
        (array['api', 'web', 'email', 'telegram', 'phone', 'sms'])[1 + g % 6],
        replace(replace(s.subject, '{model}', m.model), '{serial}', serial),
        replace(replace(s.description, '{model}', m.model), '{serial}', serial),
        ${firstClientId}::int + (g * 31) % ${clients}::int,
        stage,
        (array['repair', 'warranty', 'connectivity', 'billing', 'facilities', 'complaint', 'general'])[1 + g % 7],
        (array['low', 'normal', 'normal', 'normal', 'high', 'critical'])[1 + (g * 17) % 6],
        case when g % 7 < 2 then ${repairs}::int else ${general}::int end,
        at,
        case when stage = 'queued' then null when g % 7 < 2 then 'petrov' else 'ivanova' end,
        case when stage = 'queued' then null else at + interval '1 hour' end,
        at, at
      from generate_series(${from}::int, ${to}::int) g,
        lateral (select
          'SN-' || lpad(((g::bigint * 7919) % 1000000)::text, 6, '0') as serial,
          case when g % 10 < 3 then 'queued' when g % 10 < 4 then 'in_work' else 'closed' end as stage,
          now() - (${rows}::int - g) * interval '30 seconds' as at) v,
        lateral (select (${sql.array(texts.map((t) => t.subject))}::text[])[1 + (g * 7) % ${texts.length}::int] as subject,
                        (${sql.array(texts.map((t) => t.description))}::text[])[1 + (g * 7) % ${texts.length}::int] as description) s,
        lateral (select (${sql.array(models)}::text[])[1 + (g * 13) % ${models.length}::int] as model) m`;
    progress.tick(to - from + 1);
  }
  progress.done();
  env.log('listing: vacuum analyze…');
  await sql`vacuum analyze tickets`;
  await sql`vacuum analyze clients`;
  return { queueIds: [repairs, general], clients, firstClientId, seconds: round(elapsedMs(started) / 1000) };
}

async function timeQuery(
  env: BenchEnvironment,
  baseUrl: string,
  label: string,
  options: BenchOptions,
  pathOf: (i: number) => string,
): Promise<ListingQueryResult> {
  for (let i = 0; i < Math.min(options.warmup, options.listingRequests); i++)
    await callApi(baseUrl, 'GET', pathOf(i + 1000), { operator: OPERATOR });
  const outcomes = new Outcomes();
  const latencies: number[] = [];
  let rows = 0;
  const progress = env.progress(label, options.listingRequests);
  for (let i = 0; i < options.listingRequests; i++) {
    const t = process.hrtime.bigint();
    const { status, body } = await callApi(baseUrl, 'GET', pathOf(i), { operator: OPERATOR });
    const ms = elapsedMs(t);
    outcomes.record(status, body);
    if (status === 200) {
      latencies.push(ms);
      rows += Array.isArray(body) ? body.length : 0;
    }
    progress.tick();
  }
  progress.done();
  return {
    requests: options.listingRequests,
    outcomes: outcomes.toJSON(),
    latencyMs: summarize(latencies),
    meanRows: round(rows / Math.max(1, latencies.length), 1),
    plan: [],
  };
}
