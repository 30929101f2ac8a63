import { sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import type { FigureTicket, Period } from '../domain/figures';
import type { IntakeChannel } from '../domain/enums';
import type { TicketStage } from '../domain/process';

/** A ticket as the figures read it, with the keys it may be grouped by. */
export interface FigureRow extends FigureTicket {
  queue: string | null;
  category: string | null;
  operator: string | null;
}

const date = (v: Date | string | null) => (v === null ? null : new Date(v));

/**
 * The tickets any figure of the period reads: registered, accepted, resolved, closed or reopened
 * in it, and every open one (the backlog is as of now). Reopenings come from the durable record
 * (ticket_events), the rest from the ticket row.
 */
export async function figureTickets(db: Database, period: Period): Promise<FigureRow[]> {
  const from = sql`${period.from.toISOString()}::timestamptz`;
  const to = sql`${period.to.toISOString()}::timestamptz`;
  const rows = await db.execute<{
    registeredAt: Date | string;
    acceptedAt: Date | string | null;
    resolvedAt: Date | string | null;
    closedAt: Date | string | null;
    resolutionDueAt: Date | string | null;
    stage: TicketStage;
    channel: IntakeChannel;
    csat: number | null;
    queue: string | null;
    category: string | null;
    operator: string | null;
    reopenedInPeriod: number | string;
    reopenedEver: number | string;
  }>(sql`
    select t.created_at as "registeredAt", t.accepted_at as "acceptedAt", t.resolved_at as "resolvedAt",
           t.closed_at as "closedAt", t.resolution_due_at as "resolutionDueAt", t.stage, t.channel, t.csat,
           q.code as queue, t.category, t.assignee_id as operator,
           coalesce(r.in_period, 0) as "reopenedInPeriod", coalesce(r.ever, 0) as "reopenedEver"
    from tickets t
    left join queues q on q.id = t.queue_id
    left join lateral (
      select count(*) filter (where e.at >= ${from} and e.at < ${to}) as in_period, count(*) as ever
      from ticket_events e where e.ticket_id = t.id and e.action = 'reopened'
    ) r on true
    where t.stage <> 'closed'
       or (t.created_at >= ${from} and t.created_at < ${to})
       or (t.accepted_at >= ${from} and t.accepted_at < ${to})
       or (t.resolved_at >= ${from} and t.resolved_at < ${to})
       or (t.closed_at >= ${from} and t.closed_at < ${to})
       or r.in_period > 0
  `);
  return [...rows].map((r) => ({
    registeredAt: new Date(r.registeredAt),
    acceptedAt: date(r.acceptedAt),
    resolvedAt: date(r.resolvedAt),
    closedAt: date(r.closedAt),
    resolutionDueAt: date(r.resolutionDueAt),
    stage: r.stage,
    channel: r.channel,
    csat: r.csat,
    queue: r.queue,
    category: r.category,
    operator: r.operator,
    reopenedInPeriod: Number(r.reopenedInPeriod),
    reopenedEver: Number(r.reopenedEver),
  }));
}
