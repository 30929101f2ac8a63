import { ApplicationFailure } from '@temporalio/workflow';
import { levelNeeded, mayOnQueue, missingQueueAccess, type QueueAccess } from '../../src/domain/access';
import type { QueueAccessLevel } from '../../src/domain/enums';
import type { TicketStage } from '../../src/domain/process';
import {
  TicketFailure,
  type AcceptRequest,
  type ArticleNotice,
  type ClassifiedTicket,
  type EscalateRequest,
  type Escalated,
  type IntakeResult,
  type MoveRequest,
  type Moved,
  type PauseRequest,
  type QueuedTicket,
  type ReassignRequest,
  type ResolveRequest,
  type SurveyAnswer,
  type TransferRequest,
  type ContinuedTicket,
} from '../types';

/** A refusal the caller sees: the update is rejected, the ticket stays as it was. */
export const reject = (type: string, message: string) =>
  ApplicationFailure.create({ type, message, nonRetryable: true });

/**
 * Where one ticket stands, and the guards the update validators ask: each refuses with a
 * `TicketFailure` code, before anything is written. The SLA clock keeps its own state.
 */
export class TicketState {
  stage: TicketStage = 'registering';
  /** The intake's answer, with the queue the ticket is in now. */
  queued: IntakeResult | undefined;
  assigneeId: string | undefined;
  /**
   * The group owning the queue. No guard reads it since access is per queue (`queued.queue.id`);
   * kept, as it is part of the state a run continues as new with.
   */
  queueGroupId: number | undefined;
  supportLine = 1;
  resolved = false;
  /** A resolve handler is running: a second resolve (a caller retrying) is refused until it is done. */
  resolving = false;
  /** A reassign, return or transfer is being written: nothing else may start on the ticket meanwhile. */
  moving = false;
  answer: SurveyAnswer | undefined;
  /** 1 for the first resolution; each reopening adds one (notices and events are per round). */
  round = 1;
  /** Only tickets on the patched path may be reopened: the old code has nowhere to go back to. */
  reopenable = false;
  reopening = false;
  complaint: 'none' | 'open' | 'resolving' | 'resolved' = 'none';
  /** Numbers each acceptance and manual escalation: their dedupe keys. */
  acceptances = 0;
  manualEscalations = 0;

  constructor(readonly ticketId: number) {}

  /** Intake placed the ticket in a queue. */
  queuedIn(classified: ClassifiedTicket, placed: QueuedTicket): void {
    this.queueGroupId = placed.groupId;
    this.stage = 'queued';
    this.queued = {
      ticketId: this.ticketId,
      stage: this.stage,
      ...classified,
      queue: { id: placed.queueId, code: placed.queueCode },
    };
  }

  mayAccept({ operatorId, access }: AcceptRequest): void {
    if (this.moving) throw reject(TicketFailure.notQueued, `ticket ${this.ticketId} is being moved`);
    this.refuseIfAccepted();
    if (this.stage !== 'queued')
      throw reject(TicketFailure.notQueued, `ticket ${this.ticketId} is ${this.stage}, not queued`);
    this.refuseWithout(operatorId, access, 'take');
  }

  /** The queue the ticket is in now decides, whatever queue the API saw it in. */
  private refuseWithout(who: string, access: QueueAccess, needed: QueueAccessLevel): void {
    const queue = this.queued?.queue ?? null;
    if (!mayOnQueue(access, queue?.id, needed))
      throw reject(TicketFailure.noQueueAccess, missingQueueAccess(who, access, queue, needed));
  }

  /** Claimed before the first await: a second accept in the same activation is refused. Returns the acceptance's number. */
  claim(operatorId: string): number {
    this.refuseIfAccepted();
    this.assigneeId = operatorId;
    return ++this.acceptances;
  }

  private refuseIfAccepted(): void {
    if (this.assigneeId !== undefined)
      throw reject(TicketFailure.alreadyAccepted, `ticket ${this.ticketId} is already accepted by ${this.assigneeId}`);
  }

