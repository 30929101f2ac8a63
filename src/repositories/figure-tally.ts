import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client';
import { emptyTally, type FigureTally, type RankedValues } from '../domain/figure-tally';
import {
  backlogStages,
  type AgeingBucket,
  type EscalationLevel,
  type FigureFilters,
  type FigureGrouping,
  type Period,
} from '../domain/figures';
import { filterClause, instant, joins } from './figures';

const DAY_MS = 86_400_000;

/** Each grouping's key, as figureTickets names it on the ticket (a support line as text). */
const groupKey: Record<FigureGrouping, SQL> = {
  queue: sql`q.code`,
  category: sql`t.category`,
  clientCategory: sql`c.category`,
  channel: sql`t.channel::text`,
  supportLine: sql`t.support_line::text`,
  operator: sql`t.assignee_id`,
  service: sql`s.code`,
};

/** The kinds of fact that are times: ranked, the rest counted (and summed). */
const RANKED = [
  'firstResponse',
  'firstResponseBusiness',
  'resolution',
  'firstResolutionBusiness',
  'resolutionBusiness',
  'queueWaitBusiness',
  'waitingForClient',
  'line',
] as const;
type RankedKind = Exclude<(typeof RANKED)[number], 'line'>;

/** An instant in whole milliseconds, as the API's Date holds it (truncated: PostgreSQL keeps microseconds). */
const ms = (column: SQL) => sql`floor(extract(epoch from ${column}) * 1000)`;
const list = (items: readonly string[]) =>
  sql`(${sql.join(
    items.map((item) => sql`${item}`),
    sql`, `,
  )})`;

/** Whether a period's figures need business times walked from events in the API: a ticket accepted or resolved in it keeps none (older than migration 0021). */
export async function needsWalkedTimes(db: Database, period: Period, filters: FigureFilters): Promise<boolean> {
  const from = instant(period.from);
  const to = instant(period.to);
  const [row] = await db.execute<{ walked: boolean }>(sql`
    select exists (select from tickets t ${joins}
                   where t.accepted_at >= ${from} and t.accepted_at < ${to} and t.first_response_business_ms is null
                     and ${filterClause(filters)})
        or exists (select from tickets t ${joins}
                   where t.resolved_at >= ${from} and t.resolved_at < ${to} and t.business_times is null
                     and ${filterClause(filters)}) as walked`);
  return row!.walked;
}

/**
 * The facts of the period's figures, one row per ticket and figure (and per reopening and
 * escalation event), each with its group, its moment (for the intervals), a key (channel, reason,
 * score, level, line, age) and a value (a time, minutes). Each range reads one index, as figureTickets' do.
 */
