import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client';
import { emptyTally, type FigureTally, type RankedValues } from '../domain/figure-tally';
import {
  backlogStages,
  CSAT_TOP_BOX_AT_LEAST,
  NPS_DETRACTOR_AT_MOST,
  NPS_PROMOTER_AT_LEAST,
  type AgeingBucket,
  type EscalationLevel,
  type FigureFilters,
  type FigureGrouping,
  type Period,
} from '../domain/figures';
import { COMPLAINT_CSAT_AT_MOST } from '../domain/survey';
import { filterClause, instant, joins, wholeMs } from './figures';

const DAY_MS = 86_400_000;

type Executor = Pick<Database, 'execute'>;

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

const list = (items: readonly string[]) =>
  sql`(${sql.join(
    items.map((item) => sql`${item}`),
    sql`, `,
  )})`;

/**
 * A time over the rows of a group: how many, their sum, and the values at the ranks
 * quantileOfSorted reads for a median and a p90 — floor and ceiling of q × (n − 1), here in whole
 * numbers (1-based). The same aggregate written four times is computed once.
 */
function ranked(value: SQL): SQL {
  const n = sql`count(${value})`;
  const sorted = sql`(array_agg(${value} order by ${value}) filter (where ${value} is not null))`;
  const at = (rank: SQL) => sql`${sorted}[(${rank} + 1)::int]`;
  return sql`json_build_object('n', ${n}, 'sum', sum(${value}), 'ranks', array[
    ${at(sql`(${n} - 1) / 2`)}, ${at(sql`${n} / 2`)}, ${at(sql`9 * (${n} - 1) / 10`)}, ${at(sql`9 * ${n} / 10`)}])`;
}

/** The ranks `ranked` gives, 0-based, in its order. */
const rankPositions = (n: number) => [
  Math.floor((n - 1) / 2),
  Math.floor(n / 2),
  Math.floor((9 * (n - 1)) / 10),
  Math.floor((9 * n) / 10),
];

type Ranked = { n: number; sum: number | null; ranks: (number | null)[] };

function rankedValues({ n, sum, ranks }: Ranked): RankedValues {
  const positions = rankPositions(n);
  return {
    count: n,
    total: sum ?? 0,
    byRank: new Map(n === 0 ? [] : positions.map((rank, i) => [rank, ranks[i]!])),
  };
}

