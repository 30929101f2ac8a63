import type { Database } from './client';
import { processOfElement } from '../domain/process';
import { ticketEvents } from './schema';

type Executor = Pick<Database, 'insert'>;

export interface TicketEventRecord {
  ticketId: number;
  elementId: string;
  action: string;
  actor?: string | null;
  data?: Record<string, unknown>;
  /** Same key, same step: a retry records nothing new. */
  dedupeKey: string;
  at?: Date;
}

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
