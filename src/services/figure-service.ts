import type { Database } from '../db/client';
import { isManager, type Actor } from '../domain/access';
import { businessTimeBetween } from '../domain/calendar';
import { ticketTimes } from '../domain/ticket-times';
import { figuresOfTally } from '../domain/figure-tally';
import {
  byGroupKey,
  computeFigures,
  figureFilterNames,
  figuresByGroup,
  operatorMoves,
  LONGEST_PERIOD_DAYS,
  LONGEST_TICKET_LIST,
  type DrillableFigure,
  type FigureFilters,
  type FigureGrouping,
  type Period,
} from '../domain/figures';
import { figureSeries, LONGEST_SERIES, seriesBuckets, seriesOf, type SeriesInterval } from '../domain/figure-series';
import { flatten } from '../domain/figure-tables';
import {
  figureCalendars,
  figureTicketList,
  figureTickets,
  latestEventId,
  openTicketsAt,
  operatorLoads,
  operatorMovesIn,
  queueLines,
  ticketsBehindIds,
  type FigureRecord,
  type FigureRow,
} from '../repositories/figures';
import { figureTally } from '../repositories/figure-tally';
import { DeskError } from './errors';

const DAY_MS = 86_400_000;

export type FigureQuery = { from: string; to: string } & FigureFilters;

function periodOf(query: { from: string; to: string }): Period {
  const from = new Date(query.from);
  const to = new Date(query.to);
  // The schema's date-time format lets a leap second (23:59:60) through, which Date cannot hold.
  for (const [name, at] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (Number.isNaN(at.getTime())) throw new DeskError('VALIDATION', `querystring.${name} is not a usable date-time`);
  }
  if (to <= from) throw new DeskError('VALIDATION', 'querystring.to must be after querystring.from');
  if (to.getTime() - from.getTime() > LONGEST_PERIOD_DAYS * DAY_MS) {
    throw new DeskError('VALIDATION', `querystring.to: the period may be at most ${LONGEST_PERIOD_DAYS} days`);
  }
  return { from, to };
}

const filtersOf = (query: FigureFilters): FigureFilters =>
  Object.fromEntries(figureFilterNames.flatMap((name) => (query[name] === undefined ? [] : [[name, query[name]]])));

/**
 * The tickets with their business times: as kept on the ticket (migration 0021), else counted here
 * on the team's calendar now — the first response of those accepted in the period, the resolution
 * times of those resolved in it (from their events).
 */
async function withBusinessTimes(db: Database, records: FigureRecord[], period: Period): Promise<FigureRow[]> {
  const older = records.some(
    (r) => (r.storedFirstResponseBusinessMs === null && r.acceptedAt !== null) || r.timeEvents !== null,
  );
  const [calendars, queues] = older
    ? await Promise.all([figureCalendars(db, period.from), queueLines(db)])
    : [undefined, undefined];
  return records.map(({ calendarId, timeEvents, storedFirstResponseBusinessMs, storedTimes, ...ticket }) => {
    const calendarOf = () => {
      const calendar = calendars!.byId.get(calendarId ?? calendars!.defaultId ?? -1);
      if (!calendar) throw new Error(`the calendar of ticket ${ticket.id} is missing`);
      return calendar;
    };
    const acceptedInPeriod =
      ticket.acceptedAt !== null && ticket.acceptedAt >= period.from && ticket.acceptedAt < period.to;
    return {
      ...ticket,
      firstResponseBusinessMs: !acceptedInPeriod
        ? null
        : (storedFirstResponseBusinessMs ?? businessTimeBetween(calendarOf(), ticket.registeredAt, ticket.acceptedAt!)),
      times:
        ticket.resolvedAt === null
          ? null
          : (storedTimes ??
            (timeEvents
              ? ticketTimes({
                  registeredAt: ticket.registeredAt,
                  resolvedAt: ticket.resolvedAt,
                  events: timeEvents,
                  queues: queues!,
                  calendar: calendarOf(),
                })
              : null)),
    };
  });
}

interface FigureParts {
  groupBy: FigureGrouping | undefined;
  buckets: Period[] | undefined;
  openAtStart: number;
  now: Date;
}

/**
 * The figures counted in PostgreSQL; null when a ticket of the period keeps no business times
 * (test/figure-tally.test.ts holds the two ways equal).
 */
export async function talliedFigures(
  db: Database,
  period: Period,
  filters: FigureFilters,
  { groupBy, buckets, openAtStart, now }: FigureParts,
) {
  const tally = await figureTally(db, period, filters, { groupBy, starts: buckets?.map((b) => b.from), now });
  if (tally === null) return null;
  return {
    total: figuresOfTally(tally.total),
    groups: groupBy
      ? [...tally.groups.entries()]
          .sort(([a], [b]) => byGroupKey(a, b))
          .map(([group, counted]) => ({ group, figures: figuresOfTally(counted) }))
      : undefined,
    series: buckets
      ? seriesOf(
          buckets,
          tally.intervals.map(figuresOfTally),
          tally.intervals.map((t) => t.done),
          openAtStart,
        )
      : undefined,
  };
}

/** The figures over every ticket of the period, some of whose business times are walked here from their events. */
export async function walkedFigures(
  db: Database,
  period: Period,
  filters: FigureFilters,
  { groupBy, buckets, openAtStart, now }: FigureParts,
) {
  const tickets = await withBusinessTimes(db, await figureTickets(db, period, filters), period);
  return {
    total: computeFigures(tickets, period, now),
    groups: groupBy ? figuresByGroup(tickets, (t: FigureRow) => t[groupBy], period, now) : undefined,
    series: buckets ? figureSeries(tickets, buckets, openAtStart, now) : undefined,
  };
}

