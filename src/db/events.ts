import type { Database } from './client';
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
  await db
    .insert(ticketEvents)
    .values({ ...event, actor: event.actor ?? null, data: event.data ?? {} })
    .onConflictDoNothing({ target: [ticketEvents.ticketId, ticketEvents.dedupeKey] });
}
