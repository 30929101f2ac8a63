/**
 * The timeline of a ticket's SLA targets, drawn from its recorded events alone: where the ticket
 * was (BPMN element, queue, line), who held it, how much of each stretch counted on the servicing
 * calendar and what did not (waiting for the client, out of hours, holidays), and the moments
 * around it (warning, breach, escalation levels, transfers, reassignments, skipped offers).
 * Pure: the repository gathers the events, the calendars and the notices sent.
 */
import { explainBreach, type BreachFacts } from './breach-explanation';
import type { BusinessCalendar } from './calendar';
import { calendarPieces, localClock } from './calendar-pieces';

import type { SlaTargetKind } from './enums';
import { ESCALATION_PROCESS_ID } from './process';

/** The longest period one audit request covers: a leap year. */
export const LONGEST_AUDIT_DAYS = 366;

export interface AuditEvent {
  id: number;
  at: Date;
  processId: string;
  elementId: string;
  action: string;
  actor: string | null;
  data: Record<string, unknown>;
  dedupeKey: string;
}

export interface TimelineInputs {
  /** The ticket's events in both processes, oldest first. */
  events: readonly AuditEvent[];
  /** Queues by code: their name and line. */
  queues: ReadonlyMap<string, { name: string; supportLine: number }>;
  /** Budgets of the agreements the ticket was under, by id (an SLA change names only the id). */
  agreements: ReadonlyMap<number, { responseSeconds: number; resolutionSeconds: number }>;
  /** The agreement's calendar counts the client's targets; the team's, a line's OLA. */
  calendars: { agreement: BusinessCalendar; handover: BusinessCalendar };
  /** Purposes of the staff notices sent (`sla-warning:<key>:<operator>`, `sla-breach:…`, `sla-escalation:<key>:<level>:…`). */
  noticesSent: readonly string[];
  now: Date;
}

/** Time that did not count against the target, and why. `resolved`: between a resolution and its reopening. */
export const pauseKinds = ['waiting_for_client', 'out_of_hours', 'holiday', 'resolved'] as const;
export type PauseKind = (typeof pauseKinds)[number];

export interface TimelineInterval {
  from: string;
  to: string;
  /** The ticket's latest step in its lifecycle diagram (processes/ticket.bpmn). */
  elementId: string | null;
  queue: string | null;
  supportLine: number;
  holder: string | null;
  accepted: boolean;
  /** Null: the target's clock ran. */
  pause: PauseKind | null;
  wallMs: number;
  businessMs: number;
}

export const markerKinds = [
  'warned',
  'breached',
  'escalated',
  'transferred',
  'reassigned',
  'returned_to_queue',
  'offer_skipped',
] as const;
export type MarkerKind = (typeof markerKinds)[number];

export interface TimelineMarker {
  kind: MarkerKind;
  at: string;
  actor: string | null;
  /** Escalation level (null: by hand). */
  level?: number | null;
  toLine?: number;
  queue?: string;
  /** Reassigned from / to. */
  from?: string | null;
  to?: string | null;
  reason?: string | null;
  /** Staff told of it (warning, breach, escalation level). */
  notified?: string[];
}

export interface TargetTimeline {
  target: SlaTargetKind;
  /** Which handover (one per move to a line under an OLA); null for response and resolution. */
  handover: number | null;
  startedAt: string;
  /** When the target was met; null while it is still open (the timeline runs to `now`). */
  metAt: string | null;
  budgetMs: number;
  /** Business time counted against the target, from the events' stamps (which trail the workflow's instants by the write). */
  usedMs: number;
  /** Business time past the deadline recorded with the (last) breach; without one, past the budget. */
  overrunMs: number;
  breaches: { key: string; round: number; dueAt: string | null; breachedAt: string; supportLine: number | null }[];
  intervals: TimelineInterval[];
  markers: TimelineMarker[];
  /** The target's counted time per lifecycle element: what the diagram shades. */
  elements: { elementId: string; wallMs: number; businessMs: number; share: number }[];
  /** Why it breached; null when it did not. */
  explanation: { ru: string; en: string } | null;
}

