/**
 * One resolved ticket's times in business time on its servicing team's calendar, from its recorded
 * events (the managers' business-time figures, ./figures): the walk of the record is the breach
 * timelines' (ticketStates), the arithmetic the calendar's (businessTimeBetween). Pure.
 */
import { initialTicketState, ticketStates, type AuditEvent } from './breach-timeline';
import { businessTimeBetween, type BusinessCalendar } from './calendar';

export type TimeEvent = Pick<AuditEvent, 'at' | 'processId' | 'elementId' | 'action' | 'actor' | 'data'>;

/** The events ticketStates moves on: the only ones the times need read from the record. */
export const timeEventActions = [
  'classified',
  'queued',
  'accepted',
  'reassigned',
  'returned_to_queue',
  'transferred',
  'sla_escalated',
  'sla_paused',
  'sla_resumed',
  'resolved',
  'reopened',
] as const;

export interface TicketTimes {
  /** Registration to the first resolution, business time, waiting for the client not counted. */
  firstResolutionMs: number;
  /** Registration to the latest resolution, business time, waiting for the client and the time between a resolution and its reopening not counted. */
  resolutionMs: number;
  /** Wall time waiting for the client (between `wait-for-client` and its resume) before the latest resolution. */
  waitingForClientMs: number;
  /** Business time in a queue not accepted by anyone (after queuing, a return, a transfer or an escalation that moved it). */
  queueWaitMs: number;
  /** The counted business time (as resolutionMs) per support line the ticket was on. */
  perSupportLineMs: Record<number, number>;
}

/**
 * The times of a ticket registered at `registeredAt` and last resolved at `resolvedAt`, from its
 * events (oldest first) and the lines of its queues. The first resolution is the first `resolved`
 * event (the latest resolution if none is recorded).
 */
export function ticketTimes(input: {
  registeredAt: Date;
  resolvedAt: Date;
  events: readonly TimeEvent[];
  queues: ReadonlyMap<string, { supportLine: number }>;
  calendar: BusinessCalendar;
}): TicketTimes {
  const { calendar } = input;
  const start = input.registeredAt.getTime();
  const end = input.resolvedAt.getTime();
  const firstResolved = input.events.find((e) => e.action === 'resolved')?.at.getTime() ?? end;
  const states = [{ from: start, state: initialTicketState }, ...ticketStates(input.events, input.queues)];
  const times: TicketTimes = {
    firstResolutionMs: 0,
    resolutionMs: 0,
    waitingForClientMs: 0,
    queueWaitMs: 0,
    perSupportLineMs: {},
  };
  const business = (a: number, b: number) => (b > a ? businessTimeBetween(calendar, new Date(a), new Date(b)) : 0);
  for (const [i, { from, state }] of states.entries()) {
    const a = Math.max(from, start);
    const b = Math.min(states[i + 1]?.from ?? Infinity, end);
    if (b <= a || state.resolved) continue;
    if (state.waiting) {
      times.waitingForClientMs += b - a;
      continue;
    }
    const counted = business(a, b);
    times.resolutionMs += counted;
    times.firstResolutionMs += business(a, Math.min(b, firstResolved));
    times.perSupportLineMs[state.supportLine] = (times.perSupportLineMs[state.supportLine] ?? 0) + counted;
    if (!state.accepted && state.queue !== null) times.queueWaitMs += counted;
  }
  return times;
}
