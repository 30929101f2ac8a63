import type { FastifyPluginAsync } from 'fastify';
import type { Database } from '../../db/client';
import { findQueue, listQueuedTickets, listQueues } from '../../repositories/tickets';
import { notFound } from '../../services/errors';
import { operatorHeader, pageQuery, idParams, queueSchema } from '../schemas';

export const queueRoutes: FastifyPluginAsync<{ db: Database }> = async (app, { db }) => {
  app.get(
    '/queues',
    {
      onRequest: app.requireOperator,
      schema: {
        tags: ['queues'],
        summary: 'List queues with the number of tickets waiting',
        headers: operatorHeader,
        response: { 200: { type: 'array', items: queueSchema }, 401: { $ref: 'Error#' } },
      },
    },
    async () => listQueues(db),
  );

  app.get<{ Params: { id: number }; Querystring: { limit: number; offset: number } }>(
    '/queues/:id/tickets',
    {
      onRequest: app.requireOperator,
      schema: {
        tags: ['queues'],
        summary: "A queue's waiting tickets, in the order to work them",
        description: 'Blind: only what is needed to choose (no subject, text or client) until a ticket is accepted.',
        headers: operatorHeader,
        params: idParams,
        querystring: pageQuery,
        response: {
          200: { type: 'array', items: { $ref: 'QueuedTicket#' } },
          400: { $ref: 'Error#' },
          401: { $ref: 'Error#' },
          404: { $ref: 'Error#' },
        },
      },
    },
    async (request) => {
      if (!(await findQueue(db, request.params.id))) throw notFound(`queue ${request.params.id}`);
      return listQueuedTickets(db, request.params.id, request.query);
    },
  );
};
