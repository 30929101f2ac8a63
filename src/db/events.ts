import { and, eq } from 'drizzle-orm';
import type { Database } from './client';
import { processOfElement } from '../domain/process';
import type { TicketEventRecord } from '../domain/ticket-events';
import { ticketEvents } from './schema';

export type { TicketEventRecord };

type Executor = Pick<Database, 'insert'>;

export async function recordTicketEvent(db: Executor, event: TicketEventRecord): Promise<void> {
  await recordTicketEvents(db, [event]);
}

/** Several steps in one statement (one round trip), in the order given; each in the process its element belongs to. */
export async function recordTicketEvents(db: Executor, events: TicketEventRecord[]): Promise<void> {
  if (events.length === 0) return;
  await db
    .insert(ticketEvents)
    .values(
      events.map((event) => ({
        ...event,
        processId: processOfElement(event.elementId),
        actor: event.actor ?? null,
        data: event.data ?? {},
      })),
    )
    .onConflictDoNothing({ target: [ticketEvents.ticketId, ticketEvents.dedupeKey] });
}

/** The recorded step of a ticket with this key, if any: a retry answers as the first attempt did. */
export async function recordedEvent(db: Pick<Database, 'select'>, ticketId: number, dedupeKey: string) {
  const [event] = await db
    .select({ at: ticketEvents.at, data: ticketEvents.data })
    .from(ticketEvents)
    .where(and(eq(ticketEvents.ticketId, ticketId), eq(ticketEvents.dedupeKey, dedupeKey)));
  return event;
}
