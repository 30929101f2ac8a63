import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client';
import { businessCalendars, queues } from '../db/schema';
import type { BusinessCalendar } from '../domain/calendar';
import {
  backlogStages,
  type DrillableFigure,
  type EscalationLevel,
  type FigureFilters,
  type FigureTicket,
  type OperatorMove,
  type Period,
} from '../domain/figures';
import type { IntakeChannel } from '../domain/enums';
import { TicketElement, type TicketStage } from '../domain/process';
import { timeEventActions, type TicketTimes, type TimeEvent } from '../domain/ticket-times';
import { DEFAULT_CALENDAR_CODE, toBusinessCalendar } from './calendars';

/** A ticket as the figures read it, with the keys it may be grouped by. */
export interface FigureRow extends FigureTicket {
  id: number;
  queue: string | null;
  category: string | null;
  clientCategory: string | null;
  supportLine: string | null;
  operator: string | null;
  service: string | null;
}

/**
 * A ticket as stored: its business times as kept on it (migration 0021), and for an older ticket
 * what they are counted from: its team's calendar and, resolved in the period, the events that move it.
 */
export type FigureRecord = Omit<FigureRow, 'firstResponseBusinessMs' | 'times'> & {
  storedFirstResponseBusinessMs: number | null;
  storedTimes: TicketTimes | null;
  /** The servicing team's calendar (its queue's group's); null: the desk's default. */
  calendarId: number | null;
  /** Resolved in the period (and asked for) with no times stored: its events that move it, oldest first; else null. */
  timeEvents: TimeEvent[] | null;
};

/** The events the business-time figures walk (ticketStates): where the ticket was, who held it, pauses, resolutions. */
const TIME_ACTIONS = sql`(${sql.join(
  timeEventActions.map((action) => sql`${action}`),
  sql`, `,
)})`;

const date = (v: Date | string | null) => (v === null ? null : new Date(v));
/** An instant in whole milliseconds, as the API's Date holds it (truncated: PostgreSQL keeps microseconds). */
export const wholeMs = (column: SQL) => sql`floor(extract(epoch from ${column}) * 1000)`;
export const instant = (at: Date) => sql`${at.toISOString()}::timestamptz`;

/** The filters as SQL over `t` (tickets), `q` (queues), `c` (clients), `s` (catalog_services). */
export function filterClause(filters: FigureFilters): SQL {
  const parts: SQL[] = [sql`true`];
  if (filters.queue !== undefined) parts.push(sql`q.code = ${filters.queue}`);
  if (filters.category !== undefined) parts.push(sql`t.category = ${filters.category}`);
  if (filters.clientCategory !== undefined) parts.push(sql`c.category = ${filters.clientCategory}`);
  if (filters.channel !== undefined) parts.push(sql`t.channel = ${filters.channel}`);
  if (filters.supportLine !== undefined) parts.push(sql`t.support_line = ${filters.supportLine}`);
  if (filters.operator !== undefined) parts.push(sql`t.assignee_id = ${filters.operator}`);
  if (filters.service !== undefined) parts.push(sql`s.code = ${filters.service}`);
  return sql.join(parts, sql` and `);
}

/**
 * What the filters and groupings may read beside the ticket. All left joins, so PostgreSQL leaves
 * out those a query does not read; the client's is one for every ticket (client_id: not null, a
 * foreign key), so left or inner is the same rows.
 */
export const joins = sql`
    left join queues q on q.id = t.queue_id
    left join clients c on c.id = t.client_id
    left join catalog_services s on s.id = t.service_id`;

