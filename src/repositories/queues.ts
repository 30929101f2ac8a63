import { and, asc, count, eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { priorityRank, queues, tickets } from '../db/schema';

export async function listQueues(db: Database) {
  const waiting = db
    .select({ queueId: tickets.queueId, waiting: count().as('waiting') })
    .from(tickets)
    .where(eq(tickets.stage, 'queued'))
    .groupBy(tickets.queueId)
    .as('waiting');
  const rows = await db
    .select({
      id: queues.id,
      code: queues.code,
      name: queues.name,
      groupId: queues.groupId,
      categories: queues.categories,
      waiting: waiting.waiting,
    })
    .from(queues)
    .leftJoin(waiting, eq(waiting.queueId, queues.id))
    .orderBy(asc(queues.id));
  return rows.map((r) => ({ ...r, waiting: Number(r.waiting ?? 0) }));
}

/** The ticket's queue (with its code) and holder; undefined when there is no such ticket. */
export async function ticketPlace(db: Database, ticketId: number) {
  const [row] = await db
    .select({ queueId: tickets.queueId, queueCode: queues.code, assigneeId: tickets.assigneeId })
    .from(tickets)
    .leftJoin(queues, eq(queues.id, tickets.queueId))
    .where(eq(tickets.id, ticketId));
  return row;
}

export async function findQueue(db: Database, queueId: number) {
  const [row] = await db.select().from(queues).where(eq(queues.id, queueId));
  return row;
}

/**
 * A queue's waiting tickets by priority, then age (the order of tickets_queue_order_idx), each
 * with its SLA response due time; `next` offers by priority, then that due time. Blind: nothing
 * of the subject, text or client.
 */
export async function listQueuedTickets(db: Database, queueId: number, options: { limit: number; offset: number }) {
  const rows = await db
    .select({
      id: tickets.id,
      stage: tickets.stage,
      category: tickets.category,
      priority: tickets.priority,
      channel: tickets.channel,
      queueId: tickets.queueId,
      ageSeconds: sql<number>`greatest(0, extract(epoch from now() - coalesce(${tickets.queuedAt}, ${tickets.createdAt})))::int`,
      offered: sql<boolean>`coalesce(${tickets.offerExpiresAt} > now(), false)`,
      responseDueAt: tickets.responseDueAt,
    })
    .from(tickets)
    .where(and(eq(tickets.queueId, queueId), eq(tickets.stage, 'queued')))
    .orderBy(priorityRank(tickets.priority), asc(tickets.createdAt), asc(tickets.id))
    .limit(options.limit)
    .offset(options.offset);
  return rows.map(({ responseDueAt, ...row }) => ({
    ...row,
    slaDueAt: responseDueAt ? responseDueAt.toISOString() : null,
  }));
}
