import type { RoutePlugin } from '../type-provider';
import type { TicketReads } from '../../services/ticket-reads';
import { errorResponses, idParams, pageQuery } from '../schemas/common';
import { ticketListItem } from '../schemas/tickets';

/** `/clients/:id/...`: a client and their tickets. */
export const clientRoutes: RoutePlugin<{ reads: TicketReads }> = async (app, { reads }) => {
  app.get(
    '/clients/:id/tickets',
    {
      schema: {
        tags: ['clients'],
        summary: "A client's tickets, newest first",
        description:
          'Summaries; operators are not shown the tickets still waiting in a queue, and the subject only of tickets they are assigned to (managers see every ticket and subject).',
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
