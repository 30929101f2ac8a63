import { ticketStateColumns } from './breach-audit';
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Database } from '../db/client';
import { ticketEvents, tickets } from '../db/schema';
import { businessTimeBetween, type BusinessCalendar } from '../domain/calendar';
import { ticketTimes, timeEventActions } from '../domain/ticket-times';
import { teamCalendarOfTicket } from './calendars';
import { queueLines } from './figures';

type Executor = Pick<Database, 'select' | 'update'>;

/**
 * The managers' business times kept on the ticket as it moves, so the figures of a period read a
 * column instead of walking every ticket's events (GET /figures walks them only for tickets older
 * than migration 0021). On the servicing team's calendar at the moment written; a retry writes the same.
 */
/** Registration to acceptance on the team's calendar (the accept's), written with each accept. */
export async function writeFirstResponseBusiness(
  tx: Executor,
  ticketId: number,
  calendar: BusinessCalendar,
): Promise<void> {
  const [row] = await tx
    .select({ registeredAt: tickets.createdAt, acceptedAt: tickets.acceptedAt })
    .from(tickets)
    .where(eq(tickets.id, ticketId));
  if (!row?.acceptedAt) return;
  await tx
    .update(tickets)
    .set({ firstResponseBusinessMs: businessTimeBetween(calendar, row.registeredAt, row.acceptedAt) })
    .where(eq(tickets.id, ticketId));
}

/** The resolution's times from the ticket's events, written after the resolution and its event are. */
export async function writeResolutionTimes(tx: Executor, ticketId: number): Promise<void> {
  const [row] = await tx
    .select({ registeredAt: tickets.createdAt, resolvedAt: tickets.resolvedAt })
    .from(tickets)
    .where(eq(tickets.id, ticketId));
  if (!row?.resolvedAt) return;
  const [events, queues, calendar] = await Promise.all([
    tx
      .select(ticketStateColumns)
      .from(ticketEvents)
      .where(and(eq(ticketEvents.ticketId, ticketId), inArray(ticketEvents.action, [...timeEventActions])))
      .orderBy(asc(ticketEvents.at), asc(ticketEvents.id)),
    queueLines(tx),
    teamCalendarOfTicket(tx, ticketId, row.resolvedAt),
  ]);
  const times = ticketTimes({ registeredAt: row.registeredAt, resolvedAt: row.resolvedAt, events, queues, calendar });
  await tx.update(tickets).set({ businessTimes: times }).where(eq(tickets.id, ticketId));
}
