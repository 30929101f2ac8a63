/** The ticket workflow and what the API and the worker import of it. */
export * from './messages';
export { TicketPatch } from './patches';
export { ticketWorkflow } from './workflow';
