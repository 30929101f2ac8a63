import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import type { Database } from '../../src/db/client';
import { catalogServices, tickets } from '../../src/db/schema';

/** The call-back ticket a missed call filed, once it is queued: its channel, subject, service and response deadline. */
export async function queuedCallBackTicket(db: Database, ticketId: number) {
  await expect
    .poll(async () => (await db.select().from(tickets).where(eq(tickets.id, ticketId)))[0]?.stage, {
      timeout: 15_000,
    })
    .toBe('queued');
  const [filed] = await db
    .select({
      channel: tickets.channel,
      subject: tickets.subject,
      service: catalogServices.code,
      dueAt: tickets.responseDueAt,
    })
    .from(tickets)
    .innerJoin(catalogServices, eq(catalogServices.id, tickets.serviceId))
    .where(eq(tickets.id, ticketId));
  return filed!;
}
