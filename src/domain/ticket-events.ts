/**
 * Every step a ticket's trail records, as pure builders: the element id (the join key with the
 * diagrams) and the dedupe key (same key, same step: a retry records nothing new) of each event
 * live here and nowhere else. The conformance test and the process statistics parse these keys.
 */
import type { IntakeClassification } from './intake-decision';
import { EscalationElement, escalationLevelElement, TicketElement } from './process';

export interface TicketEventRecord {
  ticketId: number;
  elementId: string;
  action: string;
  actor?: string | null;
  data?: Record<string, unknown>;
  /** Same key, same step: a retry records nothing new. */
  dedupeKey: string;
  at?: Date;
}

/** Dedupe keys and outbox purposes of a step that repeats after a reopening; round 1 keeps the original key. */
export function perRound(key: string, round: number | undefined): string {
  return round === undefined || round <= 1 ? key : `${key}:${round}`;
}

export const registerEvents = (
  intake: { ticketId: number; channel: string; receivedAt: string; identifiedBy?: string },
  clientId: number,
  newClient: boolean,
): TicketEventRecord[] => [
  {
    ticketId: intake.ticketId,
    elementId: TicketElement.received,
    action: 'received',
    data: { channel: intake.channel },
    dedupeKey: 'received',
    at: new Date(intake.receivedAt),
  },
  {
    ticketId: intake.ticketId,
    elementId: TicketElement.register,
    action: 'registered',
    // Who vouched for the client (staff), or that nobody did: the ticket then runs as a one-time client's.
    data: {
      clientId,
      newClient,
      clientConfirmed: intake.identifiedBy !== undefined,
      identifiedBy: intake.identifiedBy ?? null,
    },
    dedupeKey: 'register',
  },
];

export const classifyEvent = (ticketId: number, c: IntakeClassification): TicketEventRecord => ({
  ticketId,
  elementId: TicketElement.classify,
  action: 'classified',
  data: {
    category: c.category,
    priority: c.priority,
    source: c.source,
    suggestion: c.suggestion,
    rankedBy: c.rankedBy,
    ...(c.externalFailure ? { externalFailure: c.externalFailure } : {}),
    service: c.service?.code ?? null,
    supportLine: c.supportLine,
    queueCode: c.queueCode,
    rules: c.fired,
  },
  dedupeKey: 'classify',
});

/** The key of the classify step: enqueueing reads the queue a rule named from its event. */
export const CLASSIFY_KEY = 'classify';

export const queueEvent = (ticketId: number, queueCode: string): TicketEventRecord => ({
  ticketId,
  elementId: TicketElement.queue,
  action: 'queued',
  data: { queue: queueCode },
  dedupeKey: 'queue',
});

/** The agreement's start and its clock starting for both targets (escalation.bpmn). */
export const slaStartedEvents = (
  ticketId: number,
  terms: { agreementId: number; responseMs: number; resolutionMs: number },
): TicketEventRecord[] => [
  {
    ticketId,
    elementId: EscalationElement.started,
    action: 'sla_started',
    data: {
      agreementId: terms.agreementId,
      responseSeconds: terms.responseMs / 1000,
      resolutionSeconds: terms.resolutionMs / 1000,
    },
    dedupeKey: 'sla:started',
  },
  {
    ticketId,
    elementId: EscalationElement.clock,
    action: 'clock_started',
    data: { targets: ['response', 'resolution'] },
    dedupeKey: 'sla:clock',
  },
];

/** `acceptance` counts accepts: an escalated ticket is accepted again, stamped when it happens. */
const acceptKey = (acceptance: number | undefined) => ((acceptance ?? 1) > 1 ? `accept:${acceptance}` : 'accept');

/**
 * `replaced`: the accept corrects a row that named someone else (acceptNotTakenEvent), whose event
 * holds the acceptance's key, so this one's key names its operator.
 */
export const acceptedEvent = (
  ticketId: number,
  operatorId: string,
  acceptance: number | undefined,
  acceptedAt: Date,
  quote: { price: string | null; dueAt: string | null },
  replaced = false,
): TicketEventRecord => ({
  ticketId,
  elementId: TicketElement.accept,
  action: 'accepted',
  actor: operatorId,
  data: quote,
  dedupeKey: replaced ? `${acceptKey(acceptance)}:${operatorId}` : acceptKey(acceptance),
  at: (acceptance ?? 1) > 1 || replaced ? new Date() : acceptedAt,
});

/**
 * The row named `heldBy` as the ticket's assignee when the workflow gave it to another operator:
 * an accept whose write committed while its update was lost (a worker killed mid-task; the API
 * resends such an update only for a while, src/services/ticket-workflow.ts). The workflow's view
 * wins; the trail says whose accept did not stand.
 */