const iso = (ms: number) => new Date(ms).toISOString();
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Where a ticket was between two of its events. */
export interface TicketState {
  elementId: string | null;
  queue: string | null;
  supportLine: number;
  holder: string | null;
  accepted: boolean;
  waiting: boolean;
  resolved: boolean;
}

/** Where a ticket is before its first event: nowhere yet, on the first line, held by nobody. */
export const initialTicketState: Readonly<TicketState> = {
  elementId: null,
  queue: null,
  supportLine: 1,
  holder: null,
  accepted: false,
  waiting: false,
  resolved: false,
};

/**
 * Where the ticket was after each event that moves it: a list of (from, state). The one walk of
 * the record for the timelines and the managers' business-time figures (./ticket-times).
 */
export function ticketStates(
  events: readonly Pick<AuditEvent, 'at' | 'processId' | 'elementId' | 'action' | 'actor' | 'data'>[],
  queues: ReadonlyMap<string, { supportLine: number }>,
): { from: number; state: TicketState }[] {
  let state: TicketState = initialTicketState;
  const states: { from: number; state: TicketState }[] = [];
  for (const e of events) {
    const next = { ...state };
    const lifecycle = e.processId !== ESCALATION_PROCESS_ID;
    if (lifecycle) next.elementId = e.elementId;
    switch (e.action) {
      case 'classified':
        next.supportLine = num(e.data.supportLine) ?? next.supportLine;
        break;
      case 'queued':
        next.queue = str(e.data.queue) ?? next.queue;
        break;
      case 'accepted':
        next.holder = e.actor;
        next.accepted = true;
        break;
      case 'reassigned':
        next.holder = str(e.data.to) ?? next.holder;
        break;
      case 'returned_to_queue':
        next.holder = null;
        next.accepted = false;
        break;
      case 'transferred': {
        const queue = str(e.data.toQueue);
        next.queue = queue ?? next.queue;
        next.supportLine = (queue && queues.get(queue)?.supportLine) || next.supportLine;
        next.holder = null;
        next.accepted = false;
        break;
      }
      case 'sla_escalated':
        if (e.data.moved === true) {
          next.queue = str(e.data.queue) ?? next.queue;
          next.supportLine = num(e.data.toLine) ?? next.supportLine;
          next.holder = null;
          next.accepted = false;
        }
        break;
      case 'sla_paused':
        next.waiting = true;
        break;
      case 'sla_resumed':
        next.waiting = false;
        break;
      case 'resolved':
        next.resolved = true;
        next.waiting = false;
        break;
      case 'reopened':
        next.resolved = false;
        break;
    }
    const at = e.at.getTime();
    const last = states[states.length - 1];
    if (last && last.from === at) last.state = next;
    else states.push({ from: at, state: next });
    state = next;
  }
  return states;
}

/** The part of a dedupe key after its prefix, if the key has it: `sla:breached:resolution:2` → `resolution:2`. */
const keyAfter = (dedupeKey: string, prefix: string) =>
  dedupeKey.startsWith(prefix) ? dedupeKey.slice(prefix.length) : null;
/** A target's keys: `resolution` covers `resolution:2` (round 2) and `resolution:change1`, `handover:1` not `handover:10`. */
const ofBase = (key: string | null, base: string) => key !== null && (key === base || key.startsWith(`${base}:`));

/** Who a staff notice reached: the operator ids after `<purpose>:` (a longer key is another notice). */
function recipientsOf(noticesSent: readonly string[], purpose: string): string[] {
  const prefix = `${purpose}:`;
  return noticesSent
    .filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes(':'))
    .map((p) => p.slice(prefix.length));
}

interface TargetRun {
  kind: SlaTargetKind;
  handover: number | null;
  base: string;
  start: number;
  end: number;
  met: boolean;
  budgetMs: number;
}

