import { and, desc, eq, ne, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { calls, ctiEvents } from '../db/schema';
import type { CallFacts, CtiEvent } from '../domain/calls';
import { clientByContact } from './clients';

/** The channel the API listens on for news of calls; the payload is the call id only. */
export const CALL_NEWS_CHANNEL = 'desk_calls';

/** Stores an event once per call and kind; false when it was stored before (a repeat). */
export async function storeCtiEvent(db: Database, event: CtiEvent, payload: Record<string, unknown>) {
  const rows = await db
    .insert(ctiEvents)
    .values({ callId: event.callId, event: event.event, payload })
    .onConflictDoNothing()
    .returning({ id: ctiEvents.id });
  return rows.length > 0;
}

/**
 * Writes the call as its workflow knows it (whole, so a retry writes the same), links the caller's
 * client by number, and tells the API processes, in the same transaction, that it changed.
 */
export async function recordCall(db: Database, facts: CallFacts): Promise<{ clientId: number | null }> {
  return db.transaction(async (tx) => {
    const client = facts.from ? await clientByContact(tx, { phone: facts.from, email: null }) : undefined;
    const row = {
      fromNumber: facts.from ?? null,
      toNumber: facts.to ?? null,
      direction: facts.direction ?? null,
      clientId: client?.id ?? null,
      diagnostics: facts.diagnostics,
      startedAt: new Date(facts.startedAt),
      answeredAt: facts.answeredAt ? new Date(facts.answeredAt) : null,
      answeredBy: facts.answeredBy ?? null,
      endedAt: facts.endedAt ? new Date(facts.endedAt) : null,
      cause: facts.cause ?? null,
    };
    await tx
      .insert(calls)
      .values({ callId: facts.callId, ...row })
      .onConflictDoUpdate({ target: calls.callId, set: row });
    await tx.execute(sql`select pg_notify(${CALL_NEWS_CHANNEL}, ${facts.callId})`);
    return { clientId: row.clientId };
  });
}

/**
 * The number of the call's one ticket: taken from the ticket sequence the first time, the same
 * afterwards (COALESCE evaluates nextval only when there is none). Undefined for an unknown call.
 */
export async function reserveCallTicket(db: Database, callId: string): Promise<number | undefined> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(calls)
      .set({ ticketId: sql`coalesce(${calls.ticketId}, nextval('ticket_number_seq'))` })
      .where(eq(calls.callId, callId))
      .returning({ ticketId: calls.ticketId });
    if (row) await tx.execute(sql`select pg_notify(${CALL_NEWS_CHANNEL}, ${callId})`);
    return row?.ticketId ?? undefined;
  });
}

export async function callById(db: Database, callId: string) {
  const [row] = await db.select().from(calls).where(eq(calls.callId, callId));
  return row;
}

/** The number's calls before this one, newest first: the "last contacts" an operator sees. */
export async function earlierCallsOf(db: Database, number: string, callId: string, limit = 5) {
  return db
    .select({
      callId: calls.callId,
      at: calls.startedAt,
      direction: calls.direction,
      answered: sql<boolean>`${calls.answeredAt} is not null`,
      ticketId: calls.ticketId,
    })
    .from(calls)
    .where(and(eq(calls.fromNumber, number), ne(calls.callId, callId)))
    .orderBy(desc(calls.createdAt))
    .limit(limit);
}

/**
 * Calls of the last 15 minutes and those still going (within the 4 hours a call's workflow waits
 * for its hangup), newest first: what the operators' page shows when it opens.
 */
export async function callsInProgress(db: Database, limit = 20) {
  return db
    .select({ callId: calls.callId })
    .from(calls)
    .where(
      sql`${calls.createdAt} > now() - interval '4 hours' and (${calls.endedAt} is null or ${calls.createdAt} > now() - interval '15 minutes')`,
    )
    .orderBy(desc(calls.createdAt))
    .limit(limit);
}
