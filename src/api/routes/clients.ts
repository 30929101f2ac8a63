import type { RoutePlugin } from '../type-provider';
import type { ClientService } from '../../services/client-service';
import type { TicketReads } from '../../services/ticket-reads';
import { errorResponses, idParams, pageQuery } from '../schemas/common';
import {
  clientAuditAnswer,
  clientAuditQuery,
  clientChangeBody,
  clientContact,
  clientDevice,
  clientProfile,
  clientSearchQuery,
  clientSummary,
  consentBody,
  consentHistory,
  consentParams,
  contactParams,
  deviceParams,
  mergeAnswer,
  mergeBody,
  newClientBody,
  newContactBody,
  newDeviceBody,
  removedAnswer,
  timelineAnswer,
} from '../schemas/clients';
import { ticketListItem } from '../schemas/tickets';

const MERGED =
  'A merged client’s id answers 301 with `Location: /clients/{survivor}`; a change to it 409 CLIENT_MERGED.';

/** `/clients`: profiles, search, contacts, devices, consents, the timeline, merging duplicates. */
export const clientRoutes: RoutePlugin<{ reads: TicketReads; clients: ClientService }> = async (
  app,
  { reads, clients },
) => {
  const from = (request: { ip: string }) => ({ address: request.ip });

  app.get(
    '/clients',
    {
      schema: {
        tags: ['clients'],
        summary: 'Find clients by phone, e-mail, Telegram username, ИНН or part of the name',
        description: 'Merged clients are never found (their contacts are the survivor’s now).',
        querystring: clientSearchQuery,
        response: { 200: { type: 'array', items: clientSummary }, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => clients.search(request.query.q, request.query),
  );

  app.post(
    '/clients',
    {
      schema: {
        tags: ['clients'],
        summary: 'Create a client profile (line leads, managers); recorded in the client audit log',
        description: 'A contact that is another client’s answers 409 CONTACT_TAKEN naming the field.',
        body: newClientBody,
        response: { 201: clientProfile, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await clients.create(request.operator!, request.body, from(request))),
  );

  app.get(
    '/clients/:id',
    {
      schema: {
        tags: ['clients'],
        summary: 'A client’s profile: legal details, contacts, Telegram chats, devices, consents',
        description: MERGED,
        params: idParams,
        response: { 200: clientProfile, ...errorResponses(301, 400, 401, 403, 404) },
      },
    },
    async (request) => clients.read(request.params.id),
  );

  app.patch(
    '/clients/:id',
    {
      schema: {
        tags: ['clients'],
        summary: 'Change a client’s profile (line leads, managers): only the fields given; null clears one',
        description: `Each change (field, old and new value) is in the client audit log. ${MERGED}`,
        params: idParams,
        body: clientChangeBody,
        response: { 200: clientProfile, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => clients.update(request.operator!, request.params.id, request.body, from(request)),
  );

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
          ...errorResponses(301, 400, 401, 404),
        },
      },
    },
    async (request) => {
      await clients.ensureReadable(request.params.id);
      return reads.clientTickets(request.operator!, request.params.id, request.query);
    },
  );

  app.get(
    '/clients/:id/timeline',
    {
      schema: {
        tags: ['clients'],
        summary: 'A client’s tickets and their articles, across channels, in one timeline (a page of tickets)',
        description:
          'Blind rules as in GET /clients/{id}/tickets: an operator is not shown tickets waiting in a queue, and sees the subject and articles only of tickets they hold. Each ticket’s first 100 articles; a ticket with more pages through GET /tickets/{id}/articles.',
        params: idParams,
        querystring: {
          ...pageQuery,
          properties: { ...pageQuery.properties, limit: { ...pageQuery.properties.limit, maximum: 100, default: 20 } },
        },
        response: { 200: timelineAnswer, ...errorResponses(301, 400, 401, 403, 404) },
      },
    },
    async (request) => clients.timeline(request.operator!, request.params.id, request.query),
  );

  app.post(
    '/clients/:id/contacts',
    {
      schema: {
        tags: ['clients'],
        summary: 'Add a phone, e-mail or Telegram username to a client',
        description:
          'Intake finds the client by a further phone or e-mail too. One that is another client’s: 409 CONTACT_TAKEN.',
        params: idParams,
        body: newContactBody,
        response: { 201: clientContact, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await clients.addContact(request.operator!, request.params.id, request.body, from(request))),
  );

  app.delete(
    '/clients/:id/contacts/:contactId',
    {
      schema: {
        tags: ['clients'],
        summary: 'Remove a further contact (line leads, managers)',
        params: contactParams,
        response: { 200: removedAnswer, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      clients.removeContact(request.operator!, request.params.id, request.params.contactId, from(request)),
  );

  app.post(
    '/clients/:id/devices',
    {
      schema: {
        tags: ['clients'],
        summary: 'Record a client’s device: model, serial number, IMEI (Luhn-checked)',
        params: idParams,
        body: newDeviceBody,
        response: { 201: clientDevice, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await clients.addDevice(request.operator!, request.params.id, request.body, from(request))),
  );

  app.delete(
    '/clients/:id/devices/:deviceId',
    {
      schema: {
        tags: ['clients'],
        summary: 'Remove a device from a client’s profile',
        params: deviceParams,
        response: { 200: removedAnswer, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      clients.removeDevice(request.operator!, request.params.id, request.params.deviceId, from(request)),
  );

  app.put(
    '/clients/:id/consents/:kind',
    {
      schema: {
        tags: ['clients'],
        summary: 'Record consent to notifications or marketing given or withdrawn, with its date',
        description:
          'The history is kept; the consent now is the latest record of its kind. Answers the history, newest first.',
        params: consentParams,
        body: consentBody,
        response: { 200: consentHistory, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      clients.recordConsent(request.operator!, request.params.id, request.params.kind, request.body, from(request)),
  );

  app.post(
    '/clients/:id/merge',
    {
      schema: {
        tags: ['clients'],
        summary:
          'Merge a duplicate (`from`) into this client (managers): every ticket, call, contact, device and chat moves',
        description:
          'One transaction. The duplicate is kept as a tombstone pointing at this client: its id answers 301 to it from then on. Merging a client into itself is 400; into or from a merged one 409 CLIENT_MERGED.',
        params: idParams,
        body: mergeBody,
        response: { 200: mergeAnswer, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => clients.merge(request.operator!, request.params.id, request.body.from, from(request)),
  );

  app.get(
    '/clients/:id/audit',
    {
      schema: {
        tags: ['clients'],
        summary: 'Every change to a client’s profile, newest first (line leads, managers)',
        description: 'Who, what, when, from which address; a merged client’s entries stay under its own id.',
        params: idParams,
        querystring: clientAuditQuery,
        response: { 200: clientAuditAnswer, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => clients.auditLog(request.params.id, request.query),
  );
};
