import type { RoutePlugin } from '../type-provider';
import type { FastifyRequest } from 'fastify';
import { isManager } from '../../domain/access';
import type { CalendarInput, CatalogService } from '../../services/catalog-service';
import { DeskError } from '../../services/errors';
import {
  calendarBody,
  calendarSchema,
  catalogServiceSchema,
  codeParams,
  includeInactiveQuery,
  newServiceBody,
  overdueReasonBody,
  overdueReasonSchema,
  serviceChangesBody,
} from '../schemas/catalog';
import { errorResponses, operatorHeader } from '../schemas/common';
import { agreementBody, agreementParams, agreementSchema, olaBody, olaParams, olaSchema } from '../schemas/sla';

/** Catalog, calendars, agreements and overdue reasons: every operator reads them, managers change them. */
export const catalogRoutes: RoutePlugin<{ catalog: CatalogService }> = async (app, { catalog }) => {
  const requireManager = async (request: FastifyRequest) => {
    await app.requireOperator(request);
    if (!isManager(request.operator!))
      throw new DeskError(
        'NOT_MANAGER',
        `only a manager changes the catalog and agreements; ${request.operator!.id} is not one`,
      );
  };
  const reader = { onRequest: app.requireOperator };
  const manager = { onRequest: requireManager };

  app.get(
    '/catalog/services',
    {
      ...reader,
      schema: {
        tags: ['catalog'],
        summary: 'The service catalog',
        headers: operatorHeader,
        querystring: includeInactiveQuery,
        response: { 200: { type: 'array', items: catalogServiceSchema }, ...errorResponses(400, 401) },
      },
    },
    async (request) => catalog.listServices(request.query),
  );

  app.get(
    '/catalog/services/:code',
    {
      ...reader,
      schema: {
        tags: ['catalog'],
        summary: 'One catalog service',
        headers: operatorHeader,
        params: codeParams,
        response: { 200: catalogServiceSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => catalog.getService(request.params.code),
  );

  app.post(
    '/catalog/services',
    {
      ...manager,
      schema: {
        tags: ['catalog'],
        summary: 'Add a service: price, norm hours, support line, competence, checklist',
        headers: operatorHeader,
        body: newServiceBody,
        response: { 201: catalogServiceSchema, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await catalog.createService(request.body)),
  );

  app.patch(
    '/catalog/services/:code',
    {
      ...manager,
      schema: {
        tags: ['catalog'],
        summary: 'Change a service',
        headers: operatorHeader,
        params: codeParams,
        body: serviceChangesBody,
        response: { 200: catalogServiceSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => catalog.updateService(request.params.code, request.body),
  );

  app.delete(
    '/catalog/services/:code',
    {
      ...manager,
      schema: {
        tags: ['catalog'],
        summary: 'Deactivate a service',
        description: 'Kept for old tickets; no longer chosen for new ones.',
        headers: operatorHeader,
        params: codeParams,
        response: { 200: catalogServiceSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => catalog.deactivateService(request.params.code),
  );

  app.get(
    '/catalog/services/:code/sla',
    {
      ...reader,
      schema: {
        tags: ['catalog'],
        summary: "A service's SLA per client category",
        headers: operatorHeader,
        params: codeParams,
        response: { 200: { type: 'array', items: agreementSchema }, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => catalog.listAgreements(request.params.code),
  );

  app.put(
    '/catalog/services/:code/sla/:clientCategory',
    {
      ...manager,
      schema: {
        tags: ['catalog'],
        summary: 'Set the SLA of a service for a client category',
        description:
          'Response and resolution in business seconds, the warning share, and up to three escalation levels.',
        headers: operatorHeader,
        params: agreementParams,
        body: agreementBody,
        response: { 200: agreementSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => catalog.putAgreement(request.params.code, request.params.clientCategory, request.body),
  );

  app.get(
    '/calendars',
    {
      ...reader,
      schema: {
        tags: ['catalog'],
        summary: 'Business calendars',
        headers: operatorHeader,
        response: { 200: { type: 'array', items: calendarSchema }, ...errorResponses(401) },
      },
    },
    async () => catalog.listCalendars(),
  );

  app.put(
    '/calendars/:code',
    {
      ...manager,
      schema: {
        tags: ['catalog'],
        summary: 'Create or replace a business calendar',
        headers: operatorHeader,
        params: codeParams,
        body: calendarBody,
        response: { 200: calendarSchema, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) =>
      catalog.putCalendar(
        request.params.code,
        // The week's seven days are built with Object.fromEntries, which json-schema-to-ts cannot read.
        request.body as CalendarInput,
      ),
  );

  app.get(
    '/ola',
    {
      ...reader,
      schema: {
        tags: ['catalog'],
        summary: 'OLA per support line',
        headers: operatorHeader,
        response: { 200: { type: 'array', items: olaSchema }, ...errorResponses(401) },
      },
    },
    async () => catalog.listOla(),
  );

  app.put(
    '/ola/:line',
    {
      ...manager,
      schema: {
        tags: ['catalog'],
        summary: 'Set the OLA of a support line',
        headers: operatorHeader,
        params: olaParams,
        body: olaBody,
        response: { 200: olaSchema, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => catalog.putOla(request.params.line, request.body),
  );

  app.get(
    '/overdue-reasons',
    {
      ...reader,
      schema: {
        tags: ['catalog'],
        summary: 'Reasons a ticket may be resolved late',
        headers: operatorHeader,
        querystring: includeInactiveQuery,
        response: { 200: { type: 'array', items: overdueReasonSchema }, ...errorResponses(400, 401) },
      },
    },
    async (request) => catalog.listOverdueReasons(request.query),
  );

  app.put(
    '/overdue-reasons/:code',
    {
      ...manager,
      schema: {
        tags: ['catalog'],
        summary: 'Add, rename or retire an overdue reason',
        headers: operatorHeader,
        params: codeParams,
        body: overdueReasonBody,
        response: { 200: overdueReasonSchema, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => catalog.putOverdueReason(request.params.code, request.body),
  );
};