/** The query of figureTickets, apart so its plan can be checked (test/figures.test.ts). */
export function figureTicketsSql(period: Period, filters: FigureFilters = {}, withTimes = true): SQL {
  const from = instant(period.from);
  const to = instant(period.to);
  return sql`
    with touched as (
      select id from tickets where stage <> 'closed'
      union select id from tickets where created_at >= ${from} and created_at < ${to}
      union select id from tickets where accepted_at >= ${from} and accepted_at < ${to}
      union select id from tickets where resolved_at >= ${from} and resolved_at < ${to}
      union select id from tickets where closed_at >= ${from} and closed_at < ${to}
      union select ticket_id from ticket_events
        where action in ('reopened', 'sla_escalated') and at >= ${from} and at < ${to}
    )
    select t.id, t.created_at as "registeredAt", t.accepted_at as "acceptedAt", t.resolved_at as "resolvedAt",
           t.closed_at as "closedAt", t.resolution_due_at as "resolutionDueAt", t.stage, t.channel, t.csat,
           t.overdue_reason as "overdueReason", q.code as queue, t.category, c.category as "clientCategory",
           t.support_line as "supportLine", t.assignee_id as operator, s.code as service,
           t.nps, t.solved_line as "solvedLine", r.reopenings, r.handoffs, x.escalations,
           g.calendar_id as "calendarId", round(t.quoted_norm_hours * 60)::int as "normMinutes",
           (select coalesce(sum(w.minutes), 0)::int from ticket_work_entries w where w.ticket_id = t.id) as "workMinutes",
           t.first_response_business_ms as "firstResponseBusinessMs", t.business_times as "businessTimes",
           case when ${withTimes ? sql`true` : sql`false`} and t.business_times is null
                 and t.resolved_at >= ${from} and t.resolved_at < ${to}
             then coalesce(m.moves, '[]'::json) end as moves
    from touched
    join tickets t on t.id = touched.id
    ${joins}
    left join operator_groups g on g.id = q.group_id
    left join lateral (
      select json_agg(json_build_object('at', e.at, 'processId', e.process_id, 'elementId', e.element_id,
               'action', e.action, 'actor', e.actor,
               'data', jsonb_strip_nulls(jsonb_build_object('supportLine', e.data->'supportLine', 'queue', e.data->'queue',
                 'to', e.data->'to', 'toQueue', e.data->'toQueue', 'moved', e.data->'moved', 'toLine', e.data->'toLine')))
             order by e.at, e.id) as moves
      from ticket_events e
      where ${withTimes ? sql`true` : sql`false`} and t.business_times is null
        and t.resolved_at >= ${from} and t.resolved_at < ${to}
        and e.ticket_id = t.id and e.action in ${TIME_ACTIONS}
    ) m on true
    left join lateral (
      select json_agg(e.at order by e.at) filter (where e.action = 'reopened') as reopenings,
             count(*) filter (where e.action <> 'reopened') as handoffs
      from ticket_events e
      where e.ticket_id = t.id
        and e.action in ('reopened', 'sla_escalated', 'reassigned', 'returned_to_queue', 'transferred')
    ) r on true
    left join lateral (
      select json_agg(json_build_object('at', e.at, 'level', (e.data->>'level')::int)) as escalations
      from ticket_events e where e.ticket_id = t.id and e.action = 'sla_escalated' and e.at >= ${from} and e.at < ${to}
    ) x on true
    where ${filterClause(filters)}
`;
}

/**
 * The tickets any figure of the period reads: registered, accepted, resolved, closed, reopened or
 * escalated in it, and every open one (the backlog is as of now), narrowed by the filters.
 * Each condition is a range of one index (migration 0014), the open ones a partial index.
 * Reopenings and escalations come from the durable record (ticket_events), the rest from the ticket row.
 * Read only when a ticket of the period keeps no business times (else figureTally counts the figures in SQL).
 */
export async function figureTickets(
  db: Database,
  period: Period,
  filters: FigureFilters = {},
  { withTimes = true } = {},
): Promise<FigureRecord[]> {
  const rows = await db.execute<{
    id: number | string;
    registeredAt: Date | string;
    acceptedAt: Date | string | null;
    resolvedAt: Date | string | null;
    closedAt: Date | string | null;
    resolutionDueAt: Date | string | null;
    stage: TicketStage;
    channel: IntakeChannel;
    csat: number | null;
    overdueReason: string | null;
    queue: string | null;
    category: string | null;
    clientCategory: string | null;
    supportLine: number;
    operator: string | null;
    service: string | null;
    reopenings: string[] | null;
    nps: number | null;
    solvedLine: number | null;
    handoffs: number | string;
    escalations: { at: string; level: number | null }[] | null;
    calendarId: number | null;
    normMinutes: number | null;
    workMinutes: number;
    firstResponseBusinessMs: number | string | null;
    businessTimes: TicketTimes | null;
    moves: (Omit<TimeEvent, 'at'> & { at: string })[] | null;
  }>(figureTicketsSql(period, filters, withTimes));
  return [...rows].map((r) => ({
    id: Number(r.id),
    registeredAt: new Date(r.registeredAt),
    acceptedAt: date(r.acceptedAt),
    resolvedAt: date(r.resolvedAt),
    closedAt: date(r.closedAt),
    resolutionDueAt: date(r.resolutionDueAt),
    stage: r.stage,
    channel: r.channel,
    csat: r.csat,
    overdueReason: r.overdueReason,
    queue: r.queue,
    category: r.category,
    clientCategory: r.clientCategory,
    supportLine: String(r.supportLine),
    operator: r.operator,
    service: r.service,
    reopenings: (r.reopenings ?? []).map((at) => new Date(at)),
    nps: r.nps,
    solvedLine: r.solvedLine,
    handedOn: Number(r.handoffs) > 0,
    escalations: (r.escalations ?? []).map((e) => ({
      at: new Date(e.at),
      level: (e.level === null ? 'manual' : `level${Math.min(3, Math.max(1, e.level))}`) as EscalationLevel,
    })),
    storedFirstResponseBusinessMs: r.firstResponseBusinessMs === null ? null : Number(r.firstResponseBusinessMs),
    storedTimes: r.businessTimes,
    calendarId: r.calendarId,
    normMinutes: r.normMinutes,
    workMinutes: r.workMinutes,
    timeEvents: r.moves === null ? null : r.moves.map((e) => ({ ...e, at: new Date(e.at) })),
  }));
}