/** The targets the ticket's clocks ran: response and resolution under its agreement, one handover per OLA clock. */
function targetRuns(inputs: TimelineInputs): TargetRun[] {
  const { events, now, agreements } = inputs;
  const started = events.find((e) => e.action === 'sla_started' && e.processId === ESCALATION_PROCESS_ID);
  const runs: TargetRun[] = [];
  const closed = events.find((e) => e.action === 'closed')?.at.getTime();
  const openEnd = Math.max(closed ?? now.getTime(), 0);
  // The accept meets the response and a handover: their clock stops at the accept, recorded just before the met event.
  const metAt = (kind: SlaTargetKind, at: number, since: Date) => {
    if (kind === 'resolution') return at;
    const accepted = events.find((e) => e.action === 'accepted' && e.at >= since && e.at.getTime() <= at);
    return accepted ? accepted.at.getTime() : at;
  };
  if (started) {
    for (const kind of ['response', 'resolution'] as const) {
      let budgetMs = (num(started.data[`${kind}Seconds`]) ?? 0) * 1000;
      let end: number | null = null;
      for (const e of events) {
        if (e.at < started.at) continue;
        if (e.action === 'sla_changed') {
          const agreement = agreements.get(num(e.data.agreementId) ?? -1);
          if (agreement) budgetMs = agreement[`${kind}Seconds`] * 1000;
        } else if (e.action === 'sla_rearmed' && Array.isArray(e.data.targets)) {
          const entry = (e.data.targets as Record<string, unknown>[]).find((t) => t.target === kind);
          budgetMs = num(entry?.budgetMs) ?? budgetMs;
        } else if (e.action === 'sla_met' && e.data.target === kind) end = metAt(kind, e.at.getTime(), started.at);
        // A reopening runs the resolution clock again: it is open until met again.
        else if (e.action === 'sla_restarted' && kind === 'resolution') end = null;
      }
      runs.push({
        kind,
        handover: null,
        base: kind,
        start: started.at.getTime(),
        end: end ?? openEnd,
        met: end !== null,
        budgetMs,
      });
    }
  }
  for (const e of events) {
    if (e.action !== 'ola_started') continue;
    const handover = num(e.data.handover) ?? 0;
    const met = events.find(
      (m) => m.action === 'sla_met' && m.data.target === 'handover' && num(m.data.handover) === handover,
    );
    runs.push({
      kind: 'handover',
      handover,
      base: `handover:${handover}`,
      start: e.at.getTime(),
      end: met ? metAt('handover', met.at.getTime(), e.at) : openEnd,
      met: !!met,
      budgetMs: (num(e.data.handoverSeconds) ?? 0) * 1000,
    });
  }
  return runs;
}

const sameStretch = (a: TimelineInterval, b: Omit<TimelineInterval, 'from' | 'to' | 'wallMs' | 'businessMs'>) =>
  a.elementId === b.elementId &&
  a.queue === b.queue &&
  a.supportLine === b.supportLine &&
  a.holder === b.holder &&
  a.accepted === b.accepted &&
  a.pause === b.pause;

function intervalsOf(run: TargetRun, states: { from: number; state: TicketState }[], calendar: BusinessCalendar) {
  const intervals: TimelineInterval[] = [];
  const push = (from: number, to: number, state: TicketState, pause: PauseKind | null, counted: boolean) => {
    if (to <= from) return;
    const stretch = {
      elementId: state.elementId,
      queue: state.queue,
      supportLine: state.supportLine,
      holder: state.holder,
      accepted: state.accepted,
      pause,
    };
    const last = intervals[intervals.length - 1];
    if (last && last.to === iso(from) && sameStretch(last, stretch)) {
      last.to = iso(to);
      last.wallMs += to - from;
      last.businessMs += counted ? to - from : 0;
    } else
      intervals.push({
        from: iso(from),
        to: iso(to),
        ...stretch,
        wallMs: to - from,
        businessMs: counted ? to - from : 0,
      });
  };
  for (const [i, { from, state }] of states.entries()) {
    const a = Math.max(from, run.start);
    const b = Math.min(states[i + 1]?.from ?? Infinity, run.end);
    if (b <= a) continue;
    // Waiting for the client and the time between a resolution and its reopening stop only the resolution clock.
    const paused =
      run.kind === 'resolution' && (state.resolved ? 'resolved' : state.waiting ? 'waiting_for_client' : null);
    if (paused) {
      push(a, b, state, paused, false);
      continue;
    }
    for (const piece of calendarPieces(calendar, a, b))
      push(piece.from, piece.to, state, piece.kind === 'working' ? null : piece.kind, piece.kind === 'working');
  }
  return intervals;
}

