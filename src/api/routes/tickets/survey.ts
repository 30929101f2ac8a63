import type { RoutePlugin } from '../../type-provider';
import type { TicketRouteDeps } from './index';
import { errorResponses, idParams } from '../../schemas/common';
import {
  clientConfirmationBody,
  clientConfirmed,
  complaintResolutionBody,
  reopenBody,
  reopened,
  resolved,
  surveyAccepted,
  surveyBody,
} from '../../schemas/tickets';

const withTicket = { params: idParams } as const;

/**
 * The client's links and answers: `/tickets/:id/client-confirmation` (the link sent when someone
 * files with a known contact), and after the resolution `/reopen`, `/complaint/resolve`, `/survey`.
 */
export const ticketSurveyRoutes: RoutePlugin<TicketRouteDeps> = async (app, { tickets }) => {
  app.post(
    '/tickets/:id/client-confirmation',
    {
      schema: {
        tags: ['tickets'],
        summary: 'Confirm that a ticket is its client’s',
        description:
          'A ticket filed without an account, giving a known client’s phone or e-mail, runs as a one-time client’s until confirmed: ' +
          'by the client with the token of the link sent to the contact on file, or by the assignee or a manager (with an API token) who identified the filer. ' +
          'An open ticket then moves to the client’s SLA agreement. A wrong, used or expired link and no such ticket get one answer (403).',
        params: idParams,
        body: clientConfirmationBody,
        response: { 200: clientConfirmed, ...errorResponses(400, 403, 404) },
      },
    },
    async (request) =>
      tickets.confirmClient(request.params.id, {
        operator: request.operator,
        credential: request.credential,
        token: request.body.token,
      }),
  );

  app.post(
    '/tickets/:id/reopen',
    {
      schema: {
        tags: ['tickets'],
        summary: 'Reopen a resolved ticket while its survey waits',
        description:
          'By the client (with the survey token) or by the assignee or a manager (with an API token). The assignee works it again; the client is notified again.',
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