function factsSql(period: Period, filters: FigureFilters, groupBy: FigureGrouping | undefined, now: Date): SQL {
  const from = instant(period.from);
  const to = instant(period.to);
  const where = filterClause(filters);
  const group = groupBy ? groupKey[groupBy] : sql`null::text`;
  const resolvedLate = sql`${ms(sql`t.resolved_at`)} > ${ms(sql`t.resolution_due_at`)}`;
  const nowMs = sql`${now.getTime()}::numeric`;
  return sql`
    select ${group} as grp, t.created_at as at, 'registered' as kind, t.channel::text as sub, 1::float8 as v
    from tickets t ${joins}
    where t.created_at >= ${from} and t.created_at < ${to} and ${where}
    union all
    select ${group}, t.accepted_at, f.kind, null, f.v
    from tickets t ${joins}
    cross join lateral (values
      ('firstResponse', (${ms(sql`t.accepted_at`)} - ${ms(sql`t.created_at`)})::float8),
      ('firstResponseBusiness', t.first_response_business_ms::float8)) f(kind, v)
    where t.accepted_at >= ${from} and t.accepted_at < ${to} and f.v is not null and ${where}
    union all
    select ${group}, t.resolved_at, f.kind, f.sub, f.v
    from tickets t ${joins}
    cross join lateral (select
      exists (select from ticket_events e where e.ticket_id = t.id and e.action = 'reopened') as reopened,
      exists (select from ticket_events e where e.ticket_id = t.id
                and e.action in ('sla_escalated', 'reassigned', 'returned_to_queue', 'transferred')) as handed_on,
      round(t.quoted_norm_hours * 60)::int as norm,
      (t.business_times->>'waitingForClientMs')::float8 as waited) r
    cross join lateral (
      select * from (values
        ('resolution', null::text, (${ms(sql`t.resolved_at`)} - ${ms(sql`t.created_at`)})::float8),
        ('firstResolutionBusiness', null, (t.business_times->>'firstResolutionMs')::float8),
        ('resolutionBusiness', null, (t.business_times->>'resolutionMs')::float8),
        ('queueWaitBusiness', null, (t.business_times->>'queueWaitMs')::float8),
        ('waitingForClient', null, case when r.waited > 0 then r.waited end),
        ('onTime', null, case when not ${resolvedLate} then 1 end),
        ('late', null, case when ${resolvedLate} then 1 end),
        ('overdue', t.overdue_reason, case when ${resolvedLate} then 1 end),
        ('csat', t.csat::text, case when t.csat is not null then 1 end),
        ('nps', t.nps::text, case when t.nps is not null then 1 end),
        ('reopenedEver', null, case when r.reopened then 1 end),
        ('firstContact', null, case when t.solved_line = 1 and not r.handed_on and not r.reopened then 1 end),
        ('norm', null, case when r.norm > 0 then r.norm end),
        ('work', null, case when r.norm > 0 then
           (select coalesce(sum(w.minutes), 0) from ticket_work_entries w where w.ticket_id = t.id) end),
        ('done', null, 1)) x(kind, sub, v)
      union all
      select 'line', l.key, l.value::float8 from jsonb_each_text(t.business_times->'perSupportLineMs') l
    ) f
    where t.resolved_at >= ${from} and t.resolved_at < ${to} and f.v is not null and ${where}
    union all
    select ${group}, t.closed_at, f.kind, null, 1
    from tickets t ${joins}
    cross join lateral (values ('closed', true), ('done', t.resolved_at is null)) f(kind, counted)
    where t.closed_at >= ${from} and t.closed_at < ${to} and f.counted and ${where}
    union all
    select ${group}, e.at, 'reopened', null, 1
    from ticket_events e join tickets t on t.id = e.ticket_id ${joins}
    where e.action in ('reopened', 'sla_escalated') and e.action = 'reopened'
      and e.at >= ${from} and e.at < ${to} and ${where}
    union all
    select ${group}, e.at, 'escalation',
           case when e.data->>'level' is null then 'manual' else 'level' || least(3, greatest(1, (e.data->>'level')::int)) end, 1
    from ticket_events e join tickets t on t.id = e.ticket_id ${joins}
    where e.action in ('reopened', 'sla_escalated') and e.action = 'sla_escalated'
      and e.at >= ${from} and e.at < ${to} and ${where}
    union all
    -- Every ticket not closed: the backlog by age now; the rest only make their group one of the answer's, as figureTickets reads them.
    select ${group}, null, case when t.stage in ${list(backlogStages)} then 'backlog' else 'present' end,
           case when t.stage not in ${list(backlogStages)} then null
                when ${nowMs} - ${ms(sql`t.created_at`)} < ${DAY_MS} then 'under1d'
                when ${nowMs} - ${ms(sql`t.created_at`)} < ${3 * DAY_MS} then 'from1to3d'
                when ${nowMs} - ${ms(sql`t.created_at`)} < ${7 * DAY_MS} then 'from3to7d'
                else 'over7d' end, 1
    from tickets t ${joins}
    where t.stage <> 'closed' and ${where}`;
}

/** What figureTallySql answers: a count (and sum) per view, group, interval, kind and key, or one ranked value of a time. */
type TallyRow = {
  view: number;
  grp: string | null;
  bucket: number | null;
  kind: string;
  sub: string | null;
  n: number;
  total: number | null;
  rank: number | null;
  v: number | null;
};

/**
 * The query of figureTally, apart so its plan can be read (bench). Views: 0 the whole desk, 1 per
 * group, 2 per interval (`starts`: each interval's first instant, in order). Times come ranked,
 * only the ranks a median and a 90th percentile read (quantileOfSorted: floor and ceiling of
 * q × (n − 1), here in whole numbers).
 */
