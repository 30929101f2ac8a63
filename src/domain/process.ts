/**
 * BPMN element ids of processes/ticket.bpmn. They are the join key between what the
 * ticket workflow records in `ticket_events` and the diagram, so they never change.
 */
export const TicketElement = {
  received: 'ticket_received',
  register: 'register',
  classify: 'classify',
  queue: 'queue',
  accept: 'accept',
  execute: 'execute',
  waitingForClient: 'waiting_for_client',
  notify: 'notify',
  survey: 'survey',
  surveyExpired: 'survey_expired',
  /** The client or an operator reopens the resolved ticket while the survey waits: back to execute. */
  reopen: 'reopen',
  /** A low score or an explicit complaint: a manager handles it before the ticket closes. */
  handleComplaint: 'handle_complaint',
  closed: 'closed',
} as const;

/**
 * Gateways of processes/ticket.bpmn. The workflow decides them in code and records nothing
 * for them: a recorded path crosses them between two recorded elements.
 */
export const TicketGateway = {
  surveyOutcome: 'survey_outcome',
} as const;

export type TicketElementId = (typeof TicketElement)[keyof typeof TicketElement];

export const TICKET_PROCESS_ID = 'ticket_lifecycle';

/** Where a ticket is in its life; stored on the ticket row and answered by the workflow's query. */
export const TicketStages = [
  'registering',
  'queued',
  'in_work',
  'waiting_for_client',
  'resolved',
  'awaiting_survey',
  'complaint',
  'closed',
] as const;
export type TicketStage = (typeof TicketStages)[number];

/** One workflow per ticket, named after it: a second start of the same ticket is rejected. */
export const ticketWorkflowId = (ticketId: number) => `ticket-${ticketId}`;

export const ESCALATION_PROCESS_ID = 'sla_escalation';

/**
 * BPMN element ids of processes/escalation.bpmn: the SLA clock of one target (response,
 * resolution, or a line's OLA handover) and its escalation across support lines.
 */
export const EscalationElement = {
  started: 'sla_started',
  clock: 'sla_clock',
  warning: 'sla_warning',
  notifyAssignee: 'notify_assignee',
  warned: 'assignee_warned',
  breached: 'sla_breached',
  notifyManager: 'notify_manager',
  managerNotified: 'manager_notified',
  level1: 'escalate_level_1',
  level2: 'escalate_level_2',
  level3: 'escalate_level_3',
  escalated: 'escalation_done',
  manual: 'manual_escalation',
  escalateManually: 'escalate_to_next_line',
  escalatedManually: 'escalated_manually',
  met: 'sla_met',
} as const;

export type EscalationElementId = (typeof EscalationElement)[keyof typeof EscalationElement];

/** The element of the n-th escalation level (1–3). */
export const escalationLevelElement = (level: number): EscalationElementId =>
  [EscalationElement.level1, EscalationElement.level2, EscalationElement.level3][Math.min(3, Math.max(1, level)) - 1]!;

const ticketElementIds = new Set<string>(Object.values(TicketElement));
const escalationElementIds = new Set<string>(Object.values(EscalationElement));

/**
 * The process whose diagram has the element: what `ticket_events.process_id` records, so each
 * process keeps its own run of visits (an SLA event does not end a lifecycle visit).
 */
export function processOfElement(elementId: string): typeof TICKET_PROCESS_ID | typeof ESCALATION_PROCESS_ID {
  if (ticketElementIds.has(elementId)) return TICKET_PROCESS_ID;
  if (escalationElementIds.has(elementId)) return ESCALATION_PROCESS_ID;
  throw new Error(`element "${elementId}" is in no process of processes/*.bpmn (src/domain/process.ts)`);
}
