import { sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { ticketFilters, type TicketFilters } from './process-stats';
import type { TicketSummary } from './tickets';

/** A ticket's summary, and its contents only for those who may see them. */
export interface TicketAtElement extends TicketSummary {
  /** When the ticket's latest event (the one that put it here) happened. */
  since: string;
  subject?: string;
  clientName?: string | null;
}

/** The open tickets now at an element of a process, longest there first; subject and client only when `withDetails`. */
export async function ticketsAtElement(
  db: Database,
  processId: string,
  elementId: string,
  query: TicketFilters,
  options: { withDetails: boolean; limit: number },
): Promise<TicketAtElement[]> {
  const rows = await db.execute<{
    id: string | number;
    stage: string;
    channel: string;
    category: string | null;
    priority: string | null;
    queueId: number | null;
    assigneeId: string | null;
    createdAt: Date | string;
    since: Date | string;
    subject: string;
    clientName: string | null;
  }>(sql`
    select t.id, t.stage, t.channel, t.category, t.priority, t.queue_id as "queueId", t.assignee_id as "assigneeId",
           t.created_at as "createdAt", last.at as "since", t.subject, c.name as "clientName"
    from tickets t
    join clients c on c.id = t.client_id
    join ticket_element_visits v on v.ticket_id = t.id and v.process_id = ${processId} and v.left_at is null and v.element_id = ${elementId}
    cross join lateral (
      select e.at from ticket_events e where e.ticket_id = t.id and e.process_id = ${processId} order by e.at desc, e.id desc limit 1
    ) last
    where t.stage <> 'closed' and ${ticketFilters(query)}
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
