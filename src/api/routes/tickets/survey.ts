import type { RoutePlugin } from '../../type-provider';
import type { TicketRouteDeps } from './index';
import { errorResponses, idParams, operatorHeader } from '../../schemas/common';
import {
  complaintResolutionBody,
  reopenBody,
  reopened,
  resolved,
  surveyAccepted,
  surveyBody,
} from '../../schemas/tickets';

const withTicket = { params: idParams, headers: operatorHeader } as const;

/** `/tickets/:id/reopen`, `/complaint/resolve`, `/survey`: after the resolution, the client's answer. */
export const ticketSurveyRoutes: RoutePlugin<TicketRouteDeps> = async (app, { tickets }) => {
  const operatorOnly = { onRequest: app.requireOperator };

  app.post(
    '/tickets/:id/reopen',
    {
      // An operator names themself; the client has no login and shows the survey token instead.
      onRequest: async (request) => {
        if (request.headers['x-operator-id'] !== undefined) await app.requireOperator(request);
      },
      schema: {
        tags: ['tickets'],
        summary: 'Reopen a resolved ticket while its survey waits',
        description:
          'By the client (with the survey token) or by the assignee or a manager (X-Operator-Id). The assignee works it again; the client is notified again.',
        params: idParams,
        body: reopenBody,
        response: { 200: reopened, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      tickets.reopen(request.params.id, { operator: request.operator, token: request.body.token }, request.body.reason),
  );

  app.post(
    '/tickets/:id/complaint/resolve',
    {
      ...operatorOnly,
      schema: {
        tags: ['tickets'],
        summary: 'Close the complaint a survey opened (managers only)',
        description:
          'A score of 1–2 or an explicit complaint waits for a manager; the ticket closes once the complaint is resolved.',
        ...withTicket,
        body: complaintResolutionBody,
        response: { 200: resolved, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => tickets.resolveComplaint(request.params.id, request.operator!, request.body.resolution),
  );

  app.post(
    '/tickets/:id/survey',
    {
      schema: {
        tags: ['survey'],
        summary: "The client's satisfaction answer (CSAT 1–5)",
        description: 'The token comes with the resolution notice.',
        params: idParams,
        body: surveyBody,
        response: {
          202: surveyAccepted,
          ...errorResponses(400, 403, 404, 409),
        },
      },
    },
    async (request, reply) => {
      await tickets.answerSurvey(request.params.id, request.body);
      return reply.status(202).send({ accepted: true });
    },
  );
};