/**
 * Managers' figures over a period, for the whole desk, per group and per interval, in the desk's
 * time zone (DESK_TIME_ZONE); and the tickets behind each count.
 */
export function createFigureService({
  db,
  timeZone = 'Europe/Moscow',
  now = () => new Date(),
}: {
  db: Database;
  timeZone?: string;
  now?: () => Date;
}) {
  return {
    timeZone,

    /** Checks a period to watch, for the live stream. */
    watchedPeriod: (query: { from: string; to: string }) => periodOf(query),

    /** Changes when the record does (the live stream tells pages to read their figures again). */
    version: () => latestEventId(db),

    async figures(query: FigureQuery & { groupBy?: FigureGrouping; interval?: SeriesInterval }) {
      const period = periodOf(query);
      const filters = filtersOf(query);
      const buckets = query.interval ? seriesBuckets(period, query.interval, timeZone) : undefined;
      if (buckets && buckets.length > LONGEST_SERIES)
        throw new DeskError('VALIDATION', `querystring.interval: at most ${LONGEST_SERIES} intervals`);
      const at = now();
      const groupBy = query.groupBy;
      const openAtStart = buckets ? await openTicketsAt(db, period.from, filters) : 0;
      const parts = { groupBy, buckets, openAtStart, now: at };
      const counted =
        (await talliedFigures(db, period, filters, parts)) ?? (await walkedFigures(db, period, filters, parts));
      let groups = counted.groups;
      if (groups && groupBy === 'operator') {
        // Load now beside the figures: held (the backlog), offers open to them, against their limit.
        const loads = await operatorLoads(db, at);
        groups = groups.map((g) => {
          const load = g.group === null ? undefined : loads.get(g.group);
          return load ? { ...g, load: { held: g.figures.backlog, ...load } } : g;
        });
      }
      return {
        from: period.from.toISOString(),
        to: period.to.toISOString(),
        now: at.toISOString(),
        timeZone,
        filters,
        total: counted.total,
        ...(groupBy ? { groupBy, groups } : {}),
        ...(groupBy === 'operator' ? { operatorMoves: operatorMoves(await operatorMovesIn(db, period, filters)) } : {}),
        ...(buckets ? { interval: query.interval, series: counted.series } : {}),
      };
    },

    /** The tickets behind a count; subject and client for managers only (blind queues), as the process listing. */
    async ticketsBehind(viewer: Pick<Actor, 'role'>, query: FigureQuery & { figure: DrillableFigure; limit?: number }) {
      const period = periodOf(query);
      const filters = filtersOf(query);
      // One by one, tickets filtered by client category would tell an operator whose a blind ticket is.
      if (filters.clientCategory !== undefined && !isManager(viewer))
        throw new DeskError(
          'NOT_PERMITTED',
          'querystring.clientCategory: only managers may list the tickets behind a figure by client category',
        );
      const limit = Math.min(query.limit ?? 100, LONGEST_TICKET_LIST);
      const { total, ids } = await ticketsBehindIds(db, query.figure, period, filters, limit);
      return { figure: query.figure, total, tickets: await figureTicketList(db, ids, isManager(viewer)) };
    },

    /** One of the figures' tables as flat rows (CSV): bounded by the groups, the intervals or LONGEST_TICKET_LIST. */
    async table(
      viewer: Pick<Actor, 'role'>,
      query: FigureQuery & {
        table: 'total' | 'groups' | 'series' | 'overdue' | 'lines' | 'moves' | 'tickets';
        groupBy?: FigureGrouping;
        interval?: SeriesInterval;
        figure?: DrillableFigure;
      },
    ): Promise<Record<string, string | number | boolean | null | undefined>[]> {
      const { table, groupBy, interval, figure, ...rest } = query;
      if (table === 'tickets') {
        if (!figure) throw new DeskError('VALIDATION', 'querystring.figure is required for table=tickets');
        return (await this.ticketsBehind(viewer, { ...rest, figure, limit: LONGEST_TICKET_LIST })).tickets.map((t) =>
          flatten({ ...t }),
        );
      }
      if (table === 'groups' && !groupBy)
        throw new DeskError('VALIDATION', 'querystring.groupBy is required for table=groups');
      if (table === 'series' && !interval)
        throw new DeskError('VALIDATION', 'querystring.interval is required for table=series');
      if (table === 'moves') {
        // Skip reasons are a list: one column of "reason: count" pairs.
        const { operatorMoves: moves } = await this.figures({ ...rest, groupBy: 'operator' });
        return moves!.map(({ skipReasons, ...row }) => ({
          ...row,
          skipReasons: skipReasons.map((r) => `${r.reason ?? '—'}: ${r.count}`).join('; '),
        }));
      }
      const report = await this.figures({ ...rest, groupBy, interval });
      if (table === 'total') return [flatten(report.total)];
      if (table === 'overdue') return report.total.overdueByReason.map((r) => ({ ...r }));
      if (table === 'lines') return report.total.perSupportLineBusiness.map((l) => ({ ...l }));
      if (table === 'groups') return report.groups!.map((g) => flatten({ [groupBy!]: g.group, ...g.figures }));
      return report.series!.map((bucket) => flatten(bucket));
    },
  };
}

export type FigureService = ReturnType<typeof createFigureService>;
