/** What the ticket workflow's updates, signal and queries carry: requests in, answers out. */
import type { QueueAccess } from '../../src/domain/access';
import type { SlaTargetKind, TicketPriority } from '../../src/domain/enums';
import type { TicketStage } from '../../src/domain/process';
import type { SlaTerms } from '../../src/domain/sla-plan';
import type { SlaTarget } from '../sla';

export interface IntakeResult {
  ticketId: number;
  stage: TicketStage;
  category: string;
  priority: TicketPriority;
  serviceCode: string | null;
  queue: { id: number; code: string };
}

export interface AcceptRequest {
  operatorId: string;
  /** The operator's queue access as the API found it: the ticket's queue must allow `take`. */
  access: QueueAccess;
}

/** Who moves a ticket and why: reassign, return to queue, transfer. `moveId` keeps a retried step single. */
export interface MoveRequest {
  moveId: string;
  actorId: string;
  /** The actor's queue access: `act` moves their own ticket or a waiting one (triage), `manage` anyone's. */
  actorAccess: QueueAccess;
  reason: string;
}

export interface ReassignRequest extends MoveRequest {
  toOperatorId: string;
  /** The new assignee's queue access as the API found it: they must be able to work the queue (`act`). */
  toOperatorAccess: QueueAccess;
}

export interface TransferRequest extends MoveRequest {
  toQueueId: number;
}

export interface Moved {
  ticketId: number;
  stage: TicketStage;
  assigneeId: string | null;
  queue: { id: number; code: string };
}

export interface WorkRequest {
  entryId: string;
  operatorId: string;
  minutes: number;
  note: string;
  /** Checklist steps of the catalog service done with this work. */
  stepsDone?: string[];
}

export interface WorkRecorded {
  entryId: string;
  totalMinutes: number;
  normMinutes: number | null;
  /** totalMinutes / normMinutes, as stored on the ticket. */
  normRatio: number | null;
  checklistDone: string[];
}

export interface ResolveRequest {
  operatorId: string;
  resolution: string;
  /** A code from the managed list, required when the resolution deadline has passed. */
  overdueReason?: string;
  overdueNote?: string;
}

export interface PauseRequest {
  operatorId: string;
  reason: string;
}

export interface EscalateRequest {
  operatorId: string;
  /** The holder escalates with `act` on the queue; anyone else needs `manage` there. */
  access: QueueAccess;
  reason: string;
}

export interface ChangeSlaRequest {
  operatorId: string;
  agreementId: number;
}

/** Where the ticket's SLA clocks stand, as the workflow knows them. */
export interface SlaStatus {
  agreementId: number | null;
  supportLine: number;
  targets: Array<{
    kind: SlaTargetKind;
    budgetMs: number;
    usedMs: number;
    running: boolean;
    warned: boolean;
    breached: boolean;
    escalations: number;
    met: boolean;
    dueAt: string | null;
    round: number;
  }>;
}

export interface Resolved {
  ticketId: number;
  resolvedAt: string;
}

export interface SurveyAnswer {
  csat: number;
  comment?: string;
  /** The client says it is a complaint, whatever the score. */
  complaint?: boolean;
  /** "Would you recommend us?" 0–10, optional for the client (NPS). */
  nps?: number;
}

export interface ReopenRequest {
  /** `client` (proved by the survey token) or the login of the operator who reopens. */
  by: string;
  reason: string;
}

export interface Reopened {
  ticketId: number;
  /** 1 for the first resolution; each reopening adds one. */
  round: number;
  assigneeId: string;
}

/** A message recorded on the ticket (src/services/article-service.ts), told to its workflow. */
export interface ArticleNotice {
  articleId: number;
  /** The client (or a participant) wrote, by a person, not a machine: it may reopen a resolved ticket. */
  mayReopen: boolean;
}

export interface ArticleTaken {
  ticketId: number;
  stage: TicketStage;
  /** The reply reopened the ticket, which was resolved and awaiting its survey (the reopen window). */
  reopened: boolean;
  round: number;
}

export interface ComplaintResolution {
  operatorId: string;
  resolution: string;
}

export interface ComplaintResolved {
  ticketId: number;
  resolvedAt: string;
}

export interface TicketOutcome {
  ticketId: number;
  csat: number | null;
}

/**
 * Where a ticket stood when its run continued as new, carried into the next run: the state the
 * guards read, the SLA clock's targets with their plans (absolute deadlines) and the counters
 * its dedupe keys are made of. Nothing is in flight when it is taken.
 */
export interface ContinuedTicket {
  /** `execute`: queued or in work until resolved; `survey`: resolved and told, the survey waits until `surveyUntil`. */
  phase: 'execute' | 'survey';
  surveyUntil?: number;
  ticket: {
    stage: TicketStage;
    queued: IntakeResult;
    assigneeId?: string;
    queueGroupId?: number;
    supportLine: number;
    resolved: boolean;
    round: number;
    reopenable: boolean;
    complaint: 'none' | 'open' | 'resolving' | 'resolved';
    acceptances: number;
    manualEscalations: number;
  };
  clock: {
    terms: SlaTerms | null;
    targets: SlaTarget[];
    pauses: number;
    changes: number;
  };
}