function markersOf(run: TargetRun, inputs: TimelineInputs): TimelineMarker[] {
  const markers: TimelineMarker[] = [];
  const notices = inputs.noticesSent;
  for (const e of inputs.events) {
    const at = e.at.getTime();
    if (at < run.start || at > run.end) continue;
    const base = { at: iso(at), actor: e.actor };
    const warned = keyAfter(e.dedupeKey, 'sla:warned:');
    const breached = keyAfter(e.dedupeKey, 'sla:breached:');
    if (e.action === 'sla_warned' && ofBase(warned, run.base))
      markers.push({ kind: 'warned', ...base, notified: recipientsOf(notices, `sla-warning:${warned}`) });
    else if (e.action === 'sla_breached' && ofBase(breached, run.base))
      markers.push({ kind: 'breached', ...base, notified: recipientsOf(notices, `sla-breach:${breached}`) });
    else if (e.action === 'sla_escalated') {
      const level = num(e.data.level);
      const key = keyAfter(e.dedupeKey, 'sla:escalated:')?.replace(/:\d+$/, '') ?? null;
      // Levels of this target; another target's levels and escalations by hand when they moved the ticket.
      const own = level !== null && ofBase(key, run.base);
      if (level !== null && !own && e.data.moved !== true) continue;
      markers.push({
        kind: 'escalated',
        ...base,
        level,
        toLine: num(e.data.toLine) ?? undefined,
        queue: str(e.data.queue) ?? undefined,
        reason: str(e.data.reason),
        notified: own ? recipientsOf(notices, `sla-escalation:${key}:${level}`) : [],
      });
    } else if (e.action === 'transferred')
      markers.push({
        kind: 'transferred',
        ...base,
        queue: str(e.data.toQueue) ?? undefined,
        reason: str(e.data.reason),
      });
    else if (e.action === 'reassigned')
      markers.push({
        kind: 'reassigned',
        ...base,
        from: str(e.data.from),
        to: str(e.data.to),
        reason: str(e.data.reason),
      });
    else if (e.action === 'returned_to_queue')
      markers.push({ kind: 'returned_to_queue', ...base, from: str(e.data.from), reason: str(e.data.reason) });
    else if (e.action === 'skipped') markers.push({ kind: 'offer_skipped', ...base, reason: str(e.data.reason) });
  }
  return markers;
}

const sumBy = <K>(
  items: TimelineInterval[],
  key: (i: TimelineInterval) => K | null,
  value: (i: TimelineInterval) => number,
) => {
  const sums = new Map<K, number>();
  for (const item of items) {
    const k = key(item);
    if (k !== null) sums.set(k, (sums.get(k) ?? 0) + value(item));
  }
  return sums;
};

