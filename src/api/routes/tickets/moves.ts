import type { RoutePlugin } from '../../type-provider';
import type { TicketRouteDeps } from './index';
import { errorResponses, idParams, operatorHeader, reasonBody } from '../../schemas/common';
import { categoryBody, categoryVerdict, moved, reassignBody, transferBody } from '../../schemas/tickets';

/** `/tickets/:id/reassign`, `/return`, `/transfer` and `/category`: moving a ticket, correcting its category. */
export const ticketMoveRoutes: RoutePlugin<TicketRouteDeps> = async (app, { tickets, rules }) => {
  const operatorOnly = { onRequest: app.requireOperator };

  app.post(
    '/tickets/:id/reassign',
    {
      ...operatorOnly,
      schema: {
        tags: ['tickets'],
        summary: 'Hand an accepted ticket to another operator (the assignee or a manager)',
        headers: operatorHeader,
        params: idParams,
        body: reassignBody,
        response: { 200: moved, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      tickets.reassign(request.params.id, request.operator!, request.body.toOperatorId, request.body.reason),
  );

  app.post(
    '/tickets/:id/return',
    {
      ...operatorOnly,
      schema: {
        tags: ['tickets'],
        summary: 'Return an accepted ticket to its queue (the assignee or a manager)',
        headers: operatorHeader,
        params: idParams,
        body: reasonBody,
        response: { 200: moved, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => tickets.returnToQueue(request.params.id, request.operator!, request.body.reason),
  );

  app.post(
    '/tickets/:id/transfer',
    {
      ...operatorOnly,
      schema: {
        tags: ['tickets'],
        summary: 'Move a ticket to another queue (the assignee, the queue’s group while it waits, or a manager)',
        headers: operatorHeader,
        params: idParams,
        body: transferBody,
        response: { 200: moved, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      tickets.transfer(request.params.id, request.operator!, request.body.toQueueId, request.body.reason),
  );

  app.post(
    '/tickets/:id/category',
    {
      ...operatorOnly,
      schema: {
        tags: ['tickets'],
        summary: 'Confirm or correct the ticket’s category (the assignee or a manager)',
        description: 'Recorded as training data for the category model.',
        headers: operatorHeader,
        params: idParams,
        body: categoryBody,
        response: {
          200: categoryVerdict,
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => rules.recordCategoryVerdict(request.operator!, request.params.id, request.body.category),
  );
};