export function figureTallySql(
  period: Period,
  filters: FigureFilters,
  { groupBy, starts, now }: { groupBy?: FigureGrouping; starts?: readonly Date[]; now: Date },
): SQL {
  const views = [0, ...(groupBy ? [1] : []), ...(starts ? [2] : [])];
  const thresholds = `{${(starts ?? []).map((s) => s.toISOString()).join(',')}}`;
  const ranked = list(RANKED);
  return sql`
    with facts as (${factsSql(period, filters, groupBy, now)}),
    viewed as materialized (
      select w.view, case when w.view = 1 then f.grp end as grp,
             case when w.view = 2 then width_bucket(f.at, ${thresholds}::timestamptz[]) end as bucket,
             f.kind, f.sub, f.v
      from facts f cross join unnest(${`{${views.join(',')}}`}::int[]) w(view)
      where w.view <> 2 or f.at is not null
    )
    select view, grp, bucket, kind, sub, count(*)::int as n, sum(v) as total, null::int as rank, null::float8 as v
    from viewed where kind not in ${ranked}
    group by view, grp, bucket, kind, sub
    union all
    select view, grp, bucket, kind, sub, n, total, rank, v
    from (select view, grp, bucket, kind, sub, v,
                 (row_number() over (partition by view, grp, bucket, kind, sub order by v) - 1)::int as rank,
                 count(*) over (partition by view, grp, bucket, kind, sub)::int as n,
                 sum(v) over (partition by view, grp, bucket, kind, sub) as total
          from viewed where kind in ${ranked}) r
    where rank in ((n - 1) / 2, n / 2, 9 * (n - 1) / 10, 9 * n / 10)`;
}

export interface FigureTallies {
  total: FigureTally;
  groups: Map<string | null, FigureTally>;
  /** Per interval, in order. */
  intervals: FigureTally[];
}

/**
 * The tallies of the period's figures for the desk, per group and per interval, counted in
 * PostgreSQL: for periods whose tickets keep their business times (needsWalkedTimes is false).
 */
export async function figureTally(
  db: Database,
  period: Period,
  filters: FigureFilters,
  options: { groupBy?: FigureGrouping; starts?: readonly Date[]; now: Date },
): Promise<FigureTallies> {
  const rows = await db.execute<TallyRow>(figureTallySql(period, filters, options));
  const tallies: FigureTallies = {
    total: emptyTally(),
    groups: new Map(),
    intervals: (options.starts ?? []).map(() => emptyTally()),
  };
  const tallyOf = (row: TallyRow): FigureTally => {
    if (row.view === 0) return tallies.total;
    if (row.view === 2) return tallies.intervals[row.bucket! - 1]!;
    let tally = tallies.groups.get(row.grp);
    if (!tally) tallies.groups.set(row.grp, (tally = emptyTally()));
    return tally;
  };
  for (const row of rows) {
    const tally = tallyOf(row);
    const n = row.n;
    const rankedOf = (): RankedValues => {
      if (row.kind !== 'line') return tally[row.kind as RankedKind];
      const line = Number(row.sub);
      let values = tally.perSupportLine.get(line);
      if (!values) tally.perSupportLine.set(line, (values = { count: 0, total: 0, byRank: new Map() }));
      return values;
    };
    switch (row.kind) {
      case 'registered':
        tally.registeredPerChannel.set(row.sub!, n);
        break;
      case 'closed':
      case 'reopened':
      case 'done':
      case 'onTime':
      case 'late':
      case 'reopenedEver':
      case 'firstContact':
        tally[row.kind] = n;
        break;
      case 'backlog':
        tally.backlogAgeing[row.sub as AgeingBucket] = n;
        break;
      case 'present':
        break;
      case 'overdue':
        tally.overdueReasons.set(row.sub, n);
        break;
      case 'csat':
        tally.csatScores.set(Number(row.sub), n);
        break;
      case 'nps':
        tally.npsAnswers.set(Number(row.sub), n);
        break;
      case 'norm':
        tally.normed = n;
        tally.normMinutes = row.total!;
        break;
      case 'work':
        tally.workMinutes = row.total!;
        break;
      case 'escalation':
        tally.escalations[row.sub as EscalationLevel] = n;
        break;
      default: {
        const values = rankedOf();
        values.count = n;
        values.total = row.total!;
        values.byRank.set(row.rank!, row.v!);
      }
    }
  }
  return tallies;
}