  /** Work, pauses and the resolution are the assignee's, while the ticket is in work. */
  mayWork(operatorId: string): void {
    if (this.stage !== 'in_work')
      throw reject(TicketFailure.notInWork, `ticket ${this.ticketId} is ${this.stage}, not in work`);
    this.refuseUnlessAssignee(operatorId);
  }

  private refuseUnlessAssignee(operatorId: string): void {
    if (operatorId !== this.assigneeId)
      throw reject(
        TicketFailure.notAssignee,
        `ticket ${this.ticketId} is assigned to ${this.assigneeId}, not ${operatorId}`,
      );
  }

  private refuseIfResolving(): void {
    if (this.resolved || this.resolving)
      throw reject(TicketFailure.notInWork, `ticket ${this.ticketId} is being resolved`);
  }

  /** `overdueAt`: the resolution deadline when it has passed (or 'breached'), null while in time or without SLA. */
  mayResolve({ operatorId, resolution, overdueReason }: ResolveRequest, overdueAt: string | null): void {
    this.mayWork(operatorId);
    this.refuseIfResolving();
    if (!resolution?.trim()) throw reject(TicketFailure.invalidRequest, 'resolution text is required');
    if (overdueAt !== null && !overdueReason)
      throw reject(
        TicketFailure.overdueReasonRequired,
        `ticket ${this.ticketId} is past its resolution deadline (${overdueAt}): overdueReason is required`,
      );
  }

  /** The assignee or the queue's lead may move a ticket; nobody moves one being resolved or already moving. */
  mayMove({ actorId, actorAccess, reason }: MoveRequest, stages: TicketStage[]): void {
    const accepting = this.stage === 'queued' && this.assigneeId !== undefined;
    if (this.moving || this.resolved || accepting || !stages.includes(this.stage))
      throw reject(
        TicketFailure.notInWork,
        `ticket ${this.ticketId} is ${this.moving ? 'being moved' : accepting ? 'being accepted' : this.stage}; it can be moved only when ${stages.join(' or ')}`,
      );
    this.refuseWithout(actorId, actorAccess, levelNeeded('move', actorId, this));
    if (!reason?.trim()) throw reject(TicketFailure.invalidRequest, 'a reason is required');
  }

  mayReassign(request: ReassignRequest): void {
    this.mayMove(request, ['in_work']);
    if (request.toOperatorId === this.assigneeId)
      throw reject(TicketFailure.invalidRequest, `ticket ${this.ticketId} is already assigned to ${this.assigneeId}`);
    this.refuseWithout(request.toOperatorId, request.toOperatorAccess, 'act');
  }

  mayTransfer(request: TransferRequest): void {
    this.mayMove(request, ['queued', 'in_work']);
    if (request.toQueueId === this.queued!.queue.id)
      throw reject(TicketFailure.invalidRequest, `ticket ${this.ticketId} is already in queue ${this.queueCode}`);
  }

  mayWaitForClient({ operatorId, reason }: PauseRequest, slaClocks: boolean): void {
    if (!slaClocks) throw reject(TicketFailure.noSla, `ticket ${this.ticketId} predates SLA clocks`);
    this.mayWork(operatorId);
    this.refuseIfResolving();
    if (!reason?.trim())
      throw reject(TicketFailure.invalidRequest, 'reason is required: what the ticket waits for from the client');
  }

  mayResume(operatorId: string): void {
    if (this.stage !== 'waiting_for_client')
      throw reject(TicketFailure.notWaiting, `ticket ${this.ticketId} is ${this.stage}, not waiting for the client`);
    this.refuseUnlessAssignee(operatorId);
  }

  mayEscalate({ operatorId, access, reason }: EscalateRequest, slaClocks: boolean): void {
    if (!slaClocks) throw reject(TicketFailure.noSla, `ticket ${this.ticketId} predates SLA clocks`);
    if (this.stage !== 'queued' && this.stage !== 'in_work')
      throw reject(
        TicketFailure.notInWork,
        `ticket ${this.ticketId} is ${this.stage}: only a queued or worked ticket is escalated`,
      );
    this.refuseWithout(operatorId, access, levelNeeded('steer', operatorId, this));
    if (!reason?.trim())
      throw reject(TicketFailure.invalidRequest, 'reason is required: why the ticket goes to the next line');
    if (this.supportLine >= 3)
      throw reject(TicketFailure.topLine, `ticket ${this.ticketId} is already on the third line`);
  }

