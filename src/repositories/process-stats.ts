import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client';
import { histogramPercentiles } from '../domain/duration-histogram';
import { splitPeriod, type DayRange, type PeriodSplit } from '../domain/summary-period';

/** Which tickets a process view is about: the filters of the URL. */
export interface TicketFilters {
  /** Queue code, e.g. `repairs`. */
  queue?: string;
  category?: string;
  clientCategory?: string;
}

/** The filters and a period. */
export interface ProcessStatsQuery extends TicketFilters {
  from: Date;
  to: Date;
}

export interface ElementStatistics {
  elementId: string;
  /** Open tickets whose latest event in the process is at this element. */
  now: number;
  /** Visits that began in the period (a visit: consecutive events of a ticket at one element of the process). */
  visits: number;
  /** Over the visits of the period that have ended: from the visit's first event to the ticket's next event elsewhere in the process. */
  medianMs: number | null;
  p90Ms: number | null;
  breaches: number;
  escalations: number;
}

/** How median and p90 were computed: exactly from the visits, or from the duration histogram (within 2 %). */
export type PercentileMethod = 'exact' | 'histogram';

export interface ProcessStatistics {
  elements: ElementStatistics[];
  percentiles: PercentileMethod;
}

/**
 * Up to this many visits of the process in the period (all elements, all tickets: what the
 * exact query reads, whatever the filters), median and p90 are computed exactly from the
 * visits; beyond, from the summary's histogram (within RELATIVE_ERROR). About a week of a desk
 * filing 150 tickets a day.
 */
export const EXACT_PERCENTILES_UP_TO = 10_000;

/** Issue 4's SLA and escalation steps record actions named like these (`sla_breached`, `sla_escalated`). */
const BREACH = '%breach%';
const ESCALATION = '%escalat%';

/** Filters on a row that carries the ticket's queue id, category and client category: a visit or a summary row. */
function dimensionFilters(alias: string, query: TicketFilters): SQL {
  const column = (name: string) => sql.raw(`${alias}.${name}`);
  const conditions: SQL[] = [sql`true`];
  if (query.queue !== undefined)
    conditions.push(sql`${column('queue_id')} = (select q.id from queues q where q.code = ${query.queue})`);
  if (query.category !== undefined) conditions.push(sql`${column('category')} = ${query.category}`);
  if (query.clientCategory !== undefined) conditions.push(sql`${column('client_category')} = ${query.clientCategory}`);
  return sql.join(conditions, sql` and `);
}

/** The same filters on tickets t joined with clients c. */
export function ticketFilters(query: TicketFilters): SQL {
  const conditions: SQL[] = [sql`true`];
  if (query.queue !== undefined)
    conditions.push(sql`t.queue_id = (select q.id from queues q where q.code = ${query.queue})`);
  if (query.category !== undefined) conditions.push(sql`t.category = ${query.category}`);
  if (query.clientCategory !== undefined)
    conditions.push(sql`deciding_client_category(t.client_confirmed, c.category) = ${query.clientCategory}`);
  return sql.join(conditions, sql` and `);
}

const hasFilters = (query: TicketFilters) =>
  query.queue !== undefined || query.category !== undefined || query.clientCategory !== undefined;

const idList = (ids: readonly string[]) =>
  sql`array[${sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  )}]::text[]`;

const durationMs = (alias: string) =>
  sql.raw(`extract(epoch from ${alias}.left_at - ${alias}.entered_at)::float8 * 1000`);

/**
 * `columns` of the summary `table` (alias s) over the period's months, weeks and days: one
 * branch per range, each a range of the table's key read from the index alone (its key
 * INCLUDEs the figures); every ticket's rows when there is no filter, else the filter's.
 */
function summaryRows(
  table: 'process_stat_counts' | 'process_stat_durations',
  columns: SQL,
  processId: string,
  split: PeriodSplit,
  query: TicketFilters,
): SQL {
  const scope = hasFilters(query) ? sql`not s.all_tickets and ${dimensionFilters('s', query)}` : sql`s.all_tickets`;
  const ranges = (Object.entries(split.grains) as [string, DayRange[]][]).flatMap(([grain, list]) =>
    list.map(
      ([a, b]) =>
        sql`select ${columns} from ${sql.raw(table)} s where s.process_id = ${processId} and ${scope} and s.grain = ${grain} and s.day >= ${a}::date and s.day < ${b}::date`,
    ),
  );
  return sql.join(ranges, sql` union all `);
}

/** Rows whose `column` falls in the parts of a day at either end of the period (before its first whole day, after its last). */
function periodEnds(column: SQL, split: PeriodSplit): SQL {
  const dayStart = (day: string) => `${day}T00:00:00.000Z`;
  return sql`((${column} >= ${split.from.toISOString()} and ${column} < ${dayStart(split.days[0])})
           or (${column} >= ${dayStart(split.days[1])} and ${column} < ${split.to.toISOString()}))`;
}

