import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client';
import type { TicketSummary } from './tickets';

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
  /** Open tickets whose latest event is at this element. */
  now: number;
  /** Visits that began in the period (a visit: consecutive events of a ticket at one element). */
  visits: number;
  /** Over the visits of the period that have ended: from the visit's first event to the ticket's next event elsewhere. */
  medianMs: number | null;
  p90Ms: number | null;
  breaches: number;
  escalations: number;
}

/** Issue 4's SLA and escalation steps record actions named like these (`sla_breached`, `escalated`). */
const BREACH = '%breach%';
const ESCALATION = '%escalat%';

function ticketFilters(query: TicketFilters): SQL {
  const conditions: SQL[] = [sql`true`];
  if (query.queue !== undefined) conditions.push(sql`t.queue_id = (select q.id from queues q where q.code = ${query.queue})`);
  if (query.category !== undefined) conditions.push(sql`t.category = ${query.category}`);
  if (query.clientCategory !== undefined) conditions.push(sql`c.category = ${query.clientCategory}`);
  return sql.join(conditions, sql` and `);
}

const idList = (ids: readonly string[]) => sql`array[${sql.join(ids.map((id) => sql`${id}`), sql`, `)}]::text[]`;

const hasFilters = (query: TicketFilters) => query.queue !== undefined || query.category !== undefined || query.clientCategory !== undefined;

/**
 * Duration, breaches and escalations per element over a period. Durations come from
 * ticket_element_visits (kept by a trigger on ticket_events), read by its (entered_at, …)
 * index alone; tickets and clients are joined only when a filter asks for them. Breaches and
 * escalations come from a partial index of those events.
 */
export function elementDurationsQuery(elementIds: readonly string[], query: ProcessStatsQuery): SQL {
  const from = query.from.toISOString();
  const to = query.to.toISOString();
  const ticketsOf = (alias: string) =>
    hasFilters(query)
      ? sql`join tickets t on t.id = ${sql.raw(alias)}.ticket_id join clients c on c.id = t.client_id where ${ticketFilters(query)} and`
      : sql`where`;
  return sql`
    with durations as (
      select v.element_id, count(*)::int as visits,
             percentile_cont(array[0.5, 0.9]) within group (order by extract(epoch from v.left_at - v.entered_at) * 1000) as pct
      from ticket_element_visits v
      ${ticketsOf('v')} v.entered_at >= ${from} and v.entered_at < ${to} and v.element_id = any(${idList(elementIds)})
      group by v.element_id
    ),
    flagged as (
      select e.element_id,
             count(*) filter (where e.action like ${BREACH})::int as breaches,
             count(*) filter (where e.action like ${ESCALATION})::int as escalations
      from ticket_events e
      ${ticketsOf('e')} e.at >= ${from} and e.at < ${to} and (e.action like '%breach%' or e.action like '%escalat%') and e.element_id = any(${idList(elementIds)})
      group by e.element_id
    )
    select coalesce(d.element_id, f.element_id) as "elementId",
           coalesce(d.visits, 0) as "visits",
           d.pct[1] as "medianMs", d.pct[2] as "p90Ms",
           coalesce(f.breaches, 0) as "breaches", coalesce(f.escalations, 0) as "escalations"
    from durations d full join flagged f on f.element_id = d.element_id
  `;
}

export async function elementDurations(db: Database, elementIds: readonly string[], query: ProcessStatsQuery) {
  const rows = await db.execute<{ elementId: string; visits: number; medianMs: number | null; p90Ms: number | null; breaches: number; escalations: number }>(elementDurationsQuery(elementIds, query));
  return [...rows];
}

/** Open tickets per element they are at now (their latest event in the process), under the same filters. */
export function ticketsNowQuery(elementIds: readonly string[], query: TicketFilters): SQL {
  return sql`
    select last.element_id as "elementId", count(*)::int as "now"
    from tickets t
    join clients c on c.id = t.client_id
    cross join lateral (
      -- The latest step in this process: a ticket's SLA events belong to another diagram.
      select e.element_id from ticket_events e
      where e.ticket_id = t.id and e.element_id = any(${idList(elementIds)})
      order by e.at desc, e.id desc limit 1
    ) last
    where t.stage <> 'closed' and ${ticketFilters(query)}
    group by last.element_id
  `;
}

export async function ticketsNowPerElement(db: Database, elementIds: readonly string[], query: TicketFilters) {
  const rows = await db.execute<{ elementId: string; now: number }>(ticketsNowQuery(elementIds, query));
  return [...rows];
}

/** Every element of the process with its figures; elements nobody visited get zeros. */
export async function elementStatistics(db: Database, elementIds: readonly string[], query: ProcessStatsQuery): Promise<ElementStatistics[]> {
  const [durations, now] = await Promise.all([elementDurations(db, elementIds, query), ticketsNowPerElement(db, elementIds, query)]);
  return elementIds.map((elementId) => {
    const d = durations.find((r) => r.elementId === elementId);
    return {
      elementId,
      now: now.find((r) => r.elementId === elementId)?.now ?? 0,
      visits: d?.visits ?? 0,
      medianMs: d?.medianMs == null ? null : Math.round(Number(d.medianMs)),
      p90Ms: d?.p90Ms == null ? null : Math.round(Number(d.p90Ms)),
      breaches: d?.breaches ?? 0,
      escalations: d?.escalations ?? 0,
    };
  });
}

/** A ticket's summary, and its contents only for those who may see them. */
export interface TicketAtElement extends TicketSummary {
  /** When the ticket's latest event (the one that put it here) happened. */
  since: string;
  subject?: string;
  clientName?: string | null;
}

/** The open tickets now at an element, longest there first; subject and client only when `withDetails`. */
export async function ticketsAtElement(
  db: Database,
  elementId: string,
  query: TicketFilters,
  options: { withDetails: boolean; limit: number },
): Promise<TicketAtElement[]> {
  const rows = await db.execute<{ id: string | number; stage: string; channel: string; category: string | null; priority: string | null; queueId: number | null; assigneeId: string | null; createdAt: Date | string; since: Date | string; subject: string; clientName: string | null }>(sql`
    select t.id, t.stage, t.channel, t.category, t.priority, t.queue_id as "queueId", t.assignee_id as "assigneeId",
           t.created_at as "createdAt", last.at as "since", t.subject, c.name as "clientName"
    from tickets t
    join clients c on c.id = t.client_id
    cross join lateral (
      select e.element_id, e.at from ticket_events e where e.ticket_id = t.id order by e.at desc, e.id desc limit 1
    ) last
    where t.stage <> 'closed' and last.element_id = ${elementId} and ${ticketFilters(query)}
    order by last.at, t.id
    limit ${options.limit}
  `);
  return [...rows].map((r) => ({
    id: Number(r.id),
    stage: r.stage,
    channel: r.channel,
    category: r.category,
    priority: r.priority,
    queueId: r.queueId,
    assigneeId: r.assigneeId,
    createdAt: new Date(r.createdAt).toISOString(),
    since: new Date(r.since).toISOString(),
    ...(options.withDetails ? { subject: r.subject, clientName: r.clientName } : {}),
  }));
}
