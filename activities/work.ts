import { ApplicationFailure } from '@temporalio/common';
import { recordedEvent, recordTicketEvent } from '../src/db/events';
import { quoteFromCatalog } from '../src/domain/quote';
import {
  acceptedEvent,
  acceptNotTakenEvent,
  moveEvent,
  perRound,
  resolvedEvent,
  workRecordedEvent,
} from '../src/domain/ticket-events';
import { teamCalendarOfTicket } from '../src/repositories/calendars';
import { writeFirstResponseBusiness, writeResolutionTimes } from '../src/repositories/ticket-times';
import { closeOpenOffers } from '../src/repositories/operators';
import { loadTicketDetails } from '../src/repositories/tickets';
import {
  insertWorkEntry,
  lockForAccept,
  queueById,
  workTotals,
  writeAccepted,
  writeAssignee,
  writeResolved,
  writeReturnedToQueue,
  writeTransferred,
  writeWorkProgress,
} from '../src/repositories/ticket-writes';
import {
  TicketFailure,
  type MoveRequest,
  type QueuedTicket,
  type ReassignRequest,
  type Resolved,
  type TicketDetails,
  type TransferRequest,
  type WorkRecorded,
  type WorkRequest,
} from '../workflows/types';
import { createAcceptedNotices } from './accepted-notice';
import { ticketLogger, type ActivityDependencies } from './context';