/**
 * Visits begun, breaches and escalations per element over the period, from the summary (whole
 * days and months, plus deltas not folded yet) and the visits and events of the partial days.
 * Exact: counts are summed, not estimated.
 */
export function elementCountsQuery(
  processId: string,
  elementIds: readonly string[],
  split: PeriodSplit,
  query: TicketFilters,
): SQL {
  const ids = idList(elementIds);
  const flaggedTickets = hasFilters(query)
    ? sql`join tickets t on t.id = e.ticket_id join clients c on c.id = t.client_id where ${ticketFilters(query)} and`
    : sql`where`;
  return sql`
    select element_id as "elementId", sum(visits)::int as "visits", sum(breaches)::int as "breaches", sum(escalations)::int as "escalations"
    from (
      ${summaryRows('process_stat_counts', sql`s.element_id, s.visits, s.breaches, s.escalations`, processId, split, query)}
      union all
      select s.element_id, s.visits, s.breaches, s.escalations from process_stat_deltas s
      where s.process_id = ${processId} and s.bucket is null and s.day >= ${split.days[0]}::date and s.day < ${split.days[1]}::date and ${dimensionFilters('s', query)}
      union all
      select v.element_id, 1, 0, 0 from ticket_element_visits v
      where v.process_id = ${processId} and ${periodEnds(sql`v.entered_at`, split)} and ${dimensionFilters('v', query)}
      union all
      select e.element_id, 0, (e.action like ${BREACH})::int, (e.action like ${ESCALATION})::int from ticket_events e
      ${flaggedTickets} (e.action like '%breach%' or e.action like '%escalat%') and e.element_id = any(${ids}) and ${periodEnds(sql`e.at`, split)}
    ) parts
    group by element_id
  `;
}

/** The histogram of the durations of the ended visits begun in the period, per element; the same parts as the counts. */
export function elementHistogramQuery(processId: string, split: PeriodSplit, query: TicketFilters): SQL {
  return sql`
    select element_id as "elementId", bucket, sum(visits)::int as "visits"
    from (
      ${summaryRows('process_stat_durations', sql`s.element_id, s.bucket, s.visits`, processId, split, query)}
      union all
      select s.element_id, s.bucket, s.visits from process_stat_deltas s
      where s.process_id = ${processId} and s.bucket is not null and s.day >= ${split.days[0]}::date and s.day < ${split.days[1]}::date and ${dimensionFilters('s', query)}
      union all
      select v.element_id, process_stat_bucket(${durationMs('v')}), 1 from ticket_element_visits v
      where v.process_id = ${processId} and v.left_at is not null and ${periodEnds(sql`v.entered_at`, split)} and ${dimensionFilters('v', query)}
    ) parts
    group by element_id, bucket
    having sum(visits) <> 0
  `;
}

/**
 * Everything from the visits and events themselves: visits, exact median and p90 (percentile_cont),
 * breaches and escalations. The visits are one range of their (process, entered_at, …) index,
 * read from the index alone; tickets are joined only for the flagged events when a filter asks.
 */
export function elementExactQuery(processId: string, elementIds: readonly string[], query: ProcessStatsQuery): SQL {
  const from = query.from.toISOString();
  const to = query.to.toISOString();
  const ids = idList(elementIds);
  const flaggedTickets = hasFilters(query)
    ? sql`join tickets t on t.id = e.ticket_id join clients c on c.id = t.client_id where ${ticketFilters(query)} and`
    : sql`where`;
  return sql`
    with durations as (
      select v.element_id, count(*)::int as visits,
             percentile_cont(array[0.5, 0.9]) within group (order by ${durationMs('v')}) as pct
      from ticket_element_visits v
      where v.process_id = ${processId} and v.entered_at >= ${from} and v.entered_at < ${to} and ${dimensionFilters('v', query)}
      group by v.element_id
    ),
    flagged as (
      select e.element_id,
             count(*) filter (where e.action like ${BREACH})::int as breaches,
             count(*) filter (where e.action like ${ESCALATION})::int as escalations
      from ticket_events e
      ${flaggedTickets} e.at >= ${from} and e.at < ${to} and (e.action like '%breach%' or e.action like '%escalat%') and e.element_id = any(${ids})
      group by e.element_id
    )
    select coalesce(d.element_id, f.element_id) as "elementId",
           coalesce(d.visits, 0) as "visits",
           d.pct[1] as "medianMs", d.pct[2] as "p90Ms",
           coalesce(f.breaches, 0) as "breaches", coalesce(f.escalations, 0) as "escalations"
    from durations d full join flagged f on f.element_id = d.element_id
  `;
}

