import type { RoutePlugin } from '../type-provider';
import type { QueueService } from '../../services/queue-service';
import { errorResponses, idParams, operatorHeader, pageQuery, reasonBody } from '../schemas/common';
import { offerSchema, queueSchema, skippedOffer } from '../schemas/queues';

/** `/queues` (listings and `next`) and `/offers`: pulling work from a queue. */
export const queueRoutes: RoutePlugin<{ queues: QueueService }> = async (app, { queues }) => {
  const operatorOnly = { onRequest: app.requireOperator };

  app.get(
    '/queues',
    {
      ...operatorOnly,
      schema: {
        tags: ['queues'],
        summary: 'List queues with the number of tickets waiting',
        headers: operatorHeader,
        response: { 200: { type: 'array', items: queueSchema }, ...errorResponses(401) },
      },
    },
    async () => queues.list(),
  );

  app.get(
    '/queues/:id/tickets',
    {
      ...operatorOnly,
      schema: {
        tags: ['queues'],
        summary: "A queue's waiting tickets, in the order to work them",
        description: 'Blind: only what is needed to choose (no subject, text or client) until a ticket is accepted.',
        headers: operatorHeader,
        params: idParams,
        querystring: pageQuery,
        response: {
          200: { type: 'array', items: { $ref: 'QueuedTicket#' } },
          ...errorResponses(400, 401, 404),
        },
      },
    },
    async (request) => queues.waiting(request.params.id, request.query),
  );

  app.post(
    '/queues/:id/next',
    {
      ...operatorOnly,
      schema: {
        tags: ['queues'],
        summary: 'Offer me the ticket to work next',
        description:
          'By priority, then SLA due time, then age; reserved for the caller for a short time. 204 when there is nothing to offer; 409 AT_LIMIT at the ticket limit.',
        headers: operatorHeader,
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
      ...operatorOnly,
      schema: {
        tags: ['queues'],
        summary: 'Pass on an offer, saying why',
        headers: operatorHeader,
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
