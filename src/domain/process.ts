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
  'resolved',
  'awaiting_survey',
  'complaint',
  'closed',
] as const;
export type TicketStage = (typeof TicketStages)[number];

/** One workflow per ticket, named after it: a second start of the same ticket is rejected. */
export const ticketWorkflowId = (ticketId: number) => `ticket-${ticketId}`;