/** Whether a period's figures need business times walked from events in the API: a ticket accepted or resolved in it keeps none (older than migration 0021). */
export async function needsWalkedTimes(db: Executor, period: Period, filters: FigureFilters): Promise<boolean> {
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

/** What figureTallySql answers: per view (0 the desk, 1 a group, 2 an interval), group, interval, part and key, the part's numbers. */
type TallyRow = {
  view: number;
  grp: string | null;
  bucket: number | null;
  part: string;
  sub: string | null;
  x: Record<string, number | Ranked>;
};

/**
 * The query of figureTally, apart so its plan can be read (bench). Each part of the figures is
 * one range of an index (as figureTickets reads them) aggregated by grouping sets: the whole desk,
 * each group and each interval (`starts`: each interval's first instant, in order) in one pass,
 * each ticket counted in the interval its own moment (registration, acceptance…) falls in.
 */
export function figureTallySql(
  period: Period,
  filters: FigureFilters,
  { groupBy, starts, now }: { groupBy?: FigureGrouping; starts?: readonly Date[]; now: Date },
): SQL {
  const from = instant(period.from);
  const to = instant(period.to);
  const where = filterClause(filters);
  const group = groupBy ? groupKey[groupBy] : sql`null::text`;
  const thresholds = `{${(starts ?? []).map((s) => s.toISOString()).join(',')}}`;
  const bucketOf = (moment: SQL) =>
    starts ? sql`width_bucket(${moment}, ${thresholds}::timestamptz[])` : sql`null::int`;
  const withKey = (dims: string[], key: string | null) => `(${[...dims, ...(key ? [key] : [])].join(', ')})`;
  /** The grouping sets of a part with its key; `intervals` false for what has no moment (the backlog now). */
  const grouped = (key: string | null, intervals = true) => {
    const sets = [withKey([], key)];
    if (groupBy) sets.push(withKey(['grp'], key));
    if (starts && intervals) sets.push(withKey(['bucket'], key));
    const view =
      groupBy && starts && intervals
        ? 'case grouping(grp, bucket) when 3 then 0 when 1 then 1 else 2 end'
        : groupBy
          ? 'case grouping(grp) when 1 then 0 else 1 end'
          : starts && intervals
            ? 'case grouping(bucket) when 1 then 0 else 2 end'
            : '0';
    return {
      select: sql.raw(
        `${view} as view, ${groupBy ? 'grp' : 'null::text'} as grp, ${starts && intervals ? 'bucket' : 'null::int'} as bucket, ${key ?? 'null::text'} as sub`,
      ),
      groupBy: sql.raw(`group by grouping sets (${sets.join(', ')})`),
    };
  };
  const part = (name: string, key: string | null, numbers: SQL, rows: SQL, intervals = true) => {
    const g = grouped(key, intervals);
    return sql`select ${g.select}, ${name} as part, ${numbers} as x from (${rows}) b ${g.groupBy}`;
  };
  const tickets = (moment: SQL, range: SQL, columns: SQL) =>
    sql`select ${group} as grp, ${bucketOf(moment)} as bucket, ${columns} from tickets t ${joins} where ${range} and ${where}`;
  const events = (action: 'reopened' | 'sla_escalated', columns: SQL) => sql`
    select ${group} as grp, ${bucketOf(sql`e.at`)} as bucket, ${columns}
    from ticket_events e join tickets t on t.id = e.ticket_id ${joins}
    where e.action in ('reopened', 'sla_escalated') and e.action = ${action}
      and e.at >= ${from} and e.at < ${to} and ${where}`;
  const late = sql`${wholeMs(sql`t.resolved_at`)} > ${wholeMs(sql`t.resolution_due_at`)}`;
  const nowMs = sql`${now.getTime()}::numeric`;
  const age = (days: number) => sql`${nowMs} - ${wholeMs(sql`t.created_at`)} < ${days * DAY_MS}`;
  return sql`
    with resolved as materialized (
      select ${group} as grp, ${bucketOf(sql`t.resolved_at`)} as bucket,
             (${wholeMs(sql`t.resolved_at`)} - ${wholeMs(sql`t.created_at`)})::float8 as wall,
             (t.business_times->>'firstResolutionMs')::float8 as first_resolution,
             (t.business_times->>'resolutionMs')::float8 as resolution,
             (t.business_times->>'queueWaitMs')::float8 as queue_wait,
             case when (t.business_times->>'waitingForClientMs')::float8 > 0
                  then (t.business_times->>'waitingForClientMs')::float8 end as waited,
             t.business_times->'perSupportLineMs' as lines,
             case when t.resolution_due_at is not null then ${late} end as late, t.overdue_reason as reason,
             t.csat, t.nps, t.solved_line,
             exists (select from ticket_events e where e.ticket_id = t.id and e.action = 'reopened') as reopened,
             exists (select from ticket_events e where e.ticket_id = t.id
                       and e.action in ('sla_escalated', 'reassigned', 'returned_to_queue', 'transferred')) as handed_on,
             n.norm,
             case when n.norm > 0 then
               (select coalesce(sum(w.minutes), 0) from ticket_work_entries w where w.ticket_id = t.id) end as work
      from tickets t ${joins}
      cross join lateral (select round(t.quoted_norm_hours * 60)::int as norm) n
      where t.resolved_at >= ${from} and t.resolved_at < ${to} and ${where}
    )
    ${part(
      'registered',
      'sub',
      sql`json_build_object('n', count(*))`,
      tickets(sql`t.created_at`, sql`t.created_at >= ${from} and t.created_at < ${to}`, sql`t.channel::text as sub`),
    )}
    union all
    ${part(
      'accepted',
      null,
      sql`json_build_object('firstResponse', ${ranked(sql`wall`)}, 'firstResponseBusiness', ${ranked(sql`business`)})`,
      tickets(
        sql`t.accepted_at`,
        sql`t.accepted_at >= ${from} and t.accepted_at < ${to}`,
        sql`(${wholeMs(sql`t.accepted_at`)} - ${wholeMs(sql`t.created_at`)})::float8 as wall,
            t.first_response_business_ms::float8 as business`,
      ),
    )}
    union all
    ${part(
      'resolved',
      null,
      sql`json_build_object(
        'resolution', ${ranked(sql`wall`)}, 'firstResolutionBusiness', ${ranked(sql`first_resolution`)},
        'resolutionBusiness', ${ranked(sql`resolution`)}, 'queueWaitBusiness', ${ranked(sql`queue_wait`)},
        'waitingForClient', ${ranked(sql`waited`)},
        'onTime', count(*) filter (where not late), 'late', count(*) filter (where late),
        'reopenedEver', count(*) filter (where reopened),
        'firstContact', count(*) filter (where solved_line = 1 and not handed_on and not reopened),
        'normed', count(*) filter (where norm > 0), 'normMinutes', coalesce(sum(norm) filter (where norm > 0), 0),
        'workMinutes', coalesce(sum(work), 0),
        'csatAnswered', count(csat), 'csatSum', coalesce(sum(csat), 0),
        'csatTopBox', count(*) filter (where csat >= ${CSAT_TOP_BOX_AT_LEAST}),
        'csatComplaints', count(*) filter (where csat <= ${COMPLAINT_CSAT_AT_MOST}),
        'npsAnswered', count(nps), 'npsPromoters', count(*) filter (where nps >= ${NPS_PROMOTER_AT_LEAST}),
        'npsDetractors', count(*) filter (where nps <= ${NPS_DETRACTOR_AT_MOST}),
        'done', count(*))`,
      sql`select * from resolved`,
    )}
    union all
    ${part('overdue', 'reason', sql`json_build_object('n', count(*))`, sql`select * from resolved where late`)}
    union all
    ${part(
      'line',
      'sub',
      ranked(sql`v`),
      sql`select r.grp, r.bucket, l.key as sub, l.value::float8 as v from resolved r, jsonb_each_text(r.lines) l`,
    )}
    union all
    ${part(
      'closed',
      null,
      sql`json_build_object('n', count(*), 'done', count(*) filter (where never_resolved))`,
      tickets(
        sql`t.closed_at`,
        sql`t.closed_at >= ${from} and t.closed_at < ${to}`,
        sql`t.resolved_at is null as never_resolved`,
      ),
    )}
    union all
    ${part('reopened', null, sql`json_build_object('n', count(*))`, events('reopened', sql`1 as one`))}
    union all
    ${part(
      'escalation',
      'sub',
      sql`json_build_object('n', count(*))`,
      events(
        'sla_escalated',
        sql`case when e.data->>'level' is null then 'manual'
                 else 'level' || least(3, greatest(1, (e.data->>'level')::int)) end as sub`,
      ),
    )}
    union all
    -- Every ticket not closed: the backlog by age now; the rest only make their group one of the answer's, as figureTickets reads them.
    ${part(
      'open',
      'sub',
      sql`json_build_object('n', count(*))`,
      tickets(
        sql`null::timestamptz`,
        sql`t.stage <> 'closed'`,
        sql`case when t.stage not in ${list(backlogStages)} then 'present'
                 when ${age(1)} then 'under1d' when ${age(3)} then 'from1to3d' when ${age(7)} then 'from3to7d'
                 else 'over7d' end as sub`,
      ),
      false,
    )}`;
}

/**
 * Runs figureTallySql as the API does. Its plan has no use for JIT (compiling took a quarter of
 * the year's statement at 100,000 tickets: 5.3 s of 21.6 s, bench); the sorts of a year's times
 * fit in memory at 64 MB (at the default 4 MB they went to disk).
 */
export function inTallySettings<T>(db: Database, run: (tx: Executor) => Promise<T>): Promise<T> {
  // One snapshot (repeatable read) for the check of needsWalkedTimes and the tally: a ticket resolved
  // in between, its times not yet written, would otherwise be counted without them.
  return db.transaction(
    async (tx) => {
      await tx.execute(sql`set local jit = off`);
      await tx.execute(sql`set local work_mem = '64MB'`);
      return run(tx);
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

export interface FigureTallies {
  total: FigureTally;
  groups: Map<string | null, FigureTally>;
  /** Per interval, in order. */
  intervals: FigureTally[];
}

/**
 * The tallies of the period's figures for the desk, per group and per interval, counted in
 * PostgreSQL; null when a ticket of the period keeps no business times (needsWalkedTimes): then
 * the figures are computed over every ticket, walking its events.
 */
export async function figureTally(
  db: Database,
  period: Period,
  filters: FigureFilters,
  options: { groupBy?: FigureGrouping; starts?: readonly Date[]; now: Date },
): Promise<FigureTallies | null> {
  const rows = await inTallySettings(db, async (tx) =>
    (await needsWalkedTimes(tx, period, filters))
      ? null
      : tx.execute<TallyRow>(figureTallySql(period, filters, options)),
  );
  if (rows === null) return null;
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
    const { part, sub, x } = row;
    const tally = tallyOf(row);
    const count = (name: string) => x[name] as number;
    const times = (name: string) => rankedValues(x[name] as Ranked);
    switch (part) {
      case 'registered':
        tally.registeredPerChannel.set(sub!, count('n'));
        break;
      case 'accepted':
        tally.firstResponse = times('firstResponse');
        tally.firstResponseBusiness = times('firstResponseBusiness');
        break;
      case 'resolved':
        tally.resolution = times('resolution');
        tally.firstResolutionBusiness = times('firstResolutionBusiness');
        tally.resolutionBusiness = times('resolutionBusiness');
        tally.queueWaitBusiness = times('queueWaitBusiness');
        tally.waitingForClient = times('waitingForClient');
        tally.onTime = count('onTime');
        tally.late = count('late');
        tally.reopenedEver = count('reopenedEver');
        tally.firstContact = count('firstContact');
        tally.normed = count('normed');
        tally.normMinutes = count('normMinutes');
        tally.workMinutes = count('workMinutes');
        tally.csat = {
          answered: count('csatAnswered'),
          sum: count('csatSum'),
          topBox: count('csatTopBox'),
          complaints: count('csatComplaints'),
        };
        tally.nps = {
          answered: count('npsAnswered'),
          promoters: count('npsPromoters'),
          detractors: count('npsDetractors'),
        };
        tally.done += count('done');
        break;
      case 'overdue':
        tally.overdueReasons.set(sub, count('n'));
        break;
      case 'line':
        tally.perSupportLine.set(Number(sub), rankedValues(x as unknown as Ranked));
        break;
      case 'closed':
        tally.closed = count('n');
        tally.done += count('done');
        break;
      case 'reopened':
        tally.reopened = count('n');
        break;
      case 'escalation':
        tally.escalations[sub as EscalationLevel] = count('n');
        break;
      case 'open':
        if (sub !== 'present') tally.backlogAgeing[sub as AgeingBucket] = count('n');
        break;
    }
  }
  return tallies;
}
