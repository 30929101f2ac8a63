import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { TicketStage } from '../src/domain/process';
import {
  applyNewTerms,
  newTarget,
  nextAlarm,
  pausesWhileWaitingForClient,
  reopenTarget,
  slaStatus,
  targetKey,
  type SlaAlarm,
  type SlaTarget,
} from './sla';
import { isComplaint } from '../src/domain/survey';
import {
  TicketFailure,
  type AcceptRequest,
  type IntakeOutcome,
  type ComplaintResolution,
  type ComplaintResolved,
  type ChangeSlaRequest,
  type EscalateRequest,
  type Escalated,
  type PauseRequest,
  type SlaStart,
  type SlaStatus,
  type SlaTerms,
  type IntakeResult,
  type Reopened,
  type ReopenRequest,
  type MoveRequest,
  type Moved,
  type ReassignRequest,
  type TransferRequest,
  type Resolved,
  type ResolveRequest,
  type SurveyAnswer,
  type TicketDetails,
  type TicketOutcome,
  type TicketWorkflowInput,
  type WorkRecorded,
  type WorkRequest,
} from './types';

type Activities = ReturnType<typeof createActivities>;

/** Database steps are short: run them as local activities, retried until the database answers. */
const db = proxyLocalActivities<Activities>({
  startToCloseTimeout: '15s',
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '30s' },
});

/** Talking to the outside world may be slow or down for a while. */
const channels = proxyActivities<Activities>({
  startToCloseTimeout: '60s',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '5m' },
});

export const intakeUpdate = defineUpdate<IntakeResult>('intake');
export const acceptUpdate = defineUpdate<TicketDetails, [AcceptRequest]>('accept');
export const recordWorkUpdate = defineUpdate<WorkRecorded, [WorkRequest]>('recordWork');
export const resolveUpdate = defineUpdate<Resolved, [ResolveRequest]>('resolve');
export const reassignUpdate = defineUpdate<Moved, [ReassignRequest]>('reassign');
export const returnToQueueUpdate = defineUpdate<Moved, [MoveRequest]>('returnToQueue');
export const transferUpdate = defineUpdate<Moved, [TransferRequest]>('transfer');
export const waitForClientUpdate = defineUpdate<SlaStatus, [PauseRequest]>('waitForClient');
export const resumeUpdate = defineUpdate<SlaStatus, [{ operatorId: string }]>('resume');
export const escalateUpdate = defineUpdate<Escalated, [EscalateRequest]>('escalate');
export const changeSlaUpdate = defineUpdate<SlaStatus, [ChangeSlaRequest]>('changeSla');
export const surveyAnsweredSignal = defineSignal<[SurveyAnswer]>('surveyAnswered');
export const reopenUpdate = defineUpdate<Reopened, [ReopenRequest]>('reopen');
export const resolveComplaintUpdate = defineUpdate<ComplaintResolved, [ComplaintResolution]>('resolveComplaint');
export const stageQuery = defineQuery<TicketStage>('stage');
export const slaQuery = defineQuery<SlaStatus>('sla');

/** Changes to the ticket's commands; tickets started before a change replay the code they ran. */
export const TicketPatch = {
  /** Reopen while the survey waits, and the complaint step after a low score or a complaint. */
  reopenAndComplaint: 'reopen-and-complaint',
  /** Register, classify and queue in one local activity (one round trip, fewer history events). */
  intakeInOneStep: 'intake-in-one-step',
  /** An SLA change arms again the warning and breach the time used has not reached under the new terms. */
  slaChangeRearms: 'sla-change-rearms',
  /** Resolving stops the resolution clock; a reopening runs it again with the time used, its alarms per round. */
  slaReopenRounds: 'sla-reopen-rounds',
  /**
   * That local activity also starts the SLA clock and plans its first deadlines: the first
   * timer starts in the workflow task that answers the intake, with no SLA local activities.
   * Implies 'sla-timers', 'intake-in-one-step' and 'auto-assign-least-load', which are then not asked.
   */
  intakeWithSla: 'intake-with-sla',
} as const;

