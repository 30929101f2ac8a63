import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client';
import { operators, ticketOffers, tickets } from '../db/schema';
import { isAtLimit, missingCompetence } from '../domain/access';

type Executor = Pick<Database, 'select' | 'insert' | 'update' | 'execute'>;

/** An operator's load: tickets in work plus live offers. The one count behind the limit and the least-load choice. */
const loadOf = (operatorId: SQL | string) => sql`(
  (select count(*) from tickets t where t.assignee_id = ${operatorId} and t.stage = 'in_work')
  + (select count(*) from ticket_offers f where f.operator_id = ${operatorId} and f.outcome = 'offered' and f.expires_at > now()))::int`;

/** The operator's load now. */
export async function operatorLoad(db: Pick<Database, 'execute'>, operatorId: string): Promise<number> {
  const [row] = (await db.execute(sql`select ${loadOf(operatorId)} as n`)) as unknown as [{ n: number }];
  return Number(row.n);
}

/** The operator a ticket is held for by an open offer, if any: a retry of the auto-assignment finds it. */
export async function heldFor(db: Pick<Database, 'select'>, ticketId: number): Promise<string | undefined> {
  const [held] = await db
    .select({ operatorId: ticketOffers.operatorId })
    .from(ticketOffers)
    .where(and(eq(ticketOffers.ticketId, ticketId), eq(ticketOffers.outcome, 'offered')));
  return held?.operatorId;
}

/**
 * Of those who may work the queue (`act` or `manage`, src/db/schema/queues.ts queue_access), the
 * operator with the fewest tickets in work or on offer, below their limit and
 * competent for the category (or with no competences listed) and having the competence the
 * ticket's catalog service requires, if any. One choice at a time per queue (a transaction lock):
 * two tickets arriving together do not both see the same lightest load.
 */
export async function chooseLeastLoaded(
  tx: Executor,
  ticket: { id: number; category: string; requiredCompetence: string | null },
  queue: { id: number },
): Promise<string | undefined> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('auto-assign'), ${queue.id})`);
  const members = (await tx.execute(sql`
    select o.id, o.competences, o.ticket_limit as "limit", ${loadOf(sql`o.id`)} as load
    from operators o
    where exists (
      select 1 from operator_group_members m join queue_access a on a.group_id = m.group_id
      where m.operator_id = o.id and a.queue_id = ${queue.id} and a.level in ('act', 'manage'))
    order by load, o.id`)) as unknown as Array<{ id: string; competences: string[]; limit: number; load: number }>;
  return members.find(
    (o) =>
      !isAtLimit(Number(o.load), o.limit) &&
      (o.competences.length === 0 || o.competences.includes(ticket.category)) &&
      !missingCompetence(ticket.requiredCompetence, o.competences),
  )?.id;
}

/** The ticket is held for the operator for an hour: an offer the next choice counts. */
export async function holdFor(tx: Executor, ticketId: number, queueId: number, operatorId: string, reason: string) {
  await tx
    .update(tickets)
    .set({ offeredTo: operatorId, offerExpiresAt: sql`now() + interval '1 hour'` })
    .where(eq(tickets.id, ticketId));
  await tx.insert(ticketOffers).values({
    ticketId,
    queueId,
    operatorId,
    expiresAt: sql`now() + interval '1 hour'` as unknown as Date,
    reason,
  });
}

/** Open offers of a ticket end: the accepting operator's as accepted, every other withdrawn. */
export async function closeOpenOffers(tx: Executor, ticketId: number, acceptedBy?: string) {
  await tx
    .update(ticketOffers)
    .set({
      outcome: acceptedBy
        ? sql`case when ${ticketOffers.operatorId} = ${acceptedBy} then 'accepted' else 'withdrawn' end`
        : 'withdrawn',
      closedAt: new Date(),
    })
    .where(and(eq(ticketOffers.ticketId, ticketId), eq(ticketOffers.outcome, 'offered')));
}

/** Recipients' e-mail addresses: named operators, or every manager. */
export async function staffAddresses(
  db: Pick<Database, 'select'>,
  to: { operatorIds?: string[]; managers?: boolean },
): Promise<Array<{ id: string; email: string }>> {
  if (!to.managers && !to.operatorIds?.length) return [];
  const rows = await db
    .select({ id: operators.id, email: operators.email })
    .from(operators)
    .where(to.managers ? eq(operators.role, 'manager') : inArray(operators.id, to.operatorIds!));
  return rows.filter((r): r is { id: string; email: string } => !!r.email);
}
