import type { FastifyPluginAsync } from 'fastify';
import type { Database } from '../../db/client';
import { normalizeEmail, normalizePhone } from '../../domain/contacts';
import { loadTicketDetails, loadTicketSummary, listTicketEvents, searchTickets } from '../../repositories/tickets';
import { DeskError, notFound } from '../../services/errors';
import type { NewTicket, TicketService } from '../../services/ticket-service';
import { maySeeDetails } from '../auth';
import { changeSlaBody, escalatedSchema, reasonBody, slaStatusSchema } from '../catalog-schemas';
import {
  complaintResolutionBody,
  newTicketBody,
  operatorHeader,
  registeredTicket,
  reopenBody,
  reopened,
  resolveBody,
  resolved,
  searchQuery,
  surveyBody,
  ticketEvent,
  idParams,
  ticketListItem,
  workBody,
  workRecorded,
} from '../schemas';

const errors = (...codes: number[]) => Object.fromEntries(codes.map((code) => [code, { $ref: 'Error#' }]));
const withTicket = { params: idParams, headers: operatorHeader } as const;

type TicketParams = { Params: { id: number } };

export const ticketRoutes: FastifyPluginAsync<{ tickets: TicketService; db: Database }> = async (
  app,
  { tickets, db },
) => {
  // onRequest: who is asking is settled before the request is validated or read.
  const operatorOnly = { onRequest: app.requireOperator };

  app.post<{ Body: NewTicket }>(
    '/tickets',
    {
      schema: {
        tags: ['tickets'],
        summary: 'Register a ticket',
        description: 'Starts the ticket workflow. 201 once the ticket is queued; 202 if it is still being registered.',
        body: newTicketBody,
        response: { 201: registeredTicket, 202: registeredTicket, ...errors(400, 409, 413, 415, 503) },
      },
    },
    async (request, reply) => {
      const { client } = request.body;
      if (!client.phone && !client.email) throw new DeskError('VALIDATION', 'body.client needs a phone or an email');
      if (client.phone && !normalizePhone(client.phone))
        throw new DeskError('VALIDATION', `body.client.phone "${client.phone}" is not a phone number`);
      if (client.email && !normalizeEmail(client.email))
        throw new DeskError('VALIDATION', `body.client.email "${client.email}" is not an e-mail address`);
      const registration = await tickets.register(request.body);
      request.log.info(
        { ticketId: registration.ticketId, workflowId: `ticket-${registration.ticketId}`, stage: registration.stage },
        'ticket registered',
      );
      return reply
        .status(registration.stage === 'queued' ? 201 : 202)
        .send({ id: registration.ticketId, ...registration });
    },
  );

  app.get<{ Querystring: { q: string; limit: number; offset: number } }>(
    '/tickets',
    {
      ...operatorOnly,
      schema: {
        tags: ['tickets'],
        summary: 'Search tickets by subject, newest first',
        description:
          'Managers search every ticket; operators only tickets already accepted (a match would reveal what a blind ticket is about). The subject is shown only to the assignee and managers.',
        headers: operatorHeader,
        querystring: searchQuery,
        response: { 200: { type: 'array', items: ticketListItem }, ...errors(400, 401) },
      },
    },
    async (request) => {
      const { q, ...page } = request.query;
      const operator = request.operator!;
      return searchTickets(db, q, { operatorId: operator.id, isManager: operator.role === 'manager' }, page);
    },
  );

  app.get<TicketParams>(
    '/tickets/:id',
    {
      ...operatorOnly,
      schema: {
        tags: ['tickets'],
        summary: 'Read a ticket',
        description: 'The assignee and managers get the whole ticket; anyone else the summary only.',
        ...withTicket,
        response: {
          200: { oneOf: [{ $ref: 'TicketDetails#' }, { $ref: 'TicketSummary#' }] },
          ...errors(400, 401, 404),
        },
      },
    },
    async (request) => {
      const summary = await loadTicketSummary(db, request.params.id);
      if (!summary) throw notFound(`ticket ${request.params.id}`);
      if (!maySeeDetails(request.operator!, summary)) return summary;
      return (await loadTicketDetails(db, request.params.id))!;
    },
  );

  app.get<TicketParams>(
    '/tickets/:id/events',
    {
      ...operatorOnly,
      schema: {
        tags: ['tickets'],
        summary: "A ticket's events, oldest first",
        description:
          'Each event names the BPMN element of processes/ticket.bpmn. Event data only for the assignee and managers.',
        ...withTicket,
        response: { 200: { type: 'array', items: ticketEvent }, ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const summary = await loadTicketSummary(db, request.params.id);
      if (!summary) throw notFound(`ticket ${request.params.id}`);
      const events = await listTicketEvents(db, request.params.id);
      if (maySeeDetails(request.operator!, summary)) return events;
      return events.map(({ data: _hidden, ...event }) => event);
    },
  );

  app.post<TicketParams>(
    '/tickets/:id/accept',
    {
      ...operatorOnly,
      schema: {
        tags: ['tickets'],
        summary: 'Accept a queued ticket',
        description:
          'The operator must belong to the group of the ticket’s queue. Returns the whole ticket with the quoted price and due date.',
        ...withTicket,
        response: { 200: { $ref: 'TicketDetails#' }, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => tickets.accept(request.params.id, request.operator!),
  );

  app.post<TicketParams & { Body: { minutes: number; note: string; stepsDone?: string[] } }>(
    '/tickets/:id/work',
    {
      ...operatorOnly,
      schema: {
        tags: ['tickets'],
        summary: 'Record work on an accepted ticket',
        ...withTicket,
        body: workBody,
        response: { 201: workRecorded, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await tickets.recordWork(request.params.id, request.operator!, request.body)),
  );

  app.post<TicketParams & { Body: { resolution: string; overdueReason?: string; overdueNote?: string } }>(
    '/tickets/:id/resolve',
    {
      ...operatorOnly,
      schema: {
        tags: ['tickets'],
        summary: 'Resolve the ticket',
        description:
          'The client is then notified on their channel and asked for a CSAT answer. After the resolution deadline an overdueReason from GET /overdue-reasons is required (400 without it).',
        ...withTicket,
        body: resolveBody,
        response: { 200: resolved, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => tickets.resolve(request.params.id, request.operator!, request.body),
  );

  app.get<TicketParams>(
    '/tickets/:id/sla',
    {
      ...operatorOnly,
      schema: {
        tags: ['sla'],
        summary: "The ticket's SLA clocks as its workflow holds them",
        ...withTicket,
        response: { 200: slaStatusSchema, ...errors(400, 401, 404) },
      },
    },
    async (request) => tickets.sla(request.params.id),
  );

  app.post<TicketParams & { Body: { reason: string } }>(
    '/tickets/:id/wait-for-client',
    {
      ...operatorOnly,
      schema: {
        tags: ['sla'],
        summary: 'Wait for the client: the SLA clock stops',
        description:
          'The assignee pauses the ticket with a reason; resume recomputes the deadline from the business time left.',
        ...withTicket,
        body: reasonBody,
        response: { 200: slaStatusSchema, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => tickets.waitForClient(request.params.id, request.operator!, request.body.reason),
  );

  app.post<TicketParams>(
    '/tickets/:id/resume',
    {
      ...operatorOnly,
      schema: {
        tags: ['sla'],
        summary: 'The client answered: the SLA clock runs again',
        ...withTicket,
        response: { 200: slaStatusSchema, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => tickets.resume(request.params.id, request.operator!),
  );

  app.post<TicketParams & { Body: { reason: string } }>(
    '/tickets/:id/escalate',
    {
      ...operatorOnly,
      schema: {
        tags: ['sla'],
        summary: 'Escalate to the next support line',
        description:
          'The assignee or a manager moves the ticket to the queue of the next line (1 → 2 → 3), with a reason.',
        ...withTicket,
        body: reasonBody,
        response: { 200: escalatedSchema, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => tickets.escalate(request.params.id, request.operator!, request.body.reason),
  );

  app.post<TicketParams & { Body: { agreementId: number } }>(
    '/tickets/:id/sla',
    {
      ...operatorOnly,
      schema: {
        tags: ['sla'],
        summary: "Change the ticket's SLA (managers)",
        description: 'Business time already used is kept; deadlines are recomputed from the new agreement.',
        ...withTicket,
        body: changeSlaBody,
        response: { 200: slaStatusSchema, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => tickets.changeSla(request.params.id, request.operator!, request.body.agreementId),
  );

  app.post<TicketParams & { Body: { reason: string; token?: string } }>(
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
        response: { 200: reopened, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const { reason, token } = request.body;
      if (request.operator) return tickets.reopen(request.params.id, { operator: request.operator }, reason);
      if (!token) throw new DeskError('VALIDATION', 'body.token is required when no X-Operator-Id is given');
      return tickets.reopen(request.params.id, { token }, reason);
    },
  );

  app.post<TicketParams & { Body: { resolution: string } }>(
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
        response: { 200: resolved, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const result = await tickets.resolveComplaint(request.params.id, request.operator!, request.body.resolution);
      return { ticketId: result.ticketId, resolvedAt: result.resolvedAt };
    },
  );

  app.post<TicketParams & { Body: { token: string; csat: number; comment?: string; complaint?: boolean } }>(
    '/tickets/:id/survey',
    {
      schema: {
        tags: ['survey'],
        summary: "The client's satisfaction answer (CSAT 1–5)",
        description: 'The token comes with the resolution notice.',
        params: idParams,
        body: surveyBody,
        response: {
          202: { type: 'object', properties: { accepted: { type: 'boolean' } } },
          ...errors(400, 403, 404, 409),
        },
      },
    },
    async (request, reply) => {
      await tickets.answerSurvey(request.params.id, request.body);
      return reply.status(202).send({ accepted: true });
    },
  );
};
