import { count, inArray, min, ne, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { outbox, ticketEvents, tickets } from '../db/schema';

/** Read at every scrape: one grouped count each, so a scrape costs a few index scans. */

export async function countTicketsByStage(db: Database): Promise<{ stage: string; tickets: number }[]> {
  return db.select({ stage: tickets.stage, tickets: count() }).from(tickets).groupBy(tickets.stage);
}

/** Messages not sent yet per channel, and how long the oldest of them has waited. */
export async function outboxBacklog(
  db: Database,
): Promise<{ channel: string; unsent: number; oldestAgeSeconds: number | null }[]> {
  const rows = await db
    .select({
      channel: outbox.channel,
      unsent: count(),
      oldestAgeSeconds: sql<string | null>`extract(epoch from now() - ${min(outbox.createdAt)})`,
    })
    .from(outbox)
    .where(ne(outbox.status, 'sent'))
    .groupBy(outbox.channel);
  return rows.map((row) => ({
    ...row,
    oldestAgeSeconds: row.oldestAgeSeconds === null ? null : Number(row.oldestAgeSeconds),
  }));
}

/**
 * SLA warnings and breaches on the record. Each target's warning and breach is one event row
 * (its dedupe key), however many workers or retries recorded it: counted here, they stay
 * exact across processes and restarts. By action, not element: some are recorded elsewhere than
 * the diagram's breach element (the full suite found them). No index on action yet: a scan per scrape.
 */
export async function countSlaAlerts(db: Database): Promise<{ warnings: number; breaches: number }> {
  const rows = await db
    .select({ action: ticketEvents.action, events: count() })
    .from(ticketEvents)
    .where(inArray(ticketEvents.action, ['sla_warned', 'sla_breached']))
    .groupBy(ticketEvents.action);
  const of = (action: string) => rows.find((row) => row.action === action)?.events ?? 0;
  return { warnings: of('sla_warned'), breaches: of('sla_breached') };
}

export async function pingDatabase(db: Database): Promise<void> {
  await db.execute(sql`select 1`);
}
