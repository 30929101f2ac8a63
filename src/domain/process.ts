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
  closed: 'closed',
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
  'closed',
] as const;
export type TicketStage = (typeof TicketStages)[number];

/** One workflow per ticket, named after it: a second start of the same ticket is rejected. */
export const ticketWorkflowId = (ticketId: number) => `ticket-${ticketId}`;
