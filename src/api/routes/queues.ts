import type { RoutePlugin } from '../type-provider';
import type { QueueService } from '../../services/queue-service';
import { errorResponses, idParams, pageQuery, reasonBody } from '../schemas/common';
import { offerSchema, queueSchema, skippedOffer } from '../schemas/queues';

/** `/queues` (listings and `next`) and `/offers`: pulling work from a queue. */
export const queueRoutes: RoutePlugin<{ queues: QueueService }> = async (app, { queues }) => {
  app.get(
    '/queues',
    {
      schema: {
        tags: ['queues'],
        summary: 'The queues I have access to, with my level and the number of tickets waiting',
        description:
          'A queue the caller has no access to (not even `overview`) is not listed; managers see every queue.',
        response: { 200: { type: 'array', items: queueSchema }, ...errorResponses(401) },
      },
    },
    async (request) => queues.list(request.operator!),
  );

  app.get(
    '/queues/:id/tickets',
    {
      schema: {
        tags: ['queues'],
        summary: "A queue's waiting tickets, in the order to work them",
        description:
          'Blind: only what is needed to choose (no subject, text or client) until a ticket is accepted. Needs `overview` on the queue (403 NO_QUEUE_ACCESS).',
        params: idParams,
        querystring: pageQuery,
        response: {
          200: { type: 'array', items: { $ref: 'QueuedTicket#' } },
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => queues.waiting(request.params.id, request.query),
  );

  app.post(
    '/queues/:id/next',
    {
      schema: {
        tags: ['queues'],
        summary: 'Offer me the ticket to work next',
        description:
          'By priority, then SLA due time, then age; reserved for the caller for a short time. 204 when there is nothing to offer; 409 AT_LIMIT at the ticket limit; 403 NO_QUEUE_ACCESS without `take` on the queue.',
        params: idParams,
        response: {
          200: offerSchema,
          204: { type: 'null', description: 'Nothing to offer' },
          ...errorResponses(400, 401, 403, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const offer = await queues.next(request.operator!, request.params.id);
      return offer ? offer : reply.status(204).send();
    },
  );

  app.post(
    '/offers/:id/skip',
    {
      schema: {
        tags: ['queues'],
        summary: 'Pass on an offer, saying why',
        params: idParams,
        body: reasonBody,
        response: {
          200: skippedOffer,
          ...errorResponses(400, 401, 404, 409),
        },
      },
    },
    async (request) => queues.skip(request.operator!, request.params.id, request.body.reason),
  );
};
