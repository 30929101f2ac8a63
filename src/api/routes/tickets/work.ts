import type { RoutePlugin } from '../../type-provider';
import type { TicketRouteDeps } from './index';
import { errorResponses, idempotencyHeaders, idParams } from '../../schemas/common';
import { resolveBody, resolved, workBody, workRecorded } from '../../schemas/tickets';

const withTicket = { params: idParams } as const;

/** `/tickets/:id/accept`, `/work`, `/resolve`: an operator takes a ticket and works it. */
export const ticketWorkRoutes: RoutePlugin<TicketRouteDeps> = async (app, { tickets }) => {
  app.post(
    '/tickets/:id/accept',
    {
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
      schema: {
        tags: ['tickets'],
        summary: 'Record work on an accepted ticket',
        description:
          'Each call records one work entry. Send an Idempotency-Key to make a retry safe: the same key again records nothing more and answers as the first did; with another body, 409 IDEMPOTENCY_KEY_REUSED.',
        ...withTicket,
        headers: idempotencyHeaders,
        body: workBody,
        response: { 201: workRecorded, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await tickets.recordWork(
            request.params.id,
            request.operator!,
            request.body,
            request.headers['idempotency-key'],
          ),
        ),
  );

  app.post(
    '/tickets/:id/resolve',
    {
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
