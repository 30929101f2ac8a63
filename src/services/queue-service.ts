import type { Database } from '../db/client';
import { isAtLimit, queueAccessOf, queueLevel, type Actor } from '../domain/access';
import { operatorLoad } from '../repositories/operators';
import {
  expireLapsedOffers,
  findOffer,
  findOpenOffer,
  holdForAccept,
  lockOperatorLimit,
  offerNextTicket,
  releaseAcceptHold,
  ticketHold,
  skipOffer,
  type OfferRow,
} from '../repositories/queue-offers';
import { findQueue, listQueuedTickets, listQueues, ticketPlace } from '../repositories/queues';
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

const toOffer = (row: OfferRow): Offer => ({
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

/**
 * Pull, not pick: `next` offers the ticket to work next, reserved for one operator for a short
 * time (the SQL and its locks in repositories/queue-offers.ts); here the rules: the ticket limit,
 * an open offer offered again. Who may list a queue or pull from it (`overview`, `take`) the
 * access table decides (src/api/access-table.ts).
 */
export function createQueueService({ db, offerTtlMs }: { db: Database; offerTtlMs: number }) {
  return {
    /** The queues the viewer has access to, each with the viewer's level and the number of tickets waiting. */
    async list(viewer: Pick<Actor, 'role' | 'queueAccess'>) {
      const access = queueAccessOf(viewer);
      return (await listQueues(db)).flatMap((queue) => {
        const level = queueLevel(access, queue.id);
        return level ? [{ ...queue, access: level }] : [];
      });
    },

    /** A queue's waiting tickets, blind, in the order to work them. */
    waiting: (queueId: number, page: { limit: number; offset: number }) => listQueuedTickets(db, queueId, page),

    /** Where a ticket is and who holds it, for the access check; undefined when there is no such ticket. */
    placeOf: (ticketId: number) => ticketPlace(db, ticketId),

    /** The queue's code (refusals name it); undefined when there is no such queue. */
    async queueCode(queueId: number) {
      return (await findQueue(db, queueId))?.code;
    },

    /** The ticket this operator should work next, reserved for them; undefined when the queue has nothing they can take. */
    async next(operator: OperatorIdentity, queueId: number): Promise<Offer | undefined> {
      return db.transaction(async (tx) => {
        const limit = await lockOperatorLimit(tx, operator.id);
        await expireLapsedOffers(tx, queueId);

        // Asking again does not skip: an open offer is offered again until it is taken, skipped or lapses.
        const open = await findOpenOffer(tx, operator.id, queueId);
        if (open) return toOffer(open);

        const load = await operatorLoad(tx, operator.id);
        if (isAtLimit(load, limit)) {
          throw new DeskError(
            'AT_LIMIT',
            `operator ${operator.id} has ${load} tickets in work or on offer, the limit is ${limit}`,
          );
        }
        const offer = await offerNextTicket(tx, operator.id, queueId, offerTtlMs);
        return offer ? toOffer(offer) : undefined;
      });
    },

    /** The operator passes on their offer, saying why; the ticket goes back and is not offered to them again. */
    async skip(operator: OperatorIdentity, offerId: number, reason: string) {
      return db.transaction(async (tx) => {
        const offer = await findOffer(tx, offerId);
        if (!offer || offer.operatorId !== operator.id) throw notFound(`offer ${offerId} of operator ${operator.id}`);
        // Thrown inside the transaction: the ticket's reservation is kept when the offer was already closed.
        if (!(await skipOffer(tx, offer, reason)))
          throw new DeskError('OFFER_CLOSED', `offer ${offerId} is ${offer.outcome}, not open`);
        return { offerId, ticketId: offer.ticketId, outcome: 'skipped' as const, reason };
      });
    },

    /**
     * Holds the ticket for this operator while their accept runs, so neither `next` nor another
     * operator can take it meanwhile. Refused while someone else's offer is open. Returns a
     * release for when the accept fails, if the reservation was taken here.
     */
    async reserveForAccept(operator: OperatorIdentity, ticketId: number): Promise<() => Promise<void>> {
      const held = await ticketHold(db, ticketId);
      if (!held) throw notFound(`ticket ${ticketId}`);
      if (held.offeredTo === operator.id && held.open) return async () => {};
      if (!(await holdForAccept(db, ticketId, operator.id, offerTtlMs))) {
        const now = await ticketHold(db, ticketId);
        if (now?.stage === 'queued' && now.open && now.offeredTo !== operator.id) {
          throw new DeskError(
            'OFFERED_TO_ANOTHER',
            `ticket ${ticketId} is on offer to another operator until the offer is taken, skipped or lapses`,
          );
        }
        // Not queued any more: the workflow says why (already accepted, resolved…).
        return async () => {};
      }
      return () => releaseAcceptHold(db, ticketId, operator.id);
    },
  };
}

export type QueueService = ReturnType<typeof createQueueService>;
