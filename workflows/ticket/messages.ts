import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { TicketStage } from '../../src/domain/process';
import type {
  AcceptRequest,
  ArticleNotice,
  ArticleTaken,
  ChangeSlaRequest,
  ComplaintResolution,
  ComplaintResolved,
  EscalateRequest,
  Escalated,
  IntakeResult,
  MoveRequest,
  Moved,
  PauseRequest,
  ReassignRequest,
  Reopened,
  ReopenRequest,
  Resolved,
  ResolveRequest,
  SlaStatus,
  SurveyAnswer,
  TicketDetails,
  TransferRequest,
  WorkRecorded,
  WorkRequest,
} from '../types';

/** What the API asks of a ticket's workflow: an action whose caller needs an answer is an update. */
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
/** A client's message on any channel: it may reopen the ticket while its survey waits. */
export const articleUpdate = defineUpdate<ArticleTaken, [ArticleNotice]>('article');
export const stageQuery = defineQuery<TicketStage>('stage');
export const slaQuery = defineQuery<SlaStatus>('sla');
