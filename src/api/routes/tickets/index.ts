import { questionAttachedMessage } from '../../../domain/status-question';
import type { RoutePlugin } from '../../type-provider';
import type { ArticleService } from '../../../services/article-service';
import type { ClientStatus } from '../../../services/client-status';
import type { AuditService } from '../../../services/audit-service';
import type { TicketReads } from '../../../services/ticket-reads';
import type { RulesService } from '../../../services/rules-service';
import type { TicketService } from '../../../services/ticket-service';
import { errorResponses, idempotencyHeaders, idParams, searchQuery } from '../../schemas/common';
import {
  attachedQuestion,
  newTicketBody,
  registeredTicket,
  ticketEvent,
  ticketListItem,
  ticketTrail,
  eventsQuery,
  trailQuery,
} from '../../schemas/tickets';
import { ticketArticleRoutes } from './articles';
import { ticketBreachRoutes } from './breaches';
import { ticketMoveRoutes } from './moves';
import { ticketSlaRoutes } from './sla';
import { ticketStatusRoutes } from './status';
import { ticketSurveyRoutes } from './survey';
import { ticketWorkRoutes } from './work';

export interface TicketRouteDeps {
  tickets: TicketService;
  reads: TicketReads;
  /** The category verdict feeds the category model. */
  rules: RulesService;
  articles: ArticleService;
  /** The client's status page (src/services/client-status.ts). */
  clientStatus: ClientStatus;
  /** How often a status stream looks for changes (tests make it short). */
  statusPollMs?: number;
  /** The escalation audit: why the ticket breached. */
  audit: AuditService;
}

const withTicket = { params: idParams } as const;

/** `/tickets`: register, search and read; its sub-resources each in a file of this folder. */
export const ticketRoutes: RoutePlugin<TicketRouteDeps> = async (app, deps) => {
  const { tickets, reads } = deps;
  // onRequest: who is asking is settled before the request is validated or read.

  app.post(
    '/tickets',
    {
      schema: {
        tags: ['tickets'],
        summary: 'Register a ticket',
        description:
          'Starts the ticket workflow. 201 once the ticket is queued; 202 if it is still being registered. ' +
          'A status question about an open ticket of the same client ("is my laptop ready?", or a message naming ' +
          'the number of one) is attached to that ticket instead and answered 200: the ticket’s status goes to the ' +
          'contact on file, never in this answer. Filed without an account, a ticket giving a known client’s contact is ' +
          'routed and timed as a one-time client’s until the client confirms it (a link goes to the contact on file); ' +
          'staff who send an API token (scope act) file it as the client’s. Send an Idempotency-Key to make a ' +
          'retry safe: the same key with the same ticket again files nothing more and answers with the ticket the ' +
          'first request filed (header Idempotent-Replayed: true; 201 once registered); with another ticket, 409 ' +
          'IDEMPOTENCY_KEY_REUSED. A key is its filer’s: the client’s contact, or the member of staff filing.',
        headers: idempotencyHeaders,
        body: newTicketBody,
        response: {
          200: attachedQuestion,
          201: registeredTicket,
          202: registeredTicket,
          ...errorResponses(400, 409, 413, 415, 503),
        },
      },
    },
    async (request, reply) => {
      const { operator, credential } = request;
      const registration = await tickets.register(
        request.body,
        operator && credential ? { operator, credential } : undefined,
        request.headers['idempotency-key'],
      );
      if ('attachedTo' in registration) {
        request.log.info(
          { ticketId: registration.attachedTo, articleId: registration.articleId },
          'status question attached',
        );
        return reply.status(200).send({ attached: true, message: questionAttachedMessage });
      }
      request.log.info(
        { ticketId: registration.ticketId, workflowId: `ticket-${registration.ticketId}`, stage: registration.stage },
        'ticket registered',
      );
      const { replayed, ...registered } = { replayed: false, ...registration };
      if (replayed) reply.header('idempotent-replayed', 'true');
      // Sent again after the ticket moved on: registered all the same.
      const done = registered.stage === 'queued' || (replayed && registered.stage !== 'registering');
      return reply.status(done ? 201 : 202).send({ id: registered.ticketId, ...registered });
    },
  );

  app.get(
    '/tickets',
    {
      schema: {
        tags: ['tickets'],
        summary: 'Search tickets by subject, newest first',
        description:
          'Managers search every ticket; operators only the tickets they hold (a match would reveal what a blind ticket is about).',
        querystring: searchQuery,
        response: { 200: { type: 'array', items: ticketListItem }, ...errorResponses(400, 401) },
      },
    },
    async (request) => {
      const { q, ...page } = request.query;
      return reads.search(request.operator!, q, page);
    },
  );

  app.get(
    '/tickets/:id',
    {
      schema: {
        tags: ['tickets'],
        summary: 'Read a ticket',
        description: 'The assignee and managers get the whole ticket; anyone else the summary only.',
        ...withTicket,
        response: {
          200: { oneOf: [{ $ref: 'TicketDetails#' }, { $ref: 'TicketSummary#' }] },
          ...errorResponses(400, 401, 404),
        },
      },
    },
    async (request) => reads.read(request.operator!, request.params.id),
  );

  app.get(
    '/tickets/:id/events',
    {
      schema: {
        tags: ['tickets'],
        summary: "A ticket's events, oldest first",
        description:
          'Each event names the BPMN element of processes/ticket.bpmn. Event data only for the assignee and managers. At most `limit` events (default 500); the next page: `after` = the last event’s id.',
        ...withTicket,
        querystring: eventsQuery,
        response: { 200: { type: 'array', items: ticketEvent }, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => reads.events(request.operator!, request.params.id, request.query),
  );

  app.get(
    '/tickets/:id/trail',
    {
      schema: {
        tags: ['processes'],
        summary: "A ticket's path through its process: visits of elements with who, when and how long",
        description:
          'The events of one process (default: the ticket lifecycle; `sla_escalation` for its SLA clocks). Event data only for the assignee and managers.',
        params: idParams,
        querystring: trailQuery,
        response: { 200: ticketTrail, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => reads.trail(request.operator!, request.params.id, request.query.processId),
  );

  await app.register(ticketWorkRoutes, deps);
  await app.register(ticketMoveRoutes, deps);
  await app.register(ticketSlaRoutes, deps);
  await app.register(ticketSurveyRoutes, deps);
  await app.register(ticketArticleRoutes, deps);
  await app.register(ticketStatusRoutes, deps);
  await app.register(ticketBreachRoutes, deps);
};