/** Every business calendar by id, holidays for the years around `at`, and which is the desk's default. */
export async function figureCalendars(
  db: Database,
  at: Date,
): Promise<{ byId: Map<number, BusinessCalendar>; defaultId: number | null }> {
  const rows = await db.select().from(businessCalendars);
  return {
    byId: new Map(rows.map((row) => [row.id, toBusinessCalendar(row, at)])),
    defaultId: rows.find((row) => row.code === DEFAULT_CALENDAR_CODE)?.id ?? null,
  };
}

/** Each queue's support line, by code: a transfer names the queue it went to. */
export async function queueLines(db: Pick<Database, 'select'>): Promise<Map<string, { supportLine: number }>> {
  const rows = await db.select({ code: queues.code, supportLine: queues.supportLine }).from(queues);
  return new Map(rows.map((q) => [q.code, { supportLine: q.supportLine }]));
}

/** Tickets open at an instant: registered before it, neither resolved (latest resolution) nor closed before it (a range of tickets_done_idx). */
export async function openTicketsAt(db: Database, at: Date, filters: FigureFilters = {}): Promise<number> {
  const [row] = await db.execute<{ open: number | string }>(sql`
    select count(*) as open from tickets t ${joins}
    where t.created_at < ${instant(at)} and coalesce(t.resolved_at, t.closed_at, 'infinity') >= ${instant(at)}
      and ${filterClause(filters)}`);
  return Number(row!.open);
}

/**
 * The tickets behind a count (isBehind's rules, as SQL): how many, and the first `limit` ids in order.
 * Each figure is one range of an index, as figureTickets reads the period.
 */
export async function ticketsBehindIds(
  db: Database,
  figure: DrillableFigure,
  period: Period,
  filters: FigureFilters,
  limit: number,
): Promise<{ total: number; ids: number[] }> {
  const from = instant(period.from);
  const to = instant(period.to);
  const range = (column: SQL) => sql`${column} >= ${from} and ${column} < ${to}`;
  const eventIn = (action: 'reopened' | 'sla_escalated') => sql`t.id in (
      select e.ticket_id from ticket_events e
      where e.action in ('reopened', 'sla_escalated') and e.action = ${action} and ${range(sql`e.at`)})`;
  const backlog = sql`(${sql.join(
    backlogStages.map((stage) => sql`${stage}`),
    sql`, `,
  )})`;
  const behind: Record<DrillableFigure, SQL> = {
    registered: range(sql`t.created_at`),
    accepted: range(sql`t.accepted_at`),
    resolved: range(sql`t.resolved_at`),
    closed: range(sql`t.closed_at`),
    reopened: eventIn('reopened'),
    backlog: sql`t.stage <> 'closed' and t.stage in ${backlog}`,
    escalated: eventIn('sla_escalated'),
    overdue: sql`${range(sql`t.resolved_at`)} and t.resolution_due_at is not null
                 and ${wholeMs(sql`t.resolved_at`)} > ${wholeMs(sql`t.resolution_due_at`)}`,
  };
  const where = sql`${behind[figure]} and ${filterClause(filters)}`;
  const [[count], rows] = await Promise.all([
    db.execute<{ total: number }>(sql`select count(*)::int as total from tickets t ${joins} where ${where}`),
    db.execute<{ id: number | string }>(
      sql`select t.id from tickets t ${joins} where ${where} order by t.id limit ${limit}`,
    ),
  ]);
  return { total: count!.total, ids: [...rows].map((r) => Number(r.id)) };
}

