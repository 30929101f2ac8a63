/** What crosses the workflow boundary: plain data, shared by workflow, activities and API. */
import type { IntakeChannel, SlaTargetKind, TicketPriority } from '../src/domain/enums';
import type { ErrorCode } from '../src/domain/errors';
import type { TicketStage } from '../src/domain/process';
import type { SlaPlan, SlaStart, SlaTerms } from '../src/domain/sla-plan';
import type { TicketDetails } from '../src/domain/ticket-details';
import type { ContinuedTicket } from './ticket/types';

export type { IntakeChannel, SlaTargetKind, TicketPriority, SlaPlan, SlaStart, SlaTerms, TicketDetails };
/** The ticket workflow's messages, for the activities and the API that speak them. */
export type * from './ticket/types';

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
  /** The member of staff who filed the ticket or identified its filer: its client is then confirmed. */
  identifiedBy?: string;
  /** Device or product group and location (region), when the channel knows them: rules and queues read them. */
  productGroup?: string;
  location?: string;
  /**
   * The catalog service the channel asks for (a missed call asks for `call-back`): decides the
   * service, and its category, unless an authoritative rule decides them (domain/intake-decision.ts).
   */
  serviceCode?: string;
}

export interface TicketWorkflowInput {
  intake: TicketIntake;
  /** How long the survey waits for the client's answer. */
  surveyTimeoutMs: number;
  /**
   * Continue as new once the history holds this many events (besides when Temporal suggests it):
   * a long-lived ticket (many articles, reopenings, SLA changes) stays below the history limits.
   */
  historyLimit?: number;
  /** Where the ticket stood when its previous run continued as new; intake is not run again. */
  continued?: ContinuedTicket;
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

export interface Escalated {
  moved: boolean;
  supportLine: number;
  queue: { id: number; code: string };
  groupId: number;
  /** The OLA of the line the ticket moved to: how long it has to take the ticket. */
  handover: { ms: number; recipients: string[] } | null;
}

export interface CategoryModelTrained {
  /** null when there were no verdicts to learn from. */
  modelId: number | null;
  trainingTickets: number;
  categories: string[];
  /** false when the newest model was already trained on exactly these verdicts. */
  changed: boolean;
}

export interface Notified {
  channel: string | null;
  recipient: string | null;
  /** `skipped`: the address is undeliverable or had its day's automatic mail. */
  status: 'sent' | 'already_sent' | 'no_channel' | 'skipped';
}

/** The codes of the workflow's refusals, from the desk's one list (the API answers each with its status). */
export const TicketFailure = {
  notQueued: 'NOT_QUEUED',
  alreadyAccepted: 'ALREADY_ACCEPTED',
  noQueueAccess: 'NO_QUEUE_ACCESS',
  notAssignee: 'NOT_ASSIGNEE',
  notInWork: 'NOT_IN_WORK',
  notAwaitingSurvey: 'NOT_AWAITING_SURVEY',
  noOpenComplaint: 'NO_OPEN_COMPLAINT',
  invalidRequest: 'VALIDATION',
  overdueReasonRequired: 'OVERDUE_REASON_REQUIRED',
  notWaiting: 'NOT_WAITING_FOR_CLIENT',
  topLine: 'ON_TOP_LINE',
  notManager: 'NOT_MANAGER',
  noSla: 'NO_SLA',
} as const satisfies Record<string, ErrorCode>;

/** What answering a client's status question did: sent (or sent before), or no e-mail to send to. */
export type StatusAnswered =
  | { status: 'sent' | 'already_sent'; stage: TicketStage }
  | { status: 'no_channel' }
  | { status: 'skipped'; reason: string };

/** What became of the confirmation link a known client is sent when someone files with their contact. */
export type ClientConfirmationAsked =
  { status: 'sent' | 'already_sent' } | { status: 'not_needed' } | { status: 'skipped'; reason: string };

export interface StatusQuestion {
  ticketId: number;
  /** The client's message, already an article of the ticket. */
  articleId: number;
}

/** A digest run: its period and the managers it was sent to now (a copy sent before is not counted again). */
export interface FiguresDigestSent {
  from: string;
  to: string;
  sent: string[];
}