/** Tickets started before register, classify and queue became one local activity run them one by one. */
async function intakeStepByStep(intake: TicketWorkflowInput['intake']): Promise<IntakeOutcome> {
  const registered = await db.registerTicket(intake);
  const classified = await db.classifyTicket({
    ticketId: intake.ticketId,
    subject: intake.subject,
    description: intake.description,
    clientCategory: registered.clientCategory,
  });
  const queued = await db.enqueueTicket({ ticketId: intake.ticketId, category: classified.category });
  return { registered, classified, queued };
}

const reject = (type: string, message: string) => ApplicationFailure.create({ type, message, nonRetryable: true });

/**
 * register → classify → queue → accept → execute → notify → survey, one workflow per ticket.
 * While the survey waits the ticket may be reopened (back to execute, then notified again);
 * a low score or a complaint goes to a manager before the ticket closes.
 */
export async function ticketWorkflow({ intake, surveyTimeoutMs }: TicketWorkflowInput): Promise<TicketOutcome> {
  const { ticketId } = intake;
  // Patches only accumulate: a ticket with the newest has every older one, so new tickets record
  // one marker (and one search-attribute upsert) at start instead of one per patch.
  const intakeWithSla = patched(TicketPatch.intakeWithSla);
  // Tickets started before SLA clocks existed replay without them.
  const slaClocks = intakeWithSla || patched('sla-timers');
  let stage: TicketStage = 'registering';
  let queued: IntakeResult | undefined;
  let assigneeId: string | undefined;
  let queueGroupId: number | undefined;
  let resolved = false;
  /** A reassign, return or transfer is being written: nothing else may start on the ticket meanwhile. */
  let moving = false;
  let answer: SurveyAnswer | undefined;
  /** 1 for the first resolution; each reopening adds one (notices and events are per round). */
  let round = 1;
  /** Only tickets on the patched path may be reopened: the old code has nowhere to go back to. */
  let reopenable = false;
  let reopening = false;
  let complaint: 'none' | 'open' | 'resolving' | 'resolved' = 'none';
  /** The running SLA clock: the first from intake, another after each reopening that resumes it. */
  let slaClock: Promise<void> | undefined;

  // SLA state: the agreement's targets; every change bumps the version so the clock re-plans.
  let terms: SlaTerms | null = null;
  const targets: SlaTarget[] = [];
  let slaVersion = 0;
  let supportLine = 1;
  let acceptances = 0;
  let pauses = 0;
  let slaChanges = 0;
  let manualEscalations = 0;
  const now = () => new Date(Date.now()).toISOString();
  const target = (kind: 'response' | 'resolution') => targets.find((t) => t.kind === kind);

  // Local activities of handlers and of the SLA clock never run at the same time: two in flight
  // may complete in either order, and replay could then order the commands after them differently.
  let slaBusy = false;
  const exclusive = async <T>(work: () => Promise<T>): Promise<T> => {
    if (!slaClocks) return work();
    await condition(() => !slaBusy);
    slaBusy = true;
    try {
      return await work();
    } finally {
      slaBusy = false;
    }
  };

  setHandler(stageQuery, () => stage);
  setHandler(slaQuery, () => slaStatus(terms?.agreementId ?? null, supportLine, targets));

  setHandler(intakeUpdate, async () => {
    await condition(() => queued !== undefined);
    return queued!;
  });

  /** Stops a target's clock, adding the business time it ran to what it has used. */
  const stopClock = async (t: SlaTarget, agreementId: number | null) => {
    if (t.runningSince === null) return;
    const since = t.runningSince;
    t.runningSince = null;
    t.plan = undefined;
    t.usedMs += await db.measureSlaTime({ ticketId, agreementId, from: new Date(since).toISOString(), to: now() });
  };

  /** A target is met: its clock stops for good and the record says whether it was in time. */
  const meet = async (t: SlaTarget) => {
    if (t.met) return;
    t.met = true;
    await db.recordSlaEvent({
      ticketId,
      action: 'sla_met',
      target: t.kind,
      data: {
        late: t.breached,
        handover: t.kind === 'handover' ? t.index : undefined,
        ...((t.round ?? 1) > 1 ? { round: t.round } : {}),
      },
      dedupeKey: `sla:met:${targetKey(t)}`,
    });
  };

  /** The ticket moved up a line: it waits in the new queue, unassigned, and that line's OLA starts. */
  const applyEscalation = (moved: Escalated) => {
    if (!moved.moved) return;
    supportLine = moved.supportLine;
    queueGroupId = moved.groupId;
    queued = { ...queued!, queue: moved.queue };
    if (stage === 'in_work') stage = 'queued';
    assigneeId = undefined;
    if (moved.handover) {
      const index = targets.filter((t) => t.kind === 'handover').length + 1;
      targets.push(
        newTarget('handover', moved.handover.ms, Date.now(), {
          warningShare: terms?.warningShare ?? 0.8,
          recipients: moved.handover.recipients,
          index,
        }),
      );
    }
    slaVersion++;
  };

  setHandler(
    acceptUpdate,
    async ({ operatorId }) => {
      // Claimed before the first await: a second accept in the same activation is refused.
      if (assigneeId !== undefined)
        throw reject(TicketFailure.alreadyAccepted, `ticket ${ticketId} is already accepted by ${assigneeId}`);
      assigneeId = operatorId;
      acceptances++;
      const acceptance = acceptances;
      return exclusive(async () => {
        const details = await db.acceptTicket(
          slaClocks ? { ticketId, operatorId, acceptance } : { ticketId, operatorId },
        );
        stage = 'in_work';
        if (slaClocks)
          for (const t of targets.filter((t) => !t.met && (t.kind === 'response' || t.kind === 'handover')))
            await meet(t);
        slaVersion++;
        return details;
      });
    },
    {
      validator: ({ operatorId, operatorGroupIds }) => {
        if (moving) throw reject(TicketFailure.notQueued, `ticket ${ticketId} is being moved`);
        if (assigneeId !== undefined)
          throw reject(TicketFailure.alreadyAccepted, `ticket ${ticketId} is already accepted by ${assigneeId}`);
        if (stage !== 'queued') throw reject(TicketFailure.notQueued, `ticket ${ticketId} is ${stage}, not queued`);
        if (!operatorGroupIds.includes(queueGroupId!)) {
          throw reject(
            TicketFailure.notInQueueGroup,
            `operator ${operatorId} is not in the group of queue ${queued!.queue.code}`,
          );
        }
      },
    },
  );

  const assertWorking = (operatorId: string) => {
    if (stage !== 'in_work') throw reject(TicketFailure.notInWork, `ticket ${ticketId} is ${stage}, not in work`);
    if (operatorId !== assigneeId)
      throw reject(TicketFailure.notAssignee, `ticket ${ticketId} is assigned to ${assigneeId}, not ${operatorId}`);
  };

  setHandler(recordWorkUpdate, (request) => exclusive(() => db.recordWork({ ticketId, ...request })), {
    validator: ({ operatorId }) => assertWorking(operatorId),
  });

  /** The assignee or a manager may move a ticket; nobody moves one being resolved or already moving. */
  const assertMayMove = ({ actorId, actorIsManager, actorGroupIds, reason }: MoveRequest, stages: TicketStage[]) => {
    const accepting = stage === 'queued' && assigneeId !== undefined;
    if (moving || resolved || accepting || !stages.includes(stage)) {
      throw reject(
        TicketFailure.notInWork,
        `ticket ${ticketId} is ${moving ? 'being moved' : accepting ? 'being accepted' : stage}; it can be moved only when ${stages.join(' or ')}`,
      );
    }
    const triage = stage === 'queued' && actorGroupIds.includes(queueGroupId!);
    if (!actorIsManager && actorId !== assigneeId && !triage)
      throw reject(
        TicketFailure.notAllowed,
        `only the assignee, the queue's group or a manager may move ticket ${ticketId}`,
      );
    if (!reason?.trim()) throw reject(TicketFailure.invalidRequest, 'a reason is required');
  };

  const movedTo = (): Moved => ({ ticketId, stage, assigneeId: assigneeId ?? null, queue: queued!.queue });

  setHandler(
    reassignUpdate,
    async (request) => {
      const from = assigneeId!;
      assigneeId = request.toOperatorId;
      moving = true;
      try {
        await exclusive(() => db.reassignTicket({ ticketId, from, ...request }));
      } finally {
        moving = false;
      }
      return movedTo();
    },
    {
      validator: (request) => {
        assertMayMove(request, ['in_work']);
        if (request.toOperatorId === assigneeId)
          throw reject(TicketFailure.invalidRequest, `ticket ${ticketId} is already assigned to ${assigneeId}`);
        if (!request.toOperatorGroupIds.includes(queueGroupId!))
          throw reject(
            TicketFailure.notInQueueGroup,
            `operator ${request.toOperatorId} is not in the group of queue ${queued!.queue.code}`,
          );
      },
    },
  );

  setHandler(
    returnToQueueUpdate,
    async (request) => {
      const from = assigneeId!;
      moving = true;
      try {
        await exclusive(() => db.returnTicketToQueue({ ticketId, from, ...request }));
        assigneeId = undefined;
        stage = 'queued';
      } finally {
        moving = false;
      }
      return movedTo();
    },
    { validator: (request) => assertMayMove(request, ['in_work']) },
  );

  setHandler(
    transferUpdate,
    async (request) => {
      moving = true;
      try {
        const placed = await exclusive(() => db.transferTicket({ ticketId, from: assigneeId ?? null, ...request }));
        queueGroupId = placed.groupId;
        queued = { ...queued!, queue: { id: placed.queueId, code: placed.queueCode } };
        assigneeId = undefined;
        stage = 'queued';
      } finally {
        moving = false;
      }
      return movedTo();
    },
    {
      validator: (request) => {
        assertMayMove(request, ['queued', 'in_work']);
        if (request.toQueueId === queued!.queue.id)
          throw reject(TicketFailure.invalidRequest, `ticket ${ticketId} is already in queue ${queued!.queue.code}`);
      },
    },
  );

  /** Past the resolution deadline: the clock's breach, or the deadline passed before its timer fired. */
  const overdue = () => {
    const t = target('resolution');
    return !!t && (t.breached || (t.runningSince !== null && !!t.plan && Date.now() >= Date.parse(t.plan.dueAt)));
  };

  setHandler(
    resolveUpdate,
    async ({ operatorId, resolution, overdueReason, overdueNote }) =>
      exclusive(async () => {
        const result = await db.resolveTicket({
          ticketId,
          operatorId,
          resolution,
          round,
          ...(slaClocks ? { overdueReason, overdueNote } : {}),
        });
        resolved = true;
        const t = target('resolution');
        // The time used is kept for a reopening: the clock stops here, and what it ran is measured.
        if (t && !t.met && t.runningSince !== null && patched(TicketPatch.slaReopenRounds))
          await stopClock(t, terms!.agreementId);
        if (t) await meet(t);
        slaVersion++;
        return result;
      }),
    {
      validator: ({ operatorId, resolution, overdueReason }) => {
        assertWorking(operatorId);
        if (resolved) throw reject(TicketFailure.notInWork, `ticket ${ticketId} is being resolved`);
        if (!resolution?.trim()) throw reject(TicketFailure.invalidRequest, 'resolution text is required');
        if (slaClocks && overdue() && !overdueReason) {
          throw reject(
            TicketFailure.overdueReasonRequired,
            `ticket ${ticketId} is past its resolution deadline (${target('resolution')!.plan?.dueAt ?? 'breached'}): overdueReason is required`,
          );
        }
      },
    },
  );

  setHandler(
    waitForClientUpdate,
    async ({ operatorId, reason }) =>
      exclusive(async () => {
        stage = 'waiting_for_client';
        pauses++;
        for (const paused of targets.filter((t) => pausesWhileWaitingForClient(t.kind)))
          await stopClock(paused, terms!.agreementId);
        const t = target('resolution');
        await db.recordSlaEvent({
          ticketId,
          action: 'sla_paused',
          target: 'resolution',
          actor: operatorId,
          data: { reason, usedMs: t?.usedMs ?? null },
          dedupeKey: `sla:paused:${pauses}`,
        });
        slaVersion++;
        return slaStatus(terms?.agreementId ?? null, supportLine, targets);
      }),
    {
      validator: ({ operatorId, reason }) => {
        if (!slaClocks) throw reject(TicketFailure.noSla, `ticket ${ticketId} predates SLA clocks`);
        assertWorking(operatorId);
        if (resolved) throw reject(TicketFailure.notInWork, `ticket ${ticketId} is being resolved`);
        if (!reason?.trim())
          throw reject(TicketFailure.invalidRequest, 'reason is required: what the ticket waits for from the client');
      },
    },
  );

  setHandler(
    resumeUpdate,
    async ({ operatorId }) =>
      exclusive(async () => {
        stage = 'in_work';
        for (const paused of targets.filter((t) => pausesWhileWaitingForClient(t.kind) && !t.met))
          paused.runningSince = Date.now();
        const t = target('resolution');
        await db.recordSlaEvent({
          ticketId,
          action: 'sla_resumed',
          target: 'resolution',
          actor: operatorId,
          data: { usedMs: t?.usedMs ?? null },
          dedupeKey: `sla:resumed:${pauses}`,
        });
        slaVersion++;
        return slaStatus(terms?.agreementId ?? null, supportLine, targets);
      }),
    {
      validator: ({ operatorId }) => {
        if (stage !== 'waiting_for_client')
          throw reject(TicketFailure.notWaiting, `ticket ${ticketId} is ${stage}, not waiting for the client`);
        if (operatorId !== assigneeId)
          throw reject(TicketFailure.notAssignee, `ticket ${ticketId} is assigned to ${assigneeId}, not ${operatorId}`);
      },
    },
  );

  setHandler(
    escalateUpdate,
    async ({ operatorId, reason }) =>
      exclusive(async () => {
        manualEscalations++;
        const moved = await db.escalateTicket({
          ticketId,
          level: null,
          actor: operatorId,
          reason: reason.trim(),
          dedupeKey: `sla:escalated:manual:${manualEscalations}`,
        });
        applyEscalation(moved);
        return moved;
      }),
    {
      validator: ({ operatorId, isManager, reason }) => {
        if (!slaClocks) throw reject(TicketFailure.noSla, `ticket ${ticketId} predates SLA clocks`);
        if (stage !== 'queued' && stage !== 'in_work')
          throw reject(
            TicketFailure.notInWork,
            `ticket ${ticketId} is ${stage}: only a queued or worked ticket is escalated`,
          );
        if (!isManager && operatorId !== assigneeId)
          throw reject(
            TicketFailure.notAssignee,
            `only the assignee (${assigneeId ?? 'nobody yet'}) or a manager escalates ticket ${ticketId}`,
          );
        if (!reason?.trim())
          throw reject(TicketFailure.invalidRequest, 'reason is required: why the ticket goes to the next line');
        if (supportLine >= 3) throw reject(TicketFailure.topLine, `ticket ${ticketId} is already on the third line`);
      },
    },
  );

  /**
   * A manager moves the ticket to another agreement; time already used stays used. A warning or
   * breach not reached under the new terms is armed again (see applyNewTerms).
   */
  const changeSla = async ({ operatorId, agreementId }: ChangeSlaRequest): Promise<SlaStatus> => {
    slaChanges++;
    const change = slaChanges;
    const previous = terms!.agreementId;
    const next: SlaTerms | null = await db.changeSla({ ticketId, agreementId, actor: operatorId, change });
    if (!next) throw reject(TicketFailure.invalidRequest, `agreement ${agreementId} does not exist`);
    const rearms = patched(TicketPatch.slaChangeRearms);
    const rearmed: SlaTarget[] = [];
    // Time used so far is measured on the old agreement's calendar and kept; the terms change.
    for (const t of targets.filter((t) => !t.met && t.kind !== 'handover')) {
      const running = t.runningSince !== null;
      await stopClock(t, previous);
      if (running) t.runningSince = Date.now();
      const newTerms = {
        budgetMs: t.kind === 'response' ? next.responseMs : next.resolutionMs,
        warningShare: next.warningShare,
        escalationAfterMs: next.escalationAfterMs,
      };
      if (rearms) {
        if (applyNewTerms(t, newTerms, change)) rearmed.push(t);
      } else {
        Object.assign(t, newTerms);
        t.plan = undefined;
      }
    }
    terms = next;
    if (rearmed.length > 0) {
      await db.recordSlaEvent({
        ticketId,
        action: 'sla_rearmed',
        actor: operatorId,
        data: {
          agreementId: next.agreementId,
          targets: rearmed.map((t) => ({
            target: t.kind,
            usedMs: t.usedMs,
            budgetMs: t.budgetMs,
            warned: t.warned,
            breached: t.breached,
          })),
        },
        dedupeKey: `sla:rearmed:${change}`,
        clearBreach: !targets.some((t) => t.kind !== 'handover' && t.breached),
      });
    }
    slaVersion++;
    return slaStatus(next.agreementId, supportLine, targets);
  };
  setHandler(changeSlaUpdate, (request) => exclusive(() => changeSla(request)), {
    // The validator names its argument so the SDK infers the update's argument types from it.
    validator: ({ agreementId }) => {
      if (!Number.isInteger(agreementId)) throw reject(TicketFailure.invalidRequest, 'agreementId must be an integer');
      if (!slaClocks || !terms) throw reject(TicketFailure.noSla, `ticket ${ticketId} runs under no SLA`);
      if (resolved || stage === 'closed') throw reject(TicketFailure.notInWork, `ticket ${ticketId} is ${stage}`);
    },
  });

  setHandler(surveyAnsweredSignal, (survey) => {
    if (stage === 'awaiting_survey' && answer === undefined && !reopening) answer = survey;
  });

  setHandler(
    reopenUpdate,
    async (request) => {
      reopening = true;
      try {
        const reopened = await exclusive(async () => {
          const done = await db.reopenTicket({
            ticketId,
            round: round + 1,
            by: request.by,
            reason: request.reason.trim(),
          });
          const t = target('resolution');
          // Stopped and measured at the resolution (tickets resolved before that keep no clock after a reopening).
          if (t?.met && t.runningSince === null && patched(TicketPatch.slaReopenRounds)) {
            reopenTarget(t, round + 1, Date.now());
            await db.recordSlaEvent({
              ticketId,
              action: 'sla_restarted',
              target: 'resolution',
              data: { round: round + 1, usedMs: t.usedMs, budgetMs: t.budgetMs },
              dedupeKey: `sla:restarted:${round + 1}`,
            });
            slaVersion++;
            // After a reopening: the clock of the new round, awaited like the first.
            slaClock = clockUntilMet();
          }
          return done;
        });
        round += 1;
        resolved = false;
        stage = 'in_work';
        return reopened;
      } finally {
        reopening = false;
      }
    },
    {
      validator: ({ reason }) => {
        if (!reopenable || stage !== 'awaiting_survey' || answer !== undefined || reopening) {
          throw reject(
            TicketFailure.notAwaitingSurvey,
            `ticket ${ticketId} is ${stage}: only a resolved ticket awaiting its survey can be reopened`,
          );
        }
        if (!reason?.trim()) throw reject(TicketFailure.invalidRequest, 'a reason to reopen is required');
      },
    },
  );

  setHandler(
    resolveComplaintUpdate,
    async (request) => {
      complaint = 'resolving';
      const result = await exclusive(() =>
        db.resolveComplaint({ ticketId, operatorId: request.operatorId, resolution: request.resolution.trim() }),
      );
      complaint = 'resolved';
      return result;
    },
    {
      validator: ({ resolution }) => {
        if (complaint !== 'open')
          throw reject(TicketFailure.noOpenComplaint, `ticket ${ticketId} has no open complaint`);
        if (!resolution?.trim())
          throw reject(TicketFailure.invalidRequest, 'the complaint resolution text is required');
      },
    },
  );

  // Staff notices are sent alongside, not awaited: a mail server that is down for a while must
  // hold up neither the next timer nor an operator's action. The clock waits for them at its end.
  const notices: Promise<unknown>[] = [];
  const noticeToStaff = (notice: Parameters<typeof channels.notifyStaff>[0]) => {
    notices.push(channels.notifyStaff(notice));
  };

  /** What the clock does when an alarm is due: one activity (or two) per event, no polling. */
  const fire = async ({ target: t, kind }: SlaAlarm) => {
    // A pause or an accept in the same activation as the timer wins over the alarm.
    if (t.met || t.runningSince === null || !t.plan) return;
    const key = targetKey(t);
    const perRound = (t.round ?? 1) > 1 ? { round: t.round } : {};
    if (kind === 'warn') {
      t.warned = true;
      await db.recordSlaEvent({
        ticketId,
        action: 'sla_warned',
        target: t.kind,
        data: { dueAt: t.plan!.dueAt, assigneeId: assigneeId ?? null, ...perRound },
        dedupeKey: `sla:warned:${key}`,
      });
      noticeToStaff({
        ticketId,
        purpose: `sla-warning:${key}`,
        to: assigneeId
          ? { operatorIds: [assigneeId] }
          : t.kind === 'handover'
            ? { operatorIds: t.recipients }
            : { managers: true },
        subject: `Заявка №${ticketId}: скоро срок SLA / Ticket ${ticketId}: SLA deadline near`,
        text: `${t.kind} due at ${t.plan!.dueAt}`,
      });
    } else if (kind === 'breach') {
      t.breached = true;
      // Where on the clock the breach came: the planned budget, or the time used if that was past it.
      t.breachedAtUsedMs = Math.max(t.budgetMs, t.usedMs);
      await db.recordSlaEvent({
        ticketId,
        action: 'sla_breached',
        target: t.kind,
        data: { dueAt: t.plan!.dueAt, supportLine, ...perRound },
        dedupeKey: `sla:breached:${key}`,
      });
      noticeToStaff({
        ticketId,
        purpose: `sla-breach:${key}`,
        to: t.kind === 'handover' ? { operatorIds: t.recipients } : { managers: true },
        subject: `Заявка №${ticketId}: нарушен срок SLA / Ticket ${ticketId}: SLA breached`,
        text: `${t.kind} was due at ${t.plan!.dueAt}; the ticket is on line ${supportLine}`,
      });
    } else {
      t.escalations++;
      const level = t.escalations;
      const moved = await db.escalateTicket({
        ticketId,
        level,
        target: t.kind,
        dedupeKey: `sla:escalated:${key}:${level}`,
      });
      applyEscalation(moved);
      const recipients = t.kind === 'handover' ? t.recipients : (terms?.escalationRecipients[level - 1] ?? []);
      noticeToStaff({
        ticketId,
        purpose: `sla-escalation:${key}:${level}`,
        to: { operatorIds: recipients },
        subject: `Заявка №${ticketId}: эскалация, уровень ${level} / Ticket ${ticketId}: escalation level ${level}`,
        text: `${t.kind} breached at ${t.plan!.dueAt}; the ticket is now on line ${moved.supportLine} (queue ${moved.queue.code})`,
      });
    }
  };

  /**
   * The SLA clock: one durable timer at a time, for the nearest alarm of any target. Deadlines
   * come from an activity on the business calendar; a pause, resume, accept or SLA change
   * wakes the clock to plan again from the time left.
   */
  const runSlaClock = async (startedAt: number, startedByIntake?: SlaStart | null) => {
    const started =
      startedByIntake !== undefined
        ? startClock(startedAt, startedByIntake)
        : await exclusive(async () => {
            terms = await db.startSla({ ticketId });
            if (!terms) return false;
            targets.push(
              newTarget('response', terms.responseMs, startedAt, terms),
              newTarget('resolution', terms.resolutionMs, startedAt, terms),
            );
            // An accept (or even the resolution) that came while the agreement was being looked up.
            if (acceptances > 0) await meet(target('response')!);
            if (resolved) await meet(target('resolution')!);
            return true;
          });
    if (!started) return;
    await clockUntilMet(startedByIntake !== undefined);
  };

  /** The clock runs until every target is met; the notices it sent are awaited before the client is told. */
  const clockUntilMet = async (planned = false) => {
    try {
      await clockLoop(planned);
    } finally {
      await Promise.all(notices);
    }
  };

  /** The clock as intake started it, already planned: nothing can have been accepted before intake answered. */
  const startClock = (startedAt: number, start: SlaStart | null) => {
    if (!start) return false;
    terms = start.terms;
    targets.push(
      { ...newTarget('response', start.terms.responseMs, startedAt, start.terms), plan: start.plans.response },
      { ...newTarget('resolution', start.terms.resolutionMs, startedAt, start.terms), plan: start.plans.resolution },
    );
    return true;
  };

  /** `planned`: intake planned both targets, so the first pass plans nothing and needs no turn in the exclusive section. */
  const clockLoop = async (planned = false) => {
    for (let first = true; ; first = false) {
      const open = targets.filter((t) => !t.met);
      if (open.length === 0) return;
      const seen = slaVersion;
      if (!(planned && first))
        await exclusive(async () => {
          for (const t of open) {
            if (t.runningSince === null || t.plan || slaVersion !== seen) continue;
            t.plan = await db.planSlaTarget({
              ticketId,
              agreementId: t.kind === 'handover' ? null : terms!.agreementId,
              target: t.kind,
              from: new Date(t.runningSince).toISOString(),
              budgetMs: t.budgetMs,
              usedMs: t.usedMs,
              warningShare: t.warningShare,
              escalationAfterMs: t.escalationAfterMs,
              ...(t.breached && t.breachedAtUsedMs !== undefined ? { breachedAtUsedMs: t.breachedAtUsedMs } : {}),
            });
          }
        });
      if (slaVersion !== seen) continue;
      const alarm = nextAlarm(open);
      // Workflow time stands still while local activities run in one workflow task, and the
      // timer starts only when that task completes: count from the planner's clock when later.
      const clock = Math.max(Date.now(), ...open.map((t) => (t.plan?.computedAt ? Date.parse(t.plan.computedAt) : 0)));
      const changed = alarm
        ? await condition(() => slaVersion !== seen, Math.max(1, alarm.at - clock))
        : await condition(() => slaVersion !== seen).then(() => true);
      if (!changed && alarm) await exclusive(() => fire(alarm));
    }
  };

  const slaStartedAt = Date.now();
  const {
    classified,
    queued: placed,
    sla: slaStart,
  } = intakeWithSla
    ? await db.intakeTicket(intake, { startedAt: new Date(slaStartedAt).toISOString() })
    : patched(TicketPatch.intakeInOneStep)
      ? await db.intakeTicket(intake)
      : await intakeStepByStep(intake);
  queueGroupId = placed.groupId;
  stage = 'queued';
  queued = { ticketId, stage, ...classified, queue: { id: placed.queueId, code: placed.queueCode } };
  log.info('ticket queued', { ticketId, queue: placed.queueCode, category: classified.category });
  slaClock = !slaClocks
    ? undefined
    : intakeWithSla
      ? runSlaClock(slaStartedAt, slaStart ?? null)
      : runSlaClock(Date.now());

  // Only queues set to auto-assign name an assignee, so tickets recorded before this never reach the patch.
  if (placed.autoAssignee && (intakeWithSla || patched('auto-assign-least-load'))) {
    const operatorId = placed.autoAssignee;
    assigneeId = operatorId;
    acceptances++;
    const acceptance = acceptances;
    await exclusive(async () => {
      await db.acceptTicket(slaClocks ? { ticketId, operatorId, acceptance } : { ticketId, operatorId });
      stage = 'in_work';
      if (slaClocks)
        for (const t of targets.filter((t) => !t.met && (t.kind === 'response' || t.kind === 'handover')))
          await meet(t);
      slaVersion++;
    });
  }

  for (;;) {
    await condition(() => resolved);
    stage = 'resolved';
    await slaClock;

    await channels.notifyClient({ ticketId, round });
    stage = 'awaiting_survey';

    if (!patched(TicketPatch.reopenAndComplaint)) {
      const answered = await condition(() => answer !== undefined, surveyTimeoutMs);
      await db.closeTicket({ ticketId, survey: answered ? answer! : null });
      break;
    }

    reopenable = true;
    const surveyRound = round;
    const answered = await condition(() => answer !== undefined || reopening || round !== surveyRound, surveyTimeoutMs);
    // A reopening under way wins over the survey timer that fired meanwhile.
    await condition(() => !reopening);
    if (round !== surveyRound) continue;

    if (answered) {
      const opensComplaint = isComplaint(answer!);
      if (opensComplaint) stage = 'complaint';
      await db.takeSurveyAnswer({ ticketId, survey: answer!, opensComplaint });
      if (opensComplaint) {
        complaint = 'open';
        await condition(() => complaint === 'resolved');
      }
    }
    await db.closeTicket({ ticketId, survey: answered ? answer! : null });
    break;
  }
  stage = 'closed';

  await condition(allHandlersFinished);
  return { ticketId, csat: answer?.csat ?? null };
}
