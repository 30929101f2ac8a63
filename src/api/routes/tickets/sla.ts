import type { RoutePlugin } from '../../type-provider';
import type { TicketRouteDeps } from './index';
import { errorResponses, idParams, reasonBody } from '../../schemas/common';
import { changeSlaBody, escalatedSchema, slaStatusSchema } from '../../schemas/sla';
import { SLA_READS } from '../../../services/ticket-workflow';

const withTicket = { params: idParams } as const;

/** `/tickets/:id/sla`, `/wait-for-client`, `/resume`, `/escalate`: the ticket's SLA clocks. */
export const ticketSlaRoutes: RoutePlugin<TicketRouteDeps> = async (app, { tickets }) => {
  app.get(
    '/tickets/:id/sla',
    {
      schema: {
        tags: ['sla'],
        summary: "The ticket's SLA clocks as its workflow holds them",
        description:
          'The agreement and the budgets only to the assignee and managers: they tell what a blind ticket is about. ' +
          'A query of the workflow, bounded per API process: callers asking at once share one answer, reused for ' +
          `${SLA_READS.freshForMs} ms (a change this process made is seen at once); past ${SLA_READS.maxInFlight} ` +
          `queries in flight a read waits up to ${SLA_READS.waitMs} ms, then 503 ENGINE_BUSY.`,
        ...withTicket,
        response: { 200: slaStatusSchema, ...errorResponses(400, 401, 404, 503) },
      },
    },
    async (request) => tickets.sla(request.params.id, request.operator!),
  );

  app.post(
    '/tickets/:id/wait-for-client',
    {
      schema: {
        tags: ['sla'],
        summary: 'Wait for the client: the SLA clock stops',
        description:
          'The assignee pauses the ticket with a reason; resume recomputes the deadline from the business time left.',
        ...withTicket,
        body: reasonBody,
        response: { 200: slaStatusSchema, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => tickets.waitForClient(request.params.id, request.operator!, request.body.reason),
  );

  app.post(
    '/tickets/:id/resume',
    {
      schema: {
        tags: ['sla'],
        summary: 'The client answered: the SLA clock runs again',
        ...withTicket,
        response: { 200: slaStatusSchema, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => tickets.resume(request.params.id, request.operator!),
  );

  app.post(
    '/tickets/:id/escalate',
    {
      schema: {
        tags: ['sla'],
        summary: 'Escalate to the next support line',
        description:
          'The assignee or a manager moves the ticket to the queue of the next line (1 → 2 → 3), with a reason.',
        ...withTicket,
        body: reasonBody,
        response: { 200: escalatedSchema, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => tickets.escalate(request.params.id, request.operator!, request.body.reason),
  );

  app.post(
    '/tickets/:id/sla',
    {
      schema: {
        tags: ['sla'],
        summary: "Change the ticket's SLA (managers)",
        description: 'Business time already used is kept; deadlines are recomputed from the new agreement.',
        ...withTicket,
        body: changeSlaBody,
        response: { 200: slaStatusSchema, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => tickets.changeSla(request.params.id, request.operator!, request.body.agreementId),
  );
};
