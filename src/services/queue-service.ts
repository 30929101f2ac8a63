// eslint-disable-next-line no-restricted-imports -- the offer SQL leaves with the operator-load query (to src/repositories/operators.ts, the activities side's move)
import { and, eq, lte, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { recordTicketEvent } from '../db/events';
import { operators, ticketOffers, tickets } from '../db/schema';
import { isAtLimit, isInQueueGroup } from '../domain/access';
import { TicketElement } from '../domain/process';
import { operatorLoad } from '../repositories/operators';
import { findQueue, listQueuedTickets, listQueues } from '../repositories/queues';
import type { OperatorIdentity } from '../repositories/staff';
import { DeskError, notFound } from './errors';

export interface Offer {
  offerId: number;
  ticketId: number;
  queueId: number;
  expiresAt: string;
  ticket: {
    id: number;
    category: string | null;
    priority: string | null;
    channel: string;
    ageSeconds: number;
    slaDueAt: string | null;
  };
}

type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

const priorityRank = sql`case ${tickets.priority} when 'critical' then 0 when 'high' then 1 when 'normal' then 2 else 3 end`;

/**
 * Pull, not pick: `next` offers the ticket to work next, reserved for one operator for a short
 * time. The database row lock is the arbiter: `for update skip locked` hands two concurrent
 * callers two different tickets, and a lock on the operator's row keeps their load honest.
 */
export function createQueueService({ db, offerTtlMs }: { db: Database; offerTtlMs: number }) {
  const ttl = sql.raw(`interval '${Math.round(offerTtlMs)} milliseconds'`);

  /** Marks this queue's lapsed offers expired; their tickets are free again (the pick ignores lapsed reservations). */
  const expireLapsedOffers = async (tx: Tx, queueId: number) => {
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
  };

  const toOffer = (row: {
    offerId: number;
    ticketId: number;
    queueId: number;
    expiresAt: Date;
    category: string | null;
    priority: string | null;
    channel: string;
    queuedAt: Date | null;
    createdAt: Date;
    responseDueAt: Date | null;
  }): Offer => ({
    offerId: row.offerId,
    ticketId: row.ticketId,
    queueId: row.queueId,
    expiresAt: row.expiresAt.toISOString(),
    ticket: {
      id: row.ticketId,
      category: row.category,
      priority: row.priority,
      channel: row.channel,
      ageSeconds: Math.max(0, Math.round((Date.now() - (row.queuedAt ?? row.createdAt).getTime()) / 1000)),
      slaDueAt: row.responseDueAt ? row.responseDueAt.toISOString() : null,
    },
  });

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

  const queueOf = async (operator: OperatorIdentity, queueId: number) => {
    const queue = await findQueue(db, queueId);
    if (!queue) throw notFound(`queue ${queueId}`);
    if (!isInQueueGroup(operator, queue.groupId))
      throw new DeskError('NOT_IN_QUEUE_GROUP', `operator ${operator.id} is not in the group of queue ${queue.code}`);
    return queue;
  };

  return {
    /** Queues with the number of tickets waiting in each. */
    list: () => listQueues(db),

    /** A queue's waiting tickets, blind, in the order to work them. */
    async waiting(queueId: number, page: { limit: number; offset: number }) {
      if (!(await findQueue(db, queueId))) throw notFound(`queue ${queueId}`);
      return listQueuedTickets(db, queueId, page);
    },

    /** The ticket this operator should work next, reserved for them; undefined when the queue has nothing they can take. */
    async next(operator: OperatorIdentity, queueId: number): Promise<Offer | undefined> {
      await queueOf(operator, queueId);
      return db.transaction(async (tx) => {
        const [me] = await tx
          .select({ limit: operators.ticketLimit })
          .from(operators)
          .where(eq(operators.id, operator.id))
          .for('update');
        await expireLapsedOffers(tx, queueId);

        // Asking again does not skip: an open offer is offered again until it is taken, skipped or lapses.
        const [open] = await tx
          .select(offerColumns)
          .from(ticketOffers)
          .innerJoin(tickets, eq(tickets.id, ticketOffers.ticketId))
          .where(
            and(
              eq(ticketOffers.operatorId, operator.id),
              eq(ticketOffers.queueId, queueId),
              eq(ticketOffers.outcome, 'offered'),
              eq(tickets.offeredTo, operator.id),
              eq(tickets.queueId, queueId),
              eq(tickets.stage, 'queued'),
              sql`${tickets.offerExpiresAt} > now()`,
            ),
          );
        if (open) return toOffer(open);

        const load = await operatorLoad(tx, operator.id);
        if (isAtLimit(load, me!.limit)) {
          throw new DeskError(
            'AT_LIMIT',
            `operator ${operator.id} has ${load} tickets in work or on offer, the limit is ${me!.limit}`,
          );
        }

        const [pick] = await tx
          .select({ id: tickets.id })
          .from(tickets)
          .where(
            and(
              eq(tickets.queueId, queueId),
              eq(tickets.stage, 'queued'),
              sql`${tickets.assigneeId} is null`,
              sql`(${tickets.offeredTo} is null or ${tickets.offerExpiresAt} <= now())`,
              sql`not exists (select 1 from ticket_offers o where o.ticket_id = ${tickets.id} and o.operator_id = ${operator.id} and o.outcome = 'skipped')`,
              // Only tickets they could accept: none whose catalog service needs a competence they lack.
              sql`not exists (select 1 from catalog_services s where s.id = ${tickets.serviceId} and s.required_competence is not null
                    and not exists (select 1 from operators me where me.id = ${operator.id} and s.required_competence = any(me.competences)))`,
            ),
          )
          // Priority, then the SLA's time to first response, then age.
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
          .set({ offeredTo: operator.id, offerExpiresAt: sql`now() + ${ttl}` })
          .where(eq(tickets.id, pick.id))
          .returning({ expiresAt: tickets.offerExpiresAt });
        const [offer] = await tx
          .insert(ticketOffers)
          .values({ ticketId: pick.id, queueId, operatorId: operator.id, expiresAt: reserved!.expiresAt! })
          .returning({ id: ticketOffers.id });
        await recordTicketEvent(tx, {
          ticketId: pick.id,
          elementId: TicketElement.queue,
          action: 'offered',
          actor: operator.id,
          data: { offerId: offer!.id, queueId },
          dedupeKey: `offer:${offer!.id}`,
        });
        const [row] = await tx
          .select(offerColumns)
          .from(ticketOffers)
          .innerJoin(tickets, eq(tickets.id, ticketOffers.ticketId))
          .where(eq(ticketOffers.id, offer!.id));
        return toOffer(row!);
      });
    },

    /** The operator passes on their offer, saying why; the ticket goes back and is not offered to them again. */
    async skip(operator: OperatorIdentity, offerId: number, reason: string) {
      return db.transaction(async (tx) => {
        const [offer] = await tx.select().from(ticketOffers).where(eq(ticketOffers.id, offerId));
        if (!offer || offer.operatorId !== operator.id) throw notFound(`offer ${offerId} of operator ${operator.id}`);
        // Ticket row first, as accept does: the two never wait on each other in opposite order.
        await tx
          .update(tickets)
          .set({ offeredTo: null, offerExpiresAt: null })
          .where(and(eq(tickets.id, offer.ticketId), eq(tickets.offeredTo, operator.id)));
        const [skipped] = await tx
          .update(ticketOffers)
          .set({ outcome: 'skipped', reason, closedAt: sql`now()` })
          .where(and(eq(ticketOffers.id, offerId), eq(ticketOffers.outcome, 'offered')))
          .returning();
        if (!skipped) throw new DeskError('OFFER_CLOSED', `offer ${offerId} is ${offer.outcome}, not open`);
        await recordTicketEvent(tx, {
          ticketId: offer.ticketId,
          elementId: TicketElement.queue,
          action: 'skipped',
          actor: operator.id,
          data: { offerId, reason },
          dedupeKey: `skip:${offerId}`,
        });
        return { offerId, ticketId: offer.ticketId, outcome: 'skipped' as const, reason };
      });
    },

    /**
     * Holds the ticket for this operator while their accept runs, so neither `next` nor another
     * operator can take it meanwhile. Refused while someone else's offer is open. Returns a
     * release for when the accept fails, if the reservation was taken here.
     */
    async reserveForAccept(operator: OperatorIdentity, ticketId: number): Promise<() => Promise<void>> {
      const [held] = await db
        .select({ offeredTo: tickets.offeredTo, open: sql<boolean>`${tickets.offerExpiresAt} > now()` })
        .from(tickets)
        .where(eq(tickets.id, ticketId));
      if (!held) throw notFound(`ticket ${ticketId}`);
      if (held.offeredTo === operator.id && held.open) return async () => {};
      const [taken] = await db
        .update(tickets)
        .set({ offeredTo: operator.id, offerExpiresAt: sql`now() + ${ttl}` })
        .where(
          and(
            eq(tickets.id, ticketId),
            eq(tickets.stage, 'queued'),
            sql`(${tickets.offeredTo} is null or ${tickets.offerExpiresAt} <= now())`,
          ),
        )
        .returning({ id: tickets.id });
      if (!taken) {
        const [now] = await db
          .select({
            stage: tickets.stage,
            offeredTo: tickets.offeredTo,
            open: sql<boolean>`${tickets.offerExpiresAt} > now()`,
          })
          .from(tickets)
          .where(eq(tickets.id, ticketId));
        if (now?.stage === 'queued' && now.open && now.offeredTo !== operator.id) {
          throw new DeskError(
            'OFFERED_TO_ANOTHER',
            `ticket ${ticketId} is on offer to another operator until the offer is taken, skipped or lapses`,
          );
        }
        // Not queued any more: the workflow says why (already accepted, resolved…).
        return async () => {};
      }
      return async () => {
        await db
          .update(tickets)
          .set({ offeredTo: null, offerExpiresAt: null })
          .where(and(eq(tickets.id, ticketId), eq(tickets.offeredTo, operator.id), eq(tickets.stage, 'queued')));
      };
    },
  };
}

export type QueueService = ReturnType<typeof createQueueService>;
