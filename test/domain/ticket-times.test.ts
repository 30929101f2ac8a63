import { describe, expect, it } from 'vitest';
import type { BusinessCalendar } from '../../src/domain/calendar';
import { ESCALATION_PROCESS_ID } from '../../src/domain/process';
import { ticketTimes, type TimeEvent } from '../../src/domain/ticket-times';

const H = 3_600_000;
const at = (iso: string) => new Date(`${iso}Z`);
const day = [{ start: '09:00', end: '18:00' }];
// Moscow (UTC+3) 09:00–18:00 on weekdays; Wednesday 2026-03-11 a holiday.
const office: BusinessCalendar = {
  timeZone: 'Europe/Moscow',
  week: { 1: day, 2: day, 3: day, 4: day, 5: day },
  holidays: ['2026-03-11'],
};
const queues = new Map([
  ['general', { supportLine: 1 }],
  ['repairs', { supportLine: 2 }],
]);
const event = (
  iso: string,
  action: string,
  data: Record<string, unknown> = {},
  actor: string | null = null,
): TimeEvent => ({
  at: at(iso),
  processId: action.startsWith('sla_') ? ESCALATION_PROCESS_ID : 'ticket_lifecycle',
  elementId: action,
  action,
  actor,
  data,
});

describe('a ticket’s business times on its team’s calendar', () => {
  // Times in UTC; Moscow is three hours ahead. Monday 2026-03-09 10:00 MSK registered on line 1.
  const events = [
    event('2026-03-09T07:00', 'classified', { supportLine: 1 }),
    event('2026-03-09T07:00', 'queued', { queue: 'general' }),
    event('2026-03-09T09:00', 'accepted', {}, 'ivanova'), // 2 h in the queue
    event('2026-03-09T13:00', 'sla_paused'), // 4 h in work, then waiting for the client overnight
    event('2026-03-10T08:00', 'sla_resumed'), // 19 h of wall time waited
    event('2026-03-10T10:00', 'transferred', { toQueue: 'repairs' }), // 2 h more on line 1
    // Tuesday 13:00–18:00 and, after Wednesday's holiday, Thursday 09:00–10:00 in the queue of line 2: 6 h.
    event('2026-03-12T07:00', 'accepted', {}, 'petrov'),
    event('2026-03-12T09:00', 'resolved'), // 2 h of work: first resolution
    event('2026-03-13T07:00', 'reopened'), // Thursday 12:00 to Friday 10:00 resolved: not counted
    event('2026-03-13T08:30', 'resolved'), // 1.5 h more
  ];
  const times = ticketTimes({
    registeredAt: at('2026-03-09T07:00'),
    resolvedAt: at('2026-03-13T08:30'),
    events,
    queues,
    calendar: office,
  });

  it('counts the first and the full resolution without the wait for the client, the holiday or the resolved gap', () => {
    // Line 1: 2 + 4 + 2 h; line 2: 5 + 1 + 2 h → 16 h; then 1.5 h after the reopening.
    expect(times.firstResolutionMs).toBe(16 * H);
    expect(times.resolutionMs).toBe(17.5 * H);
  });

  it('shows the wait for the client in wall time, the queue wait and the time per line', () => {
    expect(times.waitingForClientMs).toBe(19 * H);
    expect(times.queueWaitMs).toBe(8 * H);
    expect(times.perSupportLineMs).toEqual({ 1: 8 * H, 2: 9.5 * H });
  });

  it('without events: all of it on line 1, none in a queue, the first resolution the latest', () => {
    const bare = ticketTimes({
      registeredAt: at('2026-03-09T07:00'),
      resolvedAt: at('2026-03-10T07:00'),
      events: [],
      queues,
      calendar: office,
    });
    // Monday 10:00–18:00 and Tuesday 09:00–10:00.
    expect(bare).toEqual({
      firstResolutionMs: 9 * H,
      resolutionMs: 9 * H,
      waitingForClientMs: 0,
      queueWaitMs: 0,
      perSupportLineMs: { 1: 9 * H },
    });
  });

  it('an escalation that moves the ticket puts it in the next line’s queue, unaccepted', () => {
    const moved = ticketTimes({
      registeredAt: at('2026-03-09T06:00'),
      resolvedAt: at('2026-03-09T12:00'),
      events: [
        event('2026-03-09T06:00', 'queued', { queue: 'general' }),
        event('2026-03-09T07:00', 'accepted', {}, 'ivanova'),
        event('2026-03-09T08:00', 'sla_escalated', { moved: true, queue: 'repairs', toLine: 2 }),
        event('2026-03-09T10:30', 'accepted', {}, 'petrov'),
        event('2026-03-09T12:00', 'resolved'),
      ],
      queues,
      calendar: office,
    });
    expect(moved.queueWaitMs).toBe(3.5 * H);
    expect(moved.perSupportLineMs).toEqual({ 1: 2 * H, 2: 4 * H });
  });
});