export const acceptNotTakenEvent = (
  ticketId: number,
  heldBy: string,
  to: string,
  acceptance: number | undefined,
): TicketEventRecord => ({
  ticketId,
  elementId: TicketElement.accept,
  action: 'accept_not_taken',
  actor: heldBy,
  data: {
    to,
    reason: 'the ticket was given to another operator: this accept was written, its workflow never took it',
  },
  dedupeKey: `${acceptKey(acceptance)}:not-taken:${heldBy}`,
});

/** A move (reassign, return to queue, transfer): one key per move the workflow numbered. */
export const moveEvent = (
  ticketId: number,
  move: { moveId: string; actorId: string },
  step: 'reassigned' | 'returned_to_queue' | 'transferred',
  data: Record<string, unknown>,
): TicketEventRecord => ({
  ticketId,
  elementId: step === 'reassigned' ? TicketElement.accept : TicketElement.queue,
  action: step,
  actor: move.actorId,
  data,
  dedupeKey: `move:${move.moveId}`,
});

export const workRecordedEvent = (
  ticketId: number,
  work: { entryId: string; operatorId: string; minutes: number; stepsDone?: string[] },
): TicketEventRecord => ({
  ticketId,
  elementId: TicketElement.execute,
  action: 'work_recorded',
  actor: work.operatorId,
  data: {
    entryId: work.entryId,
    minutes: work.minutes,
    ...(work.stepsDone?.length ? { stepsDone: work.stepsDone } : {}),
  },
  dedupeKey: `work:${work.entryId}`,
});

export const resolvedEvent = (
  ticketId: number,
  input: { operatorId: string; round?: number; overdueReason?: string },
  at: Date,
): TicketEventRecord => ({
  ticketId,
  elementId: TicketElement.execute,
  action: 'resolved',
  actor: input.operatorId,
  data: { round: input.round ?? 1, ...(input.overdueReason ? { overdueReason: input.overdueReason } : {}) },
  dedupeKey: perRound('resolve', input.round),
  at,
});

/** The client was told (`notified`) or could not be (`not_notified`): one notify step per round. */
export const notifyEvent = (
  ticketId: number,
  round: number | undefined,
  action: 'notified' | 'not_notified',
  data: Record<string, unknown>,
): TicketEventRecord => ({
  ticketId,
  elementId: TicketElement.notify,
  action,
  data,
  dedupeKey: perRound('notify', round),
});

/**
 * The resolution notice sent on to another channel after the copy that told the client was reported
 * undelivered (an e-mail that bounced, an SMS the gateway gave up on) while the survey waits: on the
 * survey step, where the ticket is (the notify step is behind it), one per round and channel it went
 * on to, with the channels passed over and why.
 */
export const noticeSentOnEvent = (
  ticketId: number,
  round: number | undefined,
  data: { channel: string; recipient: string; passedOver: readonly unknown[] },
): TicketEventRecord => ({
  ticketId,
  elementId: TicketElement.survey,
  action: 'notice_sent_on',
  data: { round: round ?? 1, ...data },
  dedupeKey: `${perRound('notify', round)}:sent-on:${data.channel}`,
});

export const surveyRequestedEvent = (ticketId: number, round: number | undefined): TicketEventRecord => ({
  ticketId,
  elementId: TicketElement.survey,
  action: 'survey_requested',
  data: { round: round ?? 1 },
  dedupeKey: perRound('survey_requested', round),
});

export const reopenedEvent = (
  ticketId: number,
  input: { round: number; by: string; reason: string },
): TicketEventRecord => ({
  ticketId,
  elementId: TicketElement.reopen,
  action: 'reopened',
  actor: input.by,
  data: { round: input.round, reason: input.reason },
  dedupeKey: `reopen:${input.round}`,
});

export const surveyAnsweredEvent = (ticketId: number, data: Record<string, unknown>): TicketEventRecord => ({
  ticketId,
  elementId: TicketElement.survey,
  action: 'survey_answered',
  data,
  dedupeKey: 'survey',
});

export const complaintOpenedEvent = (ticketId: number, data: Record<string, unknown>): TicketEventRecord => ({
  ticketId,
  elementId: TicketElement.handleComplaint,
  action: 'complaint_opened',
  data,
  dedupeKey: 'complaint_opened',
});

export const COMPLAINT_RESOLVED_KEY = 'complaint_resolved';

export const complaintResolvedEvent = (
  ticketId: number,
  operatorId: string,
  resolution: string,
  at: Date,
): TicketEventRecord => ({
  ticketId,
  elementId: TicketElement.handleComplaint,
  action: 'complaint_resolved',
  actor: operatorId,
  data: { resolution },
  dedupeKey: COMPLAINT_RESOLVED_KEY,
  at,
});

/** The survey answered (or expired, shared key: only one of them happens) and the ticket closed. */
export const closedEvents = (ticketId: number, survey: { csat: number } | null): TicketEventRecord[] => [
  survey
    ? surveyAnsweredEvent(ticketId, { csat: survey.csat })
    : { ticketId, elementId: TicketElement.surveyExpired, action: 'survey_expired', dedupeKey: 'survey' },
  { ticketId, elementId: TicketElement.closed, action: 'closed', dedupeKey: 'closed' },
];

