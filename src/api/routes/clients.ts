import type { FastifyPluginAsync } from 'fastify';
import type { Database } from '../../db/client';
import { clientExists, listClientTickets } from '../../repositories/tickets';
import { notFound } from '../../services/errors';
import { clientIdParams, operatorHeader, pageQuery, ticketListItem } from '../schemas';

export const clientRoutes: FastifyPluginAsync<{ db: Database }> = async (app, { db }) => {
  app.get<{ Params: { id: number }; Querystring: { limit: number; offset: number } }>(
    '/clients/:id/tickets',
    {
      onRequest: app.requireOperator,
      schema: {
        tags: ['clients'],
        summary: "A client's tickets, newest first",
        description: 'Summaries; the subject only of tickets the operator is assigned to (managers see every subject).',
        headers: operatorHeader,
        params: clientIdParams,
        querystring: pageQuery,
        response: {
          200: { type: 'array', items: ticketListItem },
          400: { $ref: 'Error#' },
          401: { $ref: 'Error#' },
          404: { $ref: 'Error#' },
        },
      },
    },
    async (request) => {
      if (!(await clientExists(db, request.params.id))) throw notFound(`client ${request.params.id}`);
      const operator = request.operator!;
      return listClientTickets(
        db,
        request.params.id,
        { operatorId: operator.id, isManager: operator.role === 'manager' },
        request.query,
      );
    },
  );
};
