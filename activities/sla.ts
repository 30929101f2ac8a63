import { recordedEvent, recordTicketEvent, recordTicketEvents } from '../src/db/events';
import { businessTimeBetween } from '../src/domain/calendar';
import { chooseQueue } from '../src/domain/classify';
import { planSlaDeadlines, slaTermsOf } from '../src/domain/sla-plan';
import {
  escalationEvents,
  slaChangedEvent,
  slaEventElement,
  slaStartedEvents,
  type SlaEventAction,
} from '../src/domain/ticket-events';
import { agreementCalendar } from '../src/repositories/calendars';
import {
  agreementById,
  agreementForTicket,
  clearBreach,
  lockForEscalation,
  markBreached,
  olaHandovers,
  olaOfLine,
  queuesOfLine,
  writeAgreement,
  writeDueAt,
  writeEscalated,
  writePaused,
} from '../src/repositories/ticket-sla';
import type { Escalated, SlaPlan, SlaTargetKind, SlaTerms } from '../workflows/types';
import { ticketLogger, type ActivityDependencies } from './context';

/**
 * The SLA clock's side effects. Deadlines are computed here, on the calendar, from instants
 * the workflow passes in (its own time), so a retry computes the same deadline.
 */
export function createSlaActivities({
  db,
  logger,
  observeTimerLag,
}: Pick<ActivityDependencies, 'db' | 'logger' | 'observeTimerLag'>) {
  const ticketLog = ticketLogger(logger);
  /** How late an alarm's activity started after the alarm was due, counted when its write commits (an escalation once; a warning or breach retried after its commit counts again). */
  const timerLag = (alarm: 'warning' | 'breach' | 'escalation', plannedAt: string, startedAt: Date) =>
    observeTimerLag?.(alarm, Math.max(0, startedAt.getTime() - Date.parse(plannedAt)) / 1000);

  return {
    /** The agreement for the ticket's service × client category; null when there is none. */
    async startSla(input: { ticketId: number }): Promise<SlaTerms | null> {
      const agreement = await agreementForTicket(db, input.ticketId);
      if (!agreement) return null;
      const terms = slaTermsOf(agreement);
      await db.transaction(async (tx) => {
        await writeAgreement(tx, input.ticketId, agreement.id);
        await recordTicketEvents(tx, slaStartedEvents(input.ticketId, terms));
      });
      return terms;
    },

    /** A manager puts the ticket under another agreement; the workflow keeps the time already used. */
    async changeSla(input: {
      ticketId: number;
      agreementId: number;
      actor: string;
      change: number;
    }): Promise<SlaTerms | null> {
      const agreement = await agreementById(db, input.agreementId);
      if (!agreement) return null;
      await db.transaction(async (tx) => {
        await writeAgreement(tx, input.ticketId, agreement.id);
        await recordTicketEvent(tx, slaChangedEvent(input.ticketId, input, agreement.id));
      });
      return slaTermsOf(agreement);
    },

    /** Business time the target's clock ran between two instants, on the agreement's calendar. */
    async measureSlaTime(input: {
      ticketId: number;
      agreementId: number | null;
      from: string;
      to: string;
    }): Promise<number> {
      const calendar = await agreementCalendar(db, input.ticketId, input.agreementId, new Date(input.from));
      return businessTimeBetween(calendar, new Date(input.from), new Date(input.to));
    },

    /**
     * Warning, due and escalation instants of a target whose clock runs from `from` with `usedMs`
     * already spent. Each is a point on the clock's own business time: the warning at its share of
     * the budget, the breach at the budget, escalation level n its delay after the breach (after
     * `breachedAtUsedMs` once breached), so a pause stops the escalation levels too and a resume
     * goes on with what was left of their delay.
     */
    async planSlaTarget(input: {
      ticketId: number;
      agreementId: number | null;
      target: SlaTargetKind;
      from: string;
      budgetMs: number;
      usedMs: number;
      warningShare: number;
      escalationAfterMs: number[];
      breachedAtUsedMs?: number;
    }): Promise<SlaPlan> {
      const from = new Date(input.from);
      const calendar = await agreementCalendar(db, input.ticketId, input.agreementId, from);
      const plan = planSlaDeadlines(calendar, { ...input, from });
      await writeDueAt(db, input.ticketId, input.target, new Date(plan.dueAt));
      return plan;
    },

    /**
     * One SLA event on the record; a breach and a pause are also marked on the ticket. Stamped
     * with the time it is written, so a late timer shows as late.
     */
    async recordSlaEvent(input: {
      ticketId: number;
      action: SlaEventAction;
      target?: SlaTargetKind;
      actor?: string;
      data?: Record<string, unknown>;
      dedupeKey: string;
      /** With `sla_rearmed`: no client target is breached under the new terms any more, so the ticket is not shown breached. */
      clearBreach?: boolean;
    }): Promise<void> {
      const at = new Date();
      await db.transaction(async (tx) => {
        if (input.action === 'sla_breached' && input.target !== 'handover') await markBreached(tx, input.ticketId);
        if (input.action === 'sla_rearmed' && input.clearBreach) await clearBreach(tx, input.ticketId);
        if (input.action === 'sla_paused') await writePaused(tx, input.ticketId, at);
        if (input.action === 'sla_resumed') await writePaused(tx, input.ticketId, null);
        await recordTicketEvent(tx, {
          ticketId: input.ticketId,
          elementId: slaEventElement[input.action],
          action: input.action,
          actor: input.actor ?? null,
          data: { ...(input.target ? { target: input.target } : {}), ...input.data },
          dedupeKey: input.dedupeKey,
          at,
        });
      });
      const plannedAt = input.data?.plannedAt;
      if (typeof plannedAt === 'string' && (input.action === 'sla_warned' || input.action === 'sla_breached'))
        timerLag(input.action === 'sla_warned' ? 'warning' : 'breach', plannedAt, at);
      ticketLog(input.ticketId).info({ action: input.action, target: input.target }, 'SLA event');
    },

    /**
     * Moves the ticket to the queue of the next support line (1 → 2 → 3), unassigned, and
     * records the escalation: by level after a breach, or by hand with the operator's reason.
     */
    async escalateTicket(input: {
      ticketId: number;
      level: number | null;
      target?: SlaTargetKind;
      actor?: string;
      reason?: string;
      /** When the clock's escalation was due (none for a manual one). */
      plannedAt?: string;
      dedupeKey: string;
    }): Promise<Escalated> {
      const startedAt = new Date();
      let first = false;
      const escalated = await db.transaction(async (tx) => {
        const { ticket, queue: current } = await lockForEscalation(tx, input.ticketId);
        // A retry after the move finds the event written: answer as the first attempt did.
        const already = await recordedEvent(tx, input.ticketId, input.dedupeKey);
        let queue = current;
        let moved = already ? already.data.moved === true : false;
        if (!already && ticket.supportLine < 3) {
          const nextLine = await queuesOfLine(tx, ticket.supportLine + 1);
          const facts = {
            category: ticket.category ?? '',
            priority: ticket.priority ?? 'normal',
            clientCategory: ticket.clientCategory,
            channel: ticket.channel,
            supportLine: ticket.supportLine + 1,
            region: ticket.location,
          };
          const target = chooseQueue(nextLine, facts) ?? nextLine[0];
          if (target) {
            await writeEscalated(tx, input.ticketId, target);
            queue = target;
            moved = true;
          }
        }
        const ola = moved ? await olaOfLine(tx, queue.supportLine) : undefined;
        first = !already;
        if (!already) {
          const move = { fromLine: ticket.supportLine, toLine: queue.supportLine, queue: queue.code, moved };
          const handover = ola
            ? {
                handover: (await olaHandovers(tx, input.ticketId)) + 1,
                supportLine: queue.supportLine,
                handoverSeconds: ola.handoverSeconds,
              }
            : undefined;
          await recordTicketEvents(tx, escalationEvents(input.ticketId, input, move, handover));
        }
        ticketLog(input.ticketId).info({ level: input.level, toLine: queue.supportLine, moved }, 'ticket escalated');
        return {
          moved,
          supportLine: queue.supportLine,
          queue: { id: queue.id, code: queue.code },
          groupId: queue.groupId,
          handover: ola ? { ms: ola.handoverSeconds * 1000, recipients: ola.recipients } : null,
        };
      });
      if (input.plannedAt && first) timerLag('escalation', input.plannedAt, startedAt);
      return escalated;
    },
  };
}
