import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client';

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

/**
 * Duration, breaches and escalations per element over a period, from ticket_events alone.
 * The tickets that moved in the period are found by the (at, ticket_id) index; their whole
 * trails are read in order from the (ticket_id, at, id, element_id) index, so a visit that
 * began before the period or ends after it is still measured from its real ends.
 */
export async function elementDurations(db: Database, elementIds: readonly string[], query: ProcessStatsQuery) {
  const from = query.from.toISOString();
  const to = query.to.toISOString();
  const rows = await db.execute<{ elementId: string; visits: number; medianMs: number | null; p90Ms: number | null; breaches: number; escalations: number }>(sql`
    with moved as (
      select distinct e.ticket_id from ticket_events e where e.at >= ${from} and e.at < ${to}
    ),
    scoped as (
      select m.ticket_id from moved m
      join tickets t on t.id = m.ticket_id
      join clients c on c.id = t.client_id
      where ${ticketFilters(query)}
    ),
    marked as (
      select e.ticket_id, e.id, e.at, e.element_id, e.action,
             e.element_id is distinct from lag(e.element_id) over (partition by e.ticket_id order by e.at, e.id) as enters
      from ticket_events e join scoped s on s.ticket_id = e.ticket_id
    ),
    visits as (
      select element_id, at as entered_at, lead(at) over (partition by ticket_id order by at, id) as left_at
      from marked where enters
    ),
    durations as (
      select element_id, count(*)::int as visits,
             percentile_cont(0.5) within group (order by extract(epoch from left_at - entered_at) * 1000) as median_ms,
             percentile_cont(0.9) within group (order by extract(epoch from left_at - entered_at) * 1000) as p90_ms
      from visits
      where entered_at >= ${from} and entered_at < ${to} and element_id = any(${idList(elementIds)})
      group by element_id
    ),
    flagged as (
      select element_id,
             count(*) filter (where action like ${BREACH})::int as breaches,
             count(*) filter (where action like ${ESCALATION})::int as escalations
      from marked
      where at >= ${from} and at < ${to} and (action like ${BREACH} or action like ${ESCALATION}) and element_id = any(${idList(elementIds)})
      group by element_id
    )
    select coalesce(d.element_id, f.element_id) as "elementId",
           coalesce(d.visits, 0) as "visits",
           d.median_ms as "medianMs", d.p90_ms as "p90Ms",
           coalesce(f.breaches, 0) as "breaches", coalesce(f.escalations, 0) as "escalations"
    from durations d full join flagged f on f.element_id = d.element_id
  `);
  return [...rows];
}

/** Open tickets per element they are at now (their latest event), under the same filters. */
export async function ticketsNowPerElement(db: Database, elementIds: readonly string[], query: TicketFilters) {
  const rows = await db.execute<{ elementId: string; now: number }>(sql`
    select last.element_id as "elementId", count(*)::int as "now"
    from tickets t
    join clients c on c.id = t.client_id
    cross join lateral (
      select e.element_id from ticket_events e where e.ticket_id = t.id order by e.at desc, e.id desc limit 1
    ) last
    where t.stage <> 'closed' and ${ticketFilters(query)}
      and last.element_id = any(${idList(elementIds)})
    group by last.element_id
  `);
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

export interface TicketAtElement {
  id: number;
  stage: string;
  channel: string;
  category: string | null;
  priority: string | null;
  queueId: number | null;
  assigneeId: string | null;
  createdAt: string;
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