/** Accept, the moves between hands and queues, work against the norm, and the resolution. */
export function createWorkActivities({
  db,
  logger,
  mailer,
  telegram,
  sms,
  publicUrl,
}: Pick<ActivityDependencies, 'db' | 'logger' | 'mailer' | 'telegram' | 'sms' | 'publicUrl'>) {
  const ticketLog = ticketLogger(logger);

  const acceptedNotices = createAcceptedNotices({ db, logger, mailer, telegram, sms, publicUrl });

  return {
    /**
     * Assigns the ticket and quotes price and due date from the catalog service's norm hours on
     * the servicing team's calendar. `acceptance` counts accepts: an escalated ticket is accepted again.
     */
    async acceptTicket(input: { ticketId: number; operatorId: string; acceptance?: number }): Promise<TicketDetails> {
      await db.transaction(async (tx) => {
        const row = await lockForAccept(tx, input.ticketId);
        // The workflow gives the ticket only to one who may have it, so a row naming another
        // operator is an accept whose update was lost after its write: the workflow's view wins.
        const replacing = row.assigneeId && row.assigneeId !== input.operatorId ? row.assigneeId : null;
        if (replacing) {
          await recordTicketEvent(
            tx,
            acceptNotTakenEvent(input.ticketId, replacing, input.operatorId, input.acceptance),
          );
          ticketLog(input.ticketId).warn(
            { heldBy: replacing, operatorId: input.operatorId },
            'the row named an assignee the workflow never took; given to the one it did',
          );
        }
        const acceptedAt = (!replacing && row.acceptedAt) || new Date();
        const calendar = await teamCalendarOfTicket(tx, input.ticketId, acceptedAt);
        const quote =
          row.price !== null && row.normHours !== null
            ? quoteFromCatalog({ price: row.price, normHours: row.normHours }, acceptedAt, calendar)
            : null;
        await writeAccepted(tx, input.ticketId, input.operatorId, acceptedAt, quote, replacing);
        await writeFirstResponseBusiness(tx, input.ticketId, calendar);
        await closeOpenOffers(tx, input.ticketId, input.operatorId);
        await recordTicketEvent(
          tx,
          acceptedEvent(
            input.ticketId,
            input.operatorId,
            input.acceptance,
            acceptedAt,
            { price: quote?.price ?? null, dueAt: quote?.dueAt.toISOString() ?? null },
            replacing !== null,
          ),
        );
      });
      ticketLog(input.ticketId).info({ operatorId: input.operatorId }, 'ticket accepted');
      const details = (await loadTicketDetails(db, input.ticketId))!;
      await acceptedNotices.tell(details, input.acceptance);
      return details;
    },

    /** The ticket changes hands; who moved it, from whom and why go on its trail. */
    async reassignTicket(input: ReassignRequest & { ticketId: number; from: string }): Promise<void> {
      await db.transaction(async (tx) => {
        await writeAssignee(tx, input.ticketId, input.toOperatorId);
        await recordTicketEvent(
          tx,
          moveEvent(input.ticketId, input, 'reassigned', {
            from: input.from,
            to: input.toOperatorId,
            reason: input.reason,
          }),
        );
      });
      ticketLog(input.ticketId).info(
        { from: input.from, to: input.toOperatorId, by: input.actorId },
        'ticket reassigned',
      );
    },

    /** Back to its queue, unassigned: the quote stays, the next accept quotes again. */
    async returnTicketToQueue(input: MoveRequest & { ticketId: number; from: string }): Promise<void> {
      await db.transaction(async (tx) => {
        await writeReturnedToQueue(tx, input.ticketId);
        await recordTicketEvent(
          tx,
          moveEvent(input.ticketId, input, 'returned_to_queue', { from: input.from, reason: input.reason }),
        );
      });
      ticketLog(input.ticketId).info({ from: input.from, by: input.actorId }, 'ticket returned to its queue');
    },

    /** Into another queue, unassigned. A queue that does not exist fails the move, not the ticket. */
    async transferTicket(input: TransferRequest & { ticketId: number; from: string | null }): Promise<QueuedTicket> {
      const queue = await queueById(db, input.toQueueId);
      if (!queue)
        throw ApplicationFailure.create({
          type: TicketFailure.invalidRequest,
          message: `queue ${input.toQueueId} does not exist`,
          nonRetryable: true,
        });
      await db.transaction(async (tx) => {
        const fromQueueId = await writeTransferred(tx, input.ticketId, queue.id);
        await closeOpenOffers(tx, input.ticketId);
        await recordTicketEvent(
          tx,
          moveEvent(input.ticketId, input, 'transferred', {
            fromQueueId,
            toQueue: queue.code,
            fromAssignee: input.from,
            reason: input.reason,
          }),
        );
      });
      ticketLog(input.ticketId).info({ queue: queue.code, by: input.actorId }, 'ticket transferred');
      return { queueId: queue.id, queueCode: queue.code, groupId: queue.groupId };
    },

    /** Work against the norm: the entry, the checklist steps done, and actual/norm stored on the ticket. */
    async recordWork(input: WorkRequest & { ticketId: number }): Promise<WorkRecorded> {
      return db.transaction(async (tx) => {
        await insertWorkEntry(tx, input);
        await recordTicketEvent(tx, workRecordedEvent(input.ticketId, input));
        const totals = await workTotals(tx, input.ticketId);
        const totalMinutes = totals?.total ?? input.minutes;
        const normMinutes = totals?.norm == null ? null : Math.round(Number(totals.norm) * 60);
        const normRatio = normMinutes ? Math.round((totalMinutes / normMinutes) * 1000) / 1000 : null;
        const checklistDone = [...new Set([...(totals?.done ?? []), ...(input.stepsDone ?? [])])];
        await writeWorkProgress(tx, input.ticketId, { normRatio, checklistDone });
        return { entryId: input.entryId, totalMinutes, normMinutes, normRatio, checklistDone };
      });
    },

    /** Resolves the ticket, recording the line that solved it and, when late, the overdue reason. */
    async resolveTicket(input: {
      ticketId: number;
      operatorId: string;
      resolution: string;
      round?: number;
      overdueReason?: string;
      overdueNote?: string;
    }): Promise<Resolved> {
      const resolvedAt = await db.transaction(async (tx) => {
        // An attempt again after one that committed (its answer lost: a workflow task retried, a
        // connection cut after COMMIT) writes nothing: the ticket may have moved on since (its
        // survey requested), and a second write put it back to resolved (found by npm run chaos).
        const done = await recordedEvent(tx, input.ticketId, perRound('resolve', input.round));
        if (done) return done.at;
        const at = await writeResolved(tx, input.ticketId, input);
        await recordTicketEvent(tx, resolvedEvent(input.ticketId, input, at));
        await writeResolutionTimes(tx, input.ticketId);
        return at;
      });
      ticketLog(input.ticketId).info({ operatorId: input.operatorId }, 'ticket resolved');
      return { ticketId: input.ticketId, resolvedAt: resolvedAt.toISOString() };
    },
  };
}
