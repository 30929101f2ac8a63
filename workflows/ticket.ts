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
import { isComplaint } from '../src/domain/survey';
import {
  TicketFailure,
  type AcceptRequest,
  type IntakeOutcome,
  type ComplaintResolution,
  type ComplaintResolved,
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
export const surveyAnsweredSignal = defineSignal<[SurveyAnswer]>('surveyAnswered');
export const reopenUpdate = defineUpdate<Reopened, [ReopenRequest]>('reopen');
export const resolveComplaintUpdate = defineUpdate<ComplaintResolved, [ComplaintResolution]>('resolveComplaint');
export const stageQuery = defineQuery<TicketStage>('stage');

/** Changes to the ticket's commands; tickets started before a change replay the code they ran. */
export const TicketPatch = {
  /** Reopen while the survey waits, and the complaint step after a low score or a complaint. */
  reopenAndComplaint: 'reopen-and-complaint',
  /** Register, classify and queue in one local activity (one round trip, fewer history events). */
  intakeInOneStep: 'intake-in-one-step',
} as const;

/** Tickets started before register, classify and queue became one local activity run them one by one. */
async function intakeStepByStep(intake: TicketWorkflowInput['intake']): Promise<IntakeOutcome> {
  const registered = await db.registerTicket(intake);
  const classified = await db.classifyTicket({ ticketId: intake.ticketId, subject: intake.subject, description: intake.description, clientCategory: registered.clientCategory });
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

  setHandler(stageQuery, () => stage);

  setHandler(intakeUpdate, async () => {
    await condition(() => queued !== undefined);
    return queued!;
  });

  setHandler(
    acceptUpdate,
    async ({ operatorId }) => {
      // Claimed before the first await: a second accept in the same activation is refused.
      if (assigneeId !== undefined) throw reject(TicketFailure.alreadyAccepted, `ticket ${ticketId} is already accepted by ${assigneeId}`);
      assigneeId = operatorId;
      const details = await db.acceptTicket({ ticketId, operatorId });
      stage = 'in_work';
      return details;
    },
    {
      validator: ({ operatorId, operatorGroupIds }) => {
        if (moving) throw reject(TicketFailure.notQueued, `ticket ${ticketId} is being moved`);
        if (assigneeId !== undefined) throw reject(TicketFailure.alreadyAccepted, `ticket ${ticketId} is already accepted by ${assigneeId}`);
        if (stage !== 'queued') throw reject(TicketFailure.notQueued, `ticket ${ticketId} is ${stage}, not queued`);
        if (!operatorGroupIds.includes(queueGroupId!)) {
          throw reject(TicketFailure.notInQueueGroup, `operator ${operatorId} is not in the group of queue ${queued!.queue.code}`);
        }
      },
    },
  );

  const assertWorking = (operatorId: string) => {
    if (stage !== 'in_work') throw reject(TicketFailure.notInWork, `ticket ${ticketId} is ${stage}, not in work`);
    if (operatorId !== assigneeId) throw reject(TicketFailure.notAssignee, `ticket ${ticketId} is assigned to ${assigneeId}, not ${operatorId}`);
  };

  setHandler(recordWorkUpdate, (request) => db.recordWork({ ticketId, ...request }), {
    validator: ({ operatorId }) => assertWorking(operatorId),
  });

  /** The assignee or a manager may move a ticket; nobody moves one being resolved or already moving. */
  const assertMayMove = ({ actorId, actorIsManager, actorGroupIds, reason }: MoveRequest, stages: TicketStage[]) => {
    const accepting = stage === 'queued' && assigneeId !== undefined;
    if (moving || resolved || accepting || !stages.includes(stage)) {
      throw reject(TicketFailure.notInWork, `ticket ${ticketId} is ${moving ? 'being moved' : accepting ? 'being accepted' : stage}; it can be moved only when ${stages.join(' or ')}`);
    }
    const triage = stage === 'queued' && actorGroupIds.includes(queueGroupId!);
    if (!actorIsManager && actorId !== assigneeId && !triage) throw reject(TicketFailure.notAllowed, `only the assignee, the queue's group or a manager may move ticket ${ticketId}`);
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
        await db.reassignTicket({ ticketId, from, ...request });
      } finally {
        moving = false;
      }
      return movedTo();
    },
    {
      validator: (request) => {
        assertMayMove(request, ['in_work']);
        if (request.toOperatorId === assigneeId) throw reject(TicketFailure.invalidRequest, `ticket ${ticketId} is already assigned to ${assigneeId}`);
        if (!request.toOperatorGroupIds.includes(queueGroupId!)) throw reject(TicketFailure.notInQueueGroup, `operator ${request.toOperatorId} is not in the group of queue ${queued!.queue.code}`);
      },
    },
  );

  setHandler(
    returnToQueueUpdate,
    async (request) => {
      const from = assigneeId!;
      moving = true;
      try {
        await db.returnTicketToQueue({ ticketId, from, ...request });
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
        const placed = await db.transferTicket({ ticketId, from: assigneeId ?? null, ...request });
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
        if (request.toQueueId === queued!.queue.id) throw reject(TicketFailure.invalidRequest, `ticket ${ticketId} is already in queue ${queued!.queue.code}`);
      },
    },
  );

  setHandler(
    resolveUpdate,
    async ({ operatorId, resolution }) => {
      const result = await db.resolveTicket({ ticketId, operatorId, resolution, round });
      resolved = true;
      return result;
    },
    {
      validator: ({ operatorId, resolution }) => {
        assertWorking(operatorId);
        if (resolved) throw reject(TicketFailure.notInWork, `ticket ${ticketId} is being resolved`);
        if (!resolution?.trim()) throw reject(TicketFailure.invalidRequest, 'resolution text is required');
      },
    },
  );

  setHandler(surveyAnsweredSignal, (survey) => {
    if (stage === 'awaiting_survey' && answer === undefined && !reopening) answer = survey;
  });

  setHandler(
    reopenUpdate,
    async (request) => {
      reopening = true;
      try {
        const reopened = await db.reopenTicket({ ticketId, round: round + 1, by: request.by, reason: request.reason.trim() });
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
          throw reject(TicketFailure.notAwaitingSurvey, `ticket ${ticketId} is ${stage}: only a resolved ticket awaiting its survey can be reopened`);
        }
        if (!reason?.trim()) throw reject(TicketFailure.invalidRequest, 'a reason to reopen is required');
      },
    },
  );

  setHandler(
    resolveComplaintUpdate,
    async (request) => {
      complaint = 'resolving';
      const result = await db.resolveComplaint({ ticketId, operatorId: request.operatorId, resolution: request.resolution.trim() });
      complaint = 'resolved';
      return result;
    },
    {
      validator: ({ resolution }) => {
        if (complaint !== 'open') throw reject(TicketFailure.noOpenComplaint, `ticket ${ticketId} has no open complaint`);
        if (!resolution?.trim()) throw reject(TicketFailure.invalidRequest, 'the complaint resolution text is required');
      },
    },
  );

  const { classified, queued: placed } = patched(TicketPatch.intakeInOneStep) ? await db.intakeTicket(intake) : await intakeStepByStep(intake);
  queueGroupId = placed.groupId;
  stage = 'queued';
  queued = { ticketId, stage, ...classified, queue: { id: placed.queueId, code: placed.queueCode } };
  log.info('ticket queued', { ticketId, queue: placed.queueCode, category: classified.category });
  // Only queues set to auto-assign name an assignee, so tickets recorded before this never reach the patch.
  if (placed.autoAssignee && patched('auto-assign-least-load')) {
    assigneeId = placed.autoAssignee;
    await db.acceptTicket({ ticketId, operatorId: assigneeId });
    stage = 'in_work';
  }

  for (;;) {
    await condition(() => resolved);
    stage = 'resolved';

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
