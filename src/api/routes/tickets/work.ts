import type { RoutePlugin } from '../../type-provider';
import type { TicketRouteDeps } from './index';
import { errorResponses, idParams, operatorHeader } from '../../schemas/common';
import { resolveBody, resolved, workBody, workRecorded } from '../../schemas/tickets';

const withTicket = { params: idParams, headers: operatorHeader } as const;

/** `/tickets/:id/accept`, `/work`, `/resolve`: an operator takes a ticket and works it. */
export const ticketWorkRoutes: RoutePlugin<TicketRouteDeps> = async (app, { tickets }) => {
  const operatorOnly = { onRequest: app.requireOperator };

  app.post(
    '/tickets/:id/accept',
    {
      ...operatorOnly,
      schema: {
        tags: ['tickets'],
        summary: 'Accept a queued ticket',
        description:
          'The operator must belong to the group of the ticket’s queue. Returns the whole ticket with the quoted price and due date.',
        ...withTicket,
        response: { 200: { $ref: 'TicketDetails#' }, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => tickets.accept(request.params.id, request.operator!),
  );

  app.post(
    '/tickets/:id/work',
    {
      ...operatorOnly,
      schema: {
        tags: ['tickets'],
        summary: 'Record work on an accepted ticket',
        ...withTicket,
        body: workBody,
        response: { 201: workRecorded, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await tickets.recordWork(request.params.id, request.operator!, request.body)),
  );

  app.post(
    '/tickets/:id/resolve',
    {
      ...operatorOnly,
      schema: {
        tags: ['tickets'],
        summary: 'Resolve the ticket',
        description:
          'The client is then notified on their channel and asked for a CSAT answer. After the resolution deadline an overdueReason from GET /overdue-reasons is required (400 without it).',
        ...withTicket,
        body: resolveBody,
        response: { 200: resolved, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => tickets.resolve(request.params.id, request.operator!, request.body),
  );
};