export interface FigureTicketListed {
  id: number;
  stage: TicketStage;
  channel: IntakeChannel;
  category: string | null;
  queue: string | null;
  assigneeId: string | null;
  supportLine: number;
  createdAt: string;
  resolvedAt: string | null;
  subject?: string;
  clientName?: string | null;
}

/** The given tickets in id order; subject and client only `withDetails`. */
export async function figureTicketList(
  db: Database,
  ids: readonly number[],
  withDetails: boolean,
): Promise<FigureTicketListed[]> {
  if (ids.length === 0) return [];
  const rows = await db.execute<{
    id: number | string;
    stage: TicketStage;
    channel: IntakeChannel;
    category: string | null;
    queue: string | null;
    assigneeId: string | null;
    supportLine: number;
    createdAt: Date | string;
    resolvedAt: Date | string | null;
    subject: string;
    clientName: string | null;
  }>(sql`
    select t.id, t.stage, t.channel, t.category, q.code as queue, t.assignee_id as "assigneeId",
           t.support_line as "supportLine", t.created_at as "createdAt", t.resolved_at as "resolvedAt",
           t.subject, c.name as "clientName"
    from tickets t ${joins}
    where t.id = any(${`{${ids.join(',')}}`}::bigint[])
    order by t.id`);
  return [...rows].map((r) => ({
    id: Number(r.id),
    stage: r.stage,
    channel: r.channel,
    category: r.category,
    queue: r.queue,
    assigneeId: r.assigneeId,
    supportLine: r.supportLine,
    createdAt: new Date(r.createdAt).toISOString(),
    resolvedAt: r.resolvedAt === null ? null : new Date(r.resolvedAt).toISOString(),
    ...(withDetails ? { subject: r.subject, clientName: r.clientName } : {}),
  }));
}

/** The latest event of the durable record: every change a figure can see writes one (read from the primary key). */
export async function latestEventId(db: Database): Promise<number> {
  const [row] = await db.execute<{ id: number | string | null }>(sql`select max(id) as id from ticket_events`);
  return Number(row!.id ?? 0);
}

/**
 * Each operator's ticket limit and the offers open to them now (the queue's `next`), by operator id.
 * The open offers counted in one read of the open tickets (tickets_open_idx), not one per operator.
 */
export async function operatorLoads(db: Database, at: Date): Promise<Map<string, { limit: number; offered: number }>> {
  const rows = await db.execute<{ id: string; limit: number; offered: number | string }>(sql`
    select o.id, o.ticket_limit as "limit", coalesce(f.offered, 0) as offered
    from operators o
    left join (select t.offered_to, count(*) as offered from tickets t
               where t.stage <> 'closed' and t.stage = 'queued' and t.offer_expires_at > ${instant(at)}
               group by t.offered_to) f on f.offered_to = o.id`);
  return new Map([...rows].map((r) => [r.id, { limit: r.limit, offered: Number(r.offered) }]));
}

/**
 * Skips, reassignments, returns to the queue and transfers recorded in the period, each with the
 * operator it was of (the skipper; the holder the ticket was taken from; a transfer's holder, else
 * who made it). Two ranges of ticket_events_element_at_idx: the queue and accept elements these are at.
 */
export async function operatorMovesIn(
  db: Database,
  period: Period,
  filters: FigureFilters = {},
): Promise<OperatorMove[]> {
  const rows = await db.execute<{ action: OperatorMove['action']; operator: string | null; reason: string | null }>(sql`
    select e.action,
           case e.action when 'skipped' then e.actor
                         when 'transferred' then coalesce(e.data->>'fromAssignee', e.actor)
                         else e.data->>'from' end as operator,
           e.data->>'reason' as reason
    from ticket_events e
    join tickets t on t.id = e.ticket_id
    ${joins}
    where e.element_id in (${TicketElement.queue}, ${TicketElement.accept}) and e.at >= ${instant(period.from)} and e.at < ${instant(period.to)}
      and e.action in ('skipped', 'reassigned', 'returned_to_queue', 'transferred')
      and ${filterClause(filters)}`);
  return [...rows];
}