/** Open tickets per element they are at now in the process (their open visit there), under the same filters. */
export function ticketsNowQuery(processId: string, query: TicketFilters): SQL {
  return sql`
    select v.element_id as "elementId", count(*)::int as "now"
    from tickets t
    join ticket_element_visits v on v.ticket_id = t.id and v.process_id = ${processId} and v.left_at is null
    where t.stage <> 'closed' and ${dimensionFilters('v', query)}
    group by v.element_id
  `;
}

type Figures = Omit<ElementStatistics, 'elementId' | 'now'>;

async function exactFigures(
  db: Database,
  processId: string,
  elementIds: readonly string[],
  query: ProcessStatsQuery,
): Promise<Map<string, Figures>> {
  const rows = await db.execute<{
    elementId: string;
    visits: number;
    medianMs: number | null;
    p90Ms: number | null;
    breaches: number;
    escalations: number;
  }>(elementExactQuery(processId, elementIds, query));
  return new Map(
    [...rows].map((r) => [
      r.elementId,
      {
        visits: r.visits,
        medianMs: r.medianMs == null ? null : Number(r.medianMs),
        p90Ms: r.p90Ms == null ? null : Number(r.p90Ms),
        breaches: r.breaches,
        escalations: r.escalations,
      },
    ]),
  );
}

/**
 * Per element over a period: visits, median and p90 durations, breaches and escalations, and the
 * tickets there now. Counts come from the summary (exact). Median and p90 are exact
 * (percentile_cont over the visits) when the period holds no whole UTC day or at most
 * `exactUpTo` visits of the process; else they are read from the summary's duration histogram,
 * within RELATIVE_ERROR of the exact figures.
 */
export async function elementStatistics(
  db: Database,
  processId: string,
  elementIds: readonly string[],
  query: ProcessStatsQuery,
  options: { exactUpTo?: number } = {},
): Promise<ProcessStatistics> {
  const exactUpTo = options.exactUpTo ?? EXACT_PERCENTILES_UP_TO;
  const split = splitPeriod(query.from, query.to);
  const nowRows = db.execute<{ elementId: string; now: number }>(ticketsNowQuery(processId, query));
  type CountRow = { elementId: string; visits: number; breaches: number; escalations: number };
  const countsOf = (filters: TicketFilters) =>
    db.execute<CountRow>(elementCountsQuery(processId, elementIds, split!, filters)).then((rows) => [...rows]);
  let figures: Map<string, Figures>;
  let percentiles: PercentileMethod = 'exact';
  const [counts, scanned] = split
    ? await Promise.all([countsOf(query), hasFilters(query) ? countsOf({}) : undefined])
    : [];
  const visitsToRead = (scanned ?? counts ?? []).reduce((sum, r) => sum + r.visits, 0);
  if (!split || visitsToRead <= exactUpTo) {
    figures = await exactFigures(db, processId, elementIds, query);
  } else {
    percentiles = 'histogram';
    const histograms = new Map<string, Map<number, number>>();
    for (const r of await db.execute<{ elementId: string; bucket: number; visits: number }>(
      elementHistogramQuery(processId, split, query),
    )) {
      const histogram = histograms.get(r.elementId) ?? new Map<number, number>();
      histogram.set(r.bucket, r.visits);
      histograms.set(r.elementId, histogram);
    }
    figures = new Map(
      counts!.map((r) => {
        const [medianMs, p90Ms] = histogramPercentiles(histograms.get(r.elementId) ?? new Map(), [0.5, 0.9]);
        return [
          r.elementId,
          {
            visits: r.visits,
            medianMs: medianMs ?? null,
            p90Ms: p90Ms ?? null,
            breaches: r.breaches,
            escalations: r.escalations,
          },
        ];
      }),
    );
  }
  const now = [...(await nowRows)];
  return {
    percentiles,
    elements: elementIds.map((elementId) => {
      const f = figures.get(elementId);
      return {
        elementId,
        now: now.find((r) => r.elementId === elementId)?.now ?? 0,
        visits: f?.visits ?? 0,
        medianMs: f?.medianMs == null ? null : Math.round(f.medianMs),
        p90Ms: f?.p90Ms == null ? null : Math.round(f.p90Ms),
        breaches: f?.breaches ?? 0,
        escalations: f?.escalations ?? 0,
      };
    }),
  };
}

/** Folds the summary's deltas into its day and month rows (one folder at a time); how many it folded. */
export async function foldProcessStatDeltas(db: Database): Promise<number> {
  const [row] = (await db.execute(sql`select fold_process_stat_deltas() as folded`)) as unknown as [{ folded: number }];
  return row.folded;
}