/** The facts the explanation is made from. */
function factsOf(
  run: TargetRun,
  intervals: TimelineInterval[],
  markers: TimelineMarker[],
  inputs: TimelineInputs,
  calendar: BusinessCalendar,
  overrunMs: number,
): BreachFacts {
  const queueName = (code: string) => inputs.queues.get(code)?.name ?? code;
  const counted = intervals.filter((i) => i.businessMs > 0);
  const waits = sumBy(
    counted,
    (i) => (!i.accepted && i.queue ? i.queue : null),
    (i) => i.businessMs,
  );
  const work = sumBy(
    counted,
    (i) => (i.accepted && i.holder ? i.holder : null),
    (i) => i.businessMs,
  );
  const paused = (kind: PauseKind) =>
    intervals.filter((i) => i.pause === kind).reduce((total, i) => total + i.wallMs, 0);
  let line = intervals[0]?.supportLine ?? 1;
  const transfers: { at: string; toLine: number | null; toQueue: string | null; byEscalation: boolean }[] = [];
  for (const m of markers) {
    const at = localClock(calendar, Date.parse(m.at));
    if (m.kind === 'escalated' && m.toLine !== undefined && m.toLine !== line) {
      transfers.push({ at, toLine: m.toLine, toQueue: null, byEscalation: m.level !== null });
      line = m.toLine;
    } else if (m.kind === 'transferred' && m.queue) {
      const toLine = inputs.queues.get(m.queue)?.supportLine ?? line;
      transfers.push(
        toLine !== line
          ? { at, toLine, toQueue: null, byEscalation: false }
          : { at, toLine: null, toQueue: queueName(m.queue), byEscalation: false },
      );
      line = toLine;
    }
  }
  return {
    overrunMs,
    open: !run.met,
    queueWaits: [...waits].map(([queue, ms]) => ({ queue: queueName(queue), ms })),
    inWork: [...work].map(([holder, ms]) => ({ holder, ms })),
    transfers,
    reassignments: markers.filter((m) => m.kind === 'reassigned').length,
    offersSkipped: markers.filter((m) => m.kind === 'offer_skipped').length,
    excluded: {
      waitingForClient: paused('waiting_for_client'),
      outOfHours: paused('out_of_hours'),
      holidays: paused('holiday'),
    },
  };
}

/** Counted time after an instant: a counted interval counts all of its length. */
const countedAfter = (intervals: TimelineInterval[], from: number) =>
  intervals
    .filter((i) => i.businessMs > 0)
    .reduce((total, i) => total + Math.max(0, Date.parse(i.to) - Math.max(Date.parse(i.from), from)), 0);

/** Every SLA target of the ticket with its timeline, and for each breached one why. */
export function targetTimelines(inputs: TimelineInputs): TargetTimeline[] {
  const states = ticketStates(inputs.events, inputs.queues);
  return targetRuns(inputs).map((run) => {
    const calendar = run.kind === 'handover' ? inputs.calendars.handover : inputs.calendars.agreement;
    const intervals = intervalsOf(run, states, calendar);
    const markers = markersOf(run, inputs);
    const usedMs = intervals.reduce((total, i) => total + i.businessMs, 0);
    const breaches = inputs.events
      .filter((e) => e.action === 'sla_breached' && ofBase(keyAfter(e.dedupeKey, 'sla:breached:'), run.base))
      .map((e) => ({
        key: keyAfter(e.dedupeKey, 'sla:breached:')!,
        round: num(e.data.round) ?? 1,
        dueAt: str(e.data.dueAt),
        breachedAt: e.at.toISOString(),
        supportLine: num(e.data.supportLine),
      }));
    // Counted from the deadline the workflow planned (recorded with the breach): events are stamped
    // when written, a little after the workflow's own instants, so the time used before it drifts.
    const dueAt = breaches.length > 0 ? breaches[breaches.length - 1]!.dueAt : null;
    const overrunMs = dueAt ? countedAfter(intervals, Date.parse(dueAt)) : Math.max(0, usedMs - run.budgetMs);
    const wall = sumBy(
      intervals,
      (i) => i.elementId,
      (i) => i.wallMs,
    );
    const business = sumBy(
      intervals,
      (i) => i.elementId,
      (i) => i.businessMs,
    );
    const elements = [...wall].map(([elementId, wallMs]) => {
      const businessMs = business.get(elementId) ?? 0;
      return { elementId, wallMs, businessMs, share: usedMs > 0 ? businessMs / usedMs : 0 };
    });
    return {
      target: run.kind,
      handover: run.handover,
      startedAt: iso(run.start),
      metAt: run.met ? iso(run.end) : null,
      budgetMs: run.budgetMs,
      usedMs,
      overrunMs,
      breaches,
      intervals,
      markers,
      elements,
      explanation:
        breaches.length > 0 ? explainBreach(factsOf(run, intervals, markers, inputs, calendar, overrunMs)) : null,
    };
  });
}
