import type { RoutePlugin } from '../type-provider';
import type { TicketReads } from '../../services/ticket-reads';
import { errorResponses, idParams, operatorHeader, pageQuery } from '../schemas/common';
import { ticketListItem } from '../schemas/tickets';

/** `/clients/:id/...`: a client and their tickets. */
export const clientRoutes: RoutePlugin<{ reads: TicketReads }> = async (app, { reads }) => {
  app.get(
    '/clients/:id/tickets',
    {
      onRequest: app.requireOperator,
      schema: {
        tags: ['clients'],
        summary: "A client's tickets, newest first",
        description: 'Summaries; the subject only of tickets the operator is assigned to (managers see every subject).',
        headers: operatorHeader,
        params: idParams,
        querystring: pageQuery,
        response: {
          200: { type: 'array', items: ticketListItem },
          ...errorResponses(400, 401, 404),
        },
      },
    },
    async (request) => reads.clientTickets(request.operator!, request.params.id, request.query),
  );
};