  /** `underSla`: the ticket runs under an agreement (SLA clocks and terms). */
  mayChangeSla(agreementId: number, underSla: boolean): void {
    if (!Number.isInteger(agreementId)) throw reject(TicketFailure.invalidRequest, 'agreementId must be an integer');
    if (!underSla) throw reject(TicketFailure.noSla, `ticket ${this.ticketId} runs under no SLA`);
    if (this.resolved || this.stage === 'closed')
      throw reject(TicketFailure.notInWork, `ticket ${this.ticketId} is ${this.stage}`);
  }

  mayReopen(reason: string): void {
    if (!this.reopenable || this.stage !== 'awaiting_survey' || this.answer !== undefined || this.reopening)
      throw reject(
        TicketFailure.notAwaitingSurvey,
        `ticket ${this.ticketId} is ${this.stage}: only a resolved ticket awaiting its survey can be reopened`,
      );
    if (!reason?.trim()) throw reject(TicketFailure.invalidRequest, 'a reason to reopen is required');
  }

  /** A client's reply reopens the ticket only in the reopen window: resolved, awaiting its survey, unanswered. */
  reopensOnReply({ mayReopen }: ArticleNotice): boolean {
    return (
      mayReopen && this.reopenable && this.stage === 'awaiting_survey' && this.answer === undefined && !this.reopening
    );
  }

  mayResolveComplaint(resolution: string): void {
    if (this.complaint !== 'open')
      throw reject(TicketFailure.noOpenComplaint, `ticket ${this.ticketId} has no open complaint`);
    if (!resolution?.trim()) throw reject(TicketFailure.invalidRequest, 'the complaint resolution text is required');
  }

  /** The client's survey answer counts once, while the survey waits and no reopening is under way. */
  surveyAnswered(survey: SurveyAnswer): void {
    if (this.stage === 'awaiting_survey' && this.answer === undefined && !this.reopening) this.answer = survey;
  }

  /** The ticket moved up a line: it waits in the new queue, unassigned. */
  escalated(moved: Escalated): void {
    this.supportLine = moved.supportLine;
    this.queueGroupId = moved.groupId;
    this.queued = { ...this.queued!, queue: moved.queue };
    if (this.stage === 'in_work') this.stage = 'queued';
    this.assigneeId = undefined;
  }

  /** Back in a queue, unassigned: after a return, or a transfer to `placed`. */
  requeued(placed?: QueuedTicket): void {
    if (placed) {
      this.queueGroupId = placed.groupId;
      this.queued = { ...this.queued!, queue: { id: placed.queueId, code: placed.queueCode } };
    }
    this.assigneeId = undefined;
    this.stage = 'queued';
  }

  reopened(): void {
    this.round += 1;
    this.resolved = false;
    this.stage = 'in_work';
  }

  /** What the next run needs, taken when nothing is moving, reopening or being answered. */
  saved(): ContinuedTicket['ticket'] {
    const { stage, queued, assigneeId, queueGroupId, supportLine, resolved, round, reopenable, complaint } = this;
    const { acceptances, manualEscalations } = this;
    return {
      ...{ stage, queued: queued!, assigneeId, queueGroupId, supportLine, resolved, round, reopenable, complaint },
      ...{ acceptances, manualEscalations },
    };
  }

  /** The previous run's state, in a run that continued as new. */
  restore(saved: ContinuedTicket['ticket']): void {
    Object.assign(this, saved);
  }

  moved(): Moved {
    return {
      ticketId: this.ticketId,
      stage: this.stage,
      assigneeId: this.assigneeId ?? null,
      queue: this.queued!.queue,
    };
  }

  private get queueCode(): string {
    return this.queued!.queue.code;
  }
}
