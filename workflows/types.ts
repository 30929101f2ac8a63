/** What crosses the workflow boundary: plain data, shared by workflow, activities and API. */
import type { TicketStage } from '../src/domain/process';

export type IntakeChannel = 'api' | 'web' | 'email' | 'sms' | 'telegram' | 'phone';
export type TicketPriority = 'low' | 'normal' | 'high' | 'critical';

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
}

export interface IntakeResult {
  ticketId: number;
  stage: TicketStage;
  category: string;
  priority: TicketPriority;
  serviceCode: string | null;
  queue: { id: number; code: string };
}

/** What the SLA clock measures: first response (accept), resolution, or a line's OLA handover. */
export type SlaTargetKind = 'response' | 'resolution' | 'handover';

/** The agreement a ticket runs under, in business milliseconds. */
export interface SlaTerms {
  agreementId: number;
  responseMs: number;
  resolutionMs: number;
  warningShare: number;
  /** Delay of each escalation level after the breach, in business ms (up to three). */
  escalationAfterMs: number[];
  /** Operators told at each escalation level. */
  escalationRecipients: string[][];
}

/** Deadlines of one target, computed on the calendar from where its clock (re)started. */
export interface SlaPlan {
  warnAt: string;
  dueAt: string;
  escalateAt: string[];
  /** The activity's clock when it planned (absent in plans recorded before it was added). */
  computedAt?: string;
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

export interface TicketDetails {
  id: number;
  stage: TicketStage;
  channel: IntakeChannel;
  subject: string;
  description: string;
  category: string | null;
  priority: TicketPriority | null;
  queueId: number | null;
  assigneeId: string | null;
  acceptedAt: string | null;
  dueAt: string | null;
  supportLine: number;
  solvedLine: number | null;
  sla: {
    agreementId: number | null;
    responseDueAt: string | null;
    resolutionDueAt: string | null;
    breachedAt: string | null;
    pausedAt: string | null;
    overdueReason: string | null;
    overdueNote: string | null;
  };
  workNormRatio: number | null;
  checklist: string[];
  checklistDone: string[];
  quotedPrice: string | null;
  quotedNormHours: number | null;
  resolution: string | null;
  resolvedAt: string | null;
  csat: number | null;
  createdAt: string;
  client: { id: number; name: string | null; phone: string | null; email: string | null; category: string; preferredChannel: string };
  service: { code: string; nameRu: string; nameEn: string; price: string; normHours: number } | null;
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
  targets: Array<{ kind: SlaTargetKind; budgetMs: number; usedMs: number; running: boolean; warned: boolean; breached: boolean; escalations: number; met: boolean; dueAt: string | null }>;
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
}

export interface TicketOutcome {
  ticketId: number;
  csat: number | null;
}

/** Failure types the API turns into HTTP statuses. */
export const TicketFailure = {
  notQueued: 'TicketNotQueued',
  alreadyAccepted: 'TicketAlreadyAccepted',
  notInQueueGroup: 'OperatorNotInQueueGroup',
  notAssignee: 'OperatorNotAssignee',
  notInWork: 'TicketNotInWork',
  invalidRequest: 'InvalidRequest',
  overdueReasonRequired: 'OverdueReasonRequired',
  notWaiting: 'TicketNotWaitingForClient',
  topLine: 'AlreadyOnTopLine',
  notManager: 'OperatorNotManager',
  noSla: 'TicketHasNoSla',
} as const;
