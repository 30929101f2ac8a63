import { and, eq, isNull, notInArray, or, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { catalogServices, clientLinkTokens, queues, tickets, ticketWorkEntries } from '../db/schema';
import { linkTokenHash } from '../domain/client-link';

type Executor = Pick<Database, 'select' | 'insert' | 'update'>;

/** The ticket's writes of work and survey, one function per step; each is safe to repeat. */

/** The ticket locked for an accept, with its catalog service's price and norm hours. */
export async function lockForAccept(tx: Executor, ticketId: number) {
  const [row] = await tx
    .select({
      acceptedAt: tickets.acceptedAt,
      assigneeId: tickets.assigneeId,
      price: catalogServices.price,
      normHours: catalogServices.normHours,
    })
    .from(tickets)
    .leftJoin(catalogServices, eq(catalogServices.id, tickets.serviceId))
    .where(eq(tickets.id, ticketId))
    .for('update', { of: tickets });
  if (!row) throw new Error(`ticket ${ticketId} is not registered`);
  return row;
}

/**
 * In work for the operator, with the quote; only while nobody else holds it (but `replacing`: the one
 * the row names whose accept the workflow never took) and it is not resolved yet.
 */
export async function writeAccepted(
  tx: Executor,
  ticketId: number,
  operatorId: string,
  acceptedAt: Date,
  quote: { price: string; normHours: number; dueAt: Date } | null,
  replacing: string | null = null,
) {
  await tx
    .update(tickets)
    .set({
      assigneeId: operatorId,
      acceptedAt,
      stage: 'in_work',
      quotedPrice: quote?.price ?? null,
      quotedNormHours: quote ? String(quote.normHours) : null,
      dueAt: quote?.dueAt ?? null,
      offeredTo: null,
      offerExpiresAt: null,
      updatedAt: new Date(),
    })
    .where(
      and(
        eq(tickets.id, ticketId),
        or(
          isNull(tickets.assigneeId),
          eq(tickets.assigneeId, operatorId),
          replacing === null ? undefined : eq(tickets.assigneeId, replacing),
        ),
        // A late attempt of an accept (its ticket resolved or closed since) never puts it back in work.
        notInArray(tickets.stage, ['resolved', 'awaiting_survey', 'complaint', 'closed']),
      ),
    );
}

export async function writeAssignee(tx: Executor, ticketId: number, assigneeId: string) {
  await tx.update(tickets).set({ assigneeId, updatedAt: new Date() }).where(eq(tickets.id, ticketId));
}

const unassigned = {
  assigneeId: null,
  acceptedAt: null,
  stage: 'queued' as const,
  offeredTo: null,
  offerExpiresAt: null,
};

/** Back to its queue, unassigned: the quote stays, the next accept quotes again. */
export async function writeReturnedToQueue(tx: Executor, ticketId: number) {
  await tx
    .update(tickets)
    .set({ ...unassigned, updatedAt: new Date() })
    .where(eq(tickets.id, ticketId));
}

export async function queueById(db: Pick<Database, 'select'>, queueId: number) {
  const [queue] = await db.select().from(queues).where(eq(queues.id, queueId));
  return queue;
}

/** Into another queue, unassigned and queued anew; answers the queue it was in. */
export async function writeTransferred(tx: Executor, ticketId: number, queueId: number) {
  const [before] = await tx.select({ queueId: tickets.queueId }).from(tickets).where(eq(tickets.id, ticketId));
  await tx
    .update(tickets)
    .set({ ...unassigned, queueId, queuedAt: sql`now()`, updatedAt: new Date() })
    .where(eq(tickets.id, ticketId));
  return before?.queueId ?? null;
}

export async function insertWorkEntry(
  tx: Executor,
  entry: { entryId: string; ticketId: number; operatorId: string; minutes: number; note: string },
) {
  await tx
    .insert(ticketWorkEntries)
    .values({
      id: entry.entryId,
      ticketId: entry.ticketId,
      operatorId: entry.operatorId,
      minutes: entry.minutes,
      note: entry.note,
    })
    .onConflictDoNothing();
}

/** Minutes worked so far, the quoted norm and the checklist steps done. */
export async function workTotals(tx: Executor, ticketId: number) {
  const [totals] = await tx
    .select({
      total: sql<number>`coalesce(sum(${ticketWorkEntries.minutes}), 0)::int`,
      norm: tickets.quotedNormHours,
      done: tickets.checklistDone,
    })
    .from(tickets)
    .leftJoin(ticketWorkEntries, eq(ticketWorkEntries.ticketId, tickets.id))
    .where(eq(tickets.id, ticketId))
    .groupBy(tickets.quotedNormHours, tickets.checklistDone);
  return totals;
}

export async function writeWorkProgress(
  tx: Executor,
  ticketId: number,
  progress: { normRatio: number | null; checklistDone: string[] },
) {
  await tx
    .update(tickets)
    .set({
      workNormRatio: progress.normRatio === null ? null : String(progress.normRatio),
      checklistDone: progress.checklistDone,
      updatedAt: new Date(),
    })
    .where(eq(tickets.id, ticketId));
}

/** Resolved by the line that holds it; the first resolution's instant stays. */
export async function writeResolved(
  tx: Executor,
  ticketId: number,
  input: { resolution: string; overdueReason?: string; overdueNote?: string },
): Promise<Date> {
  const [row] = await tx
    .update(tickets)
    .set({
      resolution: input.resolution.trim(),
      resolvedAt: sql`coalesce(${tickets.resolvedAt}, now())`,
      stage: 'resolved',
      solvedLine: sql`${tickets.supportLine}`,
      overdueReason: input.overdueReason ?? null,
      overdueNote: input.overdueNote?.trim() || null,
      updatedAt: new Date(),
    })
    .where(eq(tickets.id, ticketId))
    .returning({ resolvedAt: tickets.resolvedAt });
  return row!.resolvedAt!;
}

/** A new survey link for the ticket: only its hash is kept, and the link mailed before stops working. */
export async function issueSurveyToken(db: Executor, ticketId: number, token: string) {
  await db
    .update(tickets)
    .set({ surveyToken: linkTokenHash(token) })
    .where(eq(tickets.id, ticketId));
}

/** A status link's secret, issued with the notice that carries it (kept as its hash). */
export async function issueStatusLinkToken(db: Executor, ticketId: number, token: string) {
  await db
    .insert(clientLinkTokens)
    .values({ tokenHash: linkTokenHash(token), ticketId })
    .onConflictDoNothing();
}

export async function writeAwaitingSurvey(tx: Executor, ticketId: number) {
  await tx
    .update(tickets)
    .set({ stage: 'awaiting_survey', updatedAt: new Date() })
    .where(and(eq(tickets.id, ticketId), eq(tickets.stage, 'resolved')));
}

/** The ticket's assignee now. */
export async function assigneeOf(tx: Executor, ticketId: number): Promise<string | null> {
  const [row] = await tx.select({ assigneeId: tickets.assigneeId }).from(tickets).where(eq(tickets.id, ticketId));
  if (!row) throw new Error(`ticket ${ticketId} is not registered`);
  return row.assigneeId;
}

/** In work again; answers its assignee. */
export async function writeReopened(tx: Executor, ticketId: number): Promise<string> {
  const [row] = await tx
    .update(tickets)
    .set({ stage: 'in_work', resolvedAt: null, updatedAt: new Date() })
    .where(eq(tickets.id, ticketId))
    .returning({ assigneeId: tickets.assigneeId });
  if (!row) throw new Error(`ticket ${ticketId} is not registered`);
  return row.assigneeId!;
}

export async function writeSurveyAnswer(
  tx: Executor,
  ticketId: number,
  survey: { csat: number; nps?: number; comment?: string },
  opensComplaint: boolean,
) {
  await tx
    .update(tickets)
    .set({
      csat: survey.csat,
      nps: survey.nps ?? null,
      surveyComment: survey.comment ?? null,
      ...(opensComplaint ? { stage: 'complaint' as const } : {}),
      updatedAt: new Date(),
    })
    .where(eq(tickets.id, ticketId));
}

export async function writeClosed(
  tx: Executor,
  ticketId: number,
  survey: { csat: number; nps?: number; comment?: string } | null,
) {
  await tx
    .update(tickets)
    .set({
      stage: 'closed',
      csat: survey?.csat ?? null,
      nps: survey?.nps ?? null,
      surveyComment: survey?.comment ?? null,
      closedAt: sql`coalesce(${tickets.closedAt}, now())`,
      updatedAt: new Date(),
    })
    .where(eq(tickets.id, ticketId));
}