/**
 * SLA events: each names its element in escalation.bpmn (pause and restart on reopening:
 * ticket.bpmn). Dedupe keys read `sla:<step>:<target>`, target `response`, `resolution` or
 * `handover:<n>` (none: the agreement's two clocks), so each target's run through the diagram can
 * be told apart; a reopening's round or an SLA change adds a suffix after the target.
 */
export const slaEventElement = {
  sla_started: EscalationElement.started,
  sla_paused: TicketElement.waitingForClient,
  sla_resumed: TicketElement.waitingForClient,
  // A reopening starts the resolution clock again: recorded where the ticket is, like the pause.
  sla_restarted: TicketElement.reopen,
  sla_warned: EscalationElement.warning,
  sla_breached: EscalationElement.breached,
  sla_met: EscalationElement.met,
  sla_changed: EscalationElement.clock,
  sla_rearmed: EscalationElement.clock,
} as const;

export type SlaEventAction = keyof typeof slaEventElement;

export const slaChangedEvent = (
  ticketId: number,
  input: { actor: string; change: number },
  agreementId: number,
): TicketEventRecord => ({
  ticketId,
  elementId: slaEventElement.sla_changed,
  action: 'sla_changed',
  actor: input.actor,
  data: { agreementId },
  dedupeKey: `sla:changed:${input.change}`,
});

/** An escalation as the workflow keyed it, with the steps around it and, under an OLA, the next line's clock. */
export function escalationEvents(
  ticketId: number,
  input: { level: number | null; target?: string; actor?: string; reason?: string; dedupeKey: string },
  move: { fromLine: number; toLine: number; queue: string; moved: boolean },
  ola: { handover: number; supportLine: number; handoverSeconds: number } | undefined,
): TicketEventRecord[] {
  const actor = input.actor ?? null;
  const escalated: TicketEventRecord = {
    ticketId,
    elementId: input.level === null ? EscalationElement.escalateManually : escalationLevelElement(input.level),
    action: 'sla_escalated',
    actor,
    data: { level: input.level, target: input.target ?? null, reason: input.reason ?? null, ...move },
    dedupeKey: input.dedupeKey,
  };
  const step = (elementId: string, action: string, suffix: string, data: Record<string, unknown> = {}) => ({
    ticketId,
    elementId,
    action,
    actor,
    data,
    dedupeKey: `${input.dedupeKey}:${suffix}`,
  });
  // By hand: the operator's request (the message event), the handover, and its end. After level 3: the end of escalation.
  const events =
    input.level === null
      ? [
          step(EscalationElement.manual, 'handover_requested', 'requested', { reason: input.reason ?? null }),
          escalated,
          step(EscalationElement.escalatedManually, 'handed_over', 'done', { toLine: move.toLine }),
        ]
      : input.level >= 3
        ? [escalated, step(EscalationElement.escalated, 'levels_exhausted', 'done', { supportLine: move.toLine })]
        : [escalated];
  if (!ola) return events;
  // The line taking the ticket starts its OLA clock: the workflow counts its handovers the same way (one per move under an OLA).
  const clock = `handover:${ola.handover}`;
  const data = { target: 'handover', ...ola };
  return [
    ...events,
    { ticketId, elementId: EscalationElement.started, action: 'ola_started', data, dedupeKey: `sla:started:${clock}` },
    { ticketId, elementId: EscalationElement.clock, action: 'clock_started', data, dedupeKey: `sla:clock:${clock}` },
  ];
}

/** The BPMN steps of a staff notice by its purpose's kind: the send task and the end event after it. */
const staffNoticeSteps: Record<string, { task: string; done: string; key: string }> = {
  'sla-warning': { task: EscalationElement.notifyAssignee, done: EscalationElement.warned, key: 'warning' },
  'sla-breach': { task: EscalationElement.notifyManager, done: EscalationElement.managerNotified, key: 'breach' },
};

/**
 * The events around a staff notice (purpose `sla-warning:<target>`, `sla-breach:<target>`);
 * undefined for a level's notice, which is part of its escalation task.
 */
export function staffNoticeEvents(ticketId: number, purpose: string) {
  const [kind, ...target] = purpose.split(':');
  const steps = staffNoticeSteps[kind!];
  if (!steps) return undefined;
  const key = `${steps.key}:${target.join(':')}`;
  const event = (elementId: string, action: string, step: string, data: Record<string, unknown>) => ({
    ticketId,
    elementId,
    action,
    data: { purpose, ...data },
    dedupeKey: `sla:${step}-${key}`,
  });
  return {
    sending: (): TicketEventRecord => event(steps.task, 'notice_sending', 'notify', {}),
    sent: (to: string[]): TicketEventRecord => event(steps.done, 'notice_sent', 'notified', { to }),
  };
}
