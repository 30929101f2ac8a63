import { and, eq, lte, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { recordTicketEvent } from '../db/events';
import { operators, ticketOffers, tickets } from '../db/schema';
import { TicketElement } from '../domain/process';

/**
 * `next`'s offers: the ticket to work next, reserved for one operator for a short time. The row
 * lock is the arbiter: `for update skip locked` hands two concurrent callers two different
 * tickets, and a lock on the operator's row keeps their load honest.
 */
type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

const priorityRank = sql`case ${tickets.priority} when 'critical' then 0 when 'high' then 1 when 'normal' then 2 else 3 end`;

const offerColumns = {
  offerId: ticketOffers.id,
  ticketId: ticketOffers.ticketId,
  queueId: ticketOffers.queueId,
  expiresAt: ticketOffers.expiresAt,
  category: tickets.category,
  priority: tickets.priority,
  channel: tickets.channel,
  queuedAt: tickets.queuedAt,
  createdAt: tickets.createdAt,
  responseDueAt: tickets.responseDueAt,
};

const offerTtl = (ttlMs: number) => sql.raw(`interval '${Math.round(ttlMs)} milliseconds'`);

/** The operator's ticket limit, their row locked for the rest of the transaction. */
export async function lockOperatorLimit(tx: Tx, operatorId: string): Promise<number> {
  const [me] = await tx
    .select({ limit: operators.ticketLimit })
    .from(operators)
    .where(eq(operators.id, operatorId))
    .for('update');
  return me!.limit;
}

/** Marks this queue's lapsed offers expired; their tickets are free again (the pick ignores lapsed reservations). */
export async function expireLapsedOffers(tx: Tx, queueId: number) {
  const lapsed = await tx
    .update(ticketOffers)
    .set({ outcome: 'expired', closedAt: sql`now()` })
    .where(
      and(
        eq(ticketOffers.queueId, queueId),
        eq(ticketOffers.outcome, 'offered'),
        lte(ticketOffers.expiresAt, sql`now()`),
      ),
    )
    .returning();
  for (const offer of lapsed) {
    await recordTicketEvent(tx, {
      ticketId: offer.ticketId,
      elementId: TicketElement.queue,
      action: 'offer_expired',
      actor: offer.operatorId,
      data: { offerId: offer.id, queueId },
      dedupeKey: `offer-expired:${offer.id}`,
    });
  }
}

/** The operator's open offer in this queue, if any. */
export async function findOpenOffer(tx: Tx, operatorId: string, queueId: number) {
  const [open] = await tx
    .select(offerColumns)
    .from(ticketOffers)
    .innerJoin(tickets, eq(tickets.id, ticketOffers.ticketId))
    .where(
      and(
        eq(ticketOffers.operatorId, operatorId),
        eq(ticketOffers.queueId, queueId),
        eq(ticketOffers.outcome, 'offered'),
        eq(tickets.offeredTo, operatorId),
        eq(tickets.queueId, queueId),
        eq(tickets.stage, 'queued'),
        sql`${tickets.offerExpiresAt} > now()`,
      ),
    );
  return open;
}

export type OfferRow = NonNullable<Awaited<ReturnType<typeof findOpenOffer>>>;

/**
 * Picks the ticket to offer (priority, then the SLA's time to first response, then age) among
 * those free, not skipped by this operator and whose competence they have; reserves it and
 * records the offer. Undefined when there is none.
 */
export async function offerNextTicket(
  tx: Tx,
  operatorId: string,
  queueId: number,
  ttlMs: number,
): Promise<OfferRow | undefined> {
  const [pick] = await tx
    .select({ id: tickets.id })
    .from(tickets)
    .where(
      and(
        eq(tickets.queueId, queueId),
        eq(tickets.stage, 'queued'),
        sql`${tickets.assigneeId} is null`,
        sql`(${tickets.offeredTo} is null or ${tickets.offerExpiresAt} <= now())`,
        sql`not exists (select 1 from ticket_offers o where o.ticket_id = ${tickets.id} and o.operator_id = ${operatorId} and o.outcome = 'skipped')`,
        // Only tickets they could accept: none whose catalog service needs a competence they lack.
        sql`not exists (select 1 from catalog_services s where s.id = ${tickets.serviceId} and s.required_competence is not null
              and not exists (select 1 from operators me where me.id = ${operatorId} and s.required_competence = any(me.competences)))`,
      ),
    )
    .orderBy(
      priorityRank,
      sql`${tickets.responseDueAt} asc nulls last`,
      sql`${tickets.queuedAt} asc nulls last`,
      tickets.id,
    )
    .limit(1)
    .for('update', { skipLocked: true });
  if (!pick) return undefined;

  const [reserved] = await tx
    .update(tickets)
    .set({ offeredTo: operatorId, offerExpiresAt: sql`now() + ${offerTtl(ttlMs)}` })
    .where(eq(tickets.id, pick.id))
    .returning({ expiresAt: tickets.offerExpiresAt });
  const [offer] = await tx
    .insert(ticketOffers)
    .values({ ticketId: pick.id, queueId, operatorId, expiresAt: reserved!.expiresAt! })
    .returning({ id: ticketOffers.id });
  await recordTicketEvent(tx, {
    ticketId: pick.id,
    elementId: TicketElement.queue,
    action: 'offered',
    actor: operatorId,
    data: { offerId: offer!.id, queueId },
    dedupeKey: `offer:${offer!.id}`,
  });
  const [row] = await tx
    .select(offerColumns)
    .from(ticketOffers)
    .innerJoin(tickets, eq(tickets.id, ticketOffers.ticketId))
    .where(eq(ticketOffers.id, offer!.id));
  return row!;
}

export async function findOffer(tx: Tx, offerId: number) {
  const [offer] = await tx.select().from(ticketOffers).where(eq(ticketOffers.id, offerId));
  return offer;
}

/** Frees the ticket, then closes the offer as skipped; false when the offer was no longer open. */
export async function skipOffer(
  tx: Tx,
  offer: { id: number; ticketId: number; operatorId: string },
  reason: string,
): Promise<boolean> {
  // Ticket row first, as accept does: the two never wait on each other in opposite order.
  await tx
    .update(tickets)
    .set({ offeredTo: null, offerExpiresAt: null })
    .where(and(eq(tickets.id, offer.ticketId), eq(tickets.offeredTo, offer.operatorId)));
  const [skipped] = await tx
    .update(ticketOffers)
    .set({ outcome: 'skipped', reason, closedAt: sql`now()` })
    .where(and(eq(ticketOffers.id, offer.id), eq(ticketOffers.outcome, 'offered')))
    .returning();
  if (!skipped) return false;
  await recordTicketEvent(tx, {
    ticketId: offer.ticketId,
    elementId: TicketElement.queue,
    action: 'skipped',
    actor: offer.operatorId,
    data: { offerId: offer.id, reason },
    dedupeKey: `skip:${offer.id}`,
  });
  return true;
}

/** Who holds the ticket's reservation and whether it is still open. */
export async function ticketHold(db: Database, ticketId: number) {
  const [held] = await db
    .select({
      stage: tickets.stage,
      offeredTo: tickets.offeredTo,
      open: sql<boolean>`${tickets.offerExpiresAt} > now()`,
    })
    .from(tickets)
    .where(eq(tickets.id, ticketId));
  return held;
}

/** Reserves a queued ticket nobody holds for this operator; false when it is held or no longer queued. */
export async function holdForAccept(db: Database, ticketId: number, operatorId: string, ttlMs: number) {
  const taken = await db
    .update(tickets)
    .set({ offeredTo: operatorId, offerExpiresAt: sql`now() + ${offerTtl(ttlMs)}` })
    .where(
      and(
        eq(tickets.id, ticketId),
        eq(tickets.stage, 'queued'),
        sql`(${tickets.offeredTo} is null or ${tickets.offerExpiresAt} <= now())`,
      ),
    )
    .returning({ id: tickets.id });
  return taken.length > 0;
}

export async function releaseAcceptHold(db: Database, ticketId: number, operatorId: string) {
  await db
    .update(tickets)
    .set({ offeredTo: null, offerExpiresAt: null })
    .where(and(eq(tickets.id, ticketId), eq(tickets.offeredTo, operatorId), eq(tickets.stage, 'queued')));
}
