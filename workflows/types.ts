/** What crosses the workflow boundary: plain data, shared by workflow, activities and API. */
import type { IntakeChannel, SlaTargetKind, TicketPriority } from '../src/domain/enums';
import type { ErrorCode } from '../src/domain/errors';
import type { TicketStage } from '../src/domain/process';
import type { SlaPlan, SlaStart, SlaTerms } from '../src/domain/sla-plan';
import type { TicketDetails } from '../src/domain/ticket-details';

export type { IntakeChannel, SlaTargetKind, TicketPriority, SlaPlan, SlaStart, SlaTerms, TicketDetails };

export interface ClientContact {
  name?: string;
  phone?: string;
  email?: string;
}

export interface TicketIntake {
  ticketId: number;
  channel: IntakeChannel;
  subject: string;
  description: string;
  client: ClientContact;
  receivedAt: string;
  /** Device or product group and location (region), when the channel knows them: rules and queues read them. */
  productGroup?: string;
  location?: string;
}

export interface TicketWorkflowInput {
  intake: TicketIntake;
  /** How long the survey waits for the client's answer. */
  surveyTimeoutMs: number;
}

export interface RegisteredTicket {
  clientId: number;
  clientCategory: 'wholesale' | 'regular' | 'one_time';
  newClient: boolean;
}

export interface ClassifiedTicket {
  category: string;
  priority: TicketPriority;
  serviceCode: string | null;
}

export interface QueuedTicket {
  queueId: number;
  queueCode: string;
  groupId: number;
  /** Set when the queue assigns automatically: the least-loaded competent operator, already holding the ticket. */
  autoAssignee?: string;
}

/** Register, classify and queue done in one step. */
export interface IntakeOutcome {
  registered: RegisteredTicket;
  classified: ClassifiedTicket;
  queued: QueuedTicket;
  /** When intake was asked to start the SLA clock: what it started, null when no agreement applies. */
  sla?: SlaStart | null;
}

export interface IntakeResult {
  ticketId: number;
  stage: TicketStage;
  category: string;
  priority: TicketPriority;
  serviceCode: string | null;
  queue: { id: number; code: string };
}

export interface Escalated {
  moved: boolean;
  supportLine: number;
  queue: { id: number; code: string };
  groupId: number;
  /** The OLA of the line the ticket moved to: how long it has to take the ticket. */
  handover: { ms: number; recipients: string[] } | null;
}

export interface AcceptRequest {
  operatorId: string;
  /** The operator's groups as the API found them; the queue's group must be among them. */
  operatorGroupIds: number[];
}

/** Who moves a ticket and why: reassign, return to queue, transfer. `moveId` keeps a retried step single. */
export interface MoveRequest {
  moveId: string;
  actorId: string;
  actorIsManager: boolean;
  /** The actor's groups: a member of the queue's group may transfer a ticket still waiting in it (triage). */
  actorGroupIds: number[];
  reason: string;
}

export interface ReassignRequest extends MoveRequest {
  toOperatorId: string;
  /** The new assignee's groups as the API found them; the queue's group must be among them. */
  toOperatorGroupIds: number[];
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

export interface CategoryModelTrained {
  /** null when there were no verdicts to learn from. */
  modelId: number | null;
  trainingTickets: number;
  categories: string[];
  /** false when the newest model was already trained on exactly these verdicts. */
  changed: boolean;
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
  isManager: boolean;
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

export interface Notified {
  channel: string | null;
  recipient: string | null;
  status: 'sent' | 'already_sent' | 'no_channel';
}

export interface SurveyAnswer {
  csat: number;
  comment?: string;
  /** The client says it is a complaint, whatever the score. */
  complaint?: boolean;
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

/** The codes of the workflow's refusals, from the desk's one list (the API answers each with its status). */
export const TicketFailure = {
  notQueued: 'NOT_QUEUED',
  alreadyAccepted: 'ALREADY_ACCEPTED',
  notInQueueGroup: 'NOT_IN_QUEUE_GROUP',
  notAssignee: 'NOT_ASSIGNEE',
  notInWork: 'NOT_IN_WORK',
  notAwaitingSurvey: 'NOT_AWAITING_SURVEY',
  noOpenComplaint: 'NO_OPEN_COMPLAINT',
  invalidRequest: 'VALIDATION',
  notAllowed: 'MOVE_NOT_ALLOWED',
  overdueReasonRequired: 'OVERDUE_REASON_REQUIRED',
  notWaiting: 'NOT_WAITING_FOR_CLIENT',
  topLine: 'ON_TOP_LINE',
  notManager: 'NOT_MANAGER',
  noSla: 'NO_SLA',
} as const satisfies Record<string, ErrorCode>;
