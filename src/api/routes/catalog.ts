import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { DeskError } from '../../services/errors';
import type {
  AgreementInput,
  CalendarInput,
  CatalogService,
  CatalogServiceInput,
} from '../../services/catalog-service';
import {
  agreementBody,
  agreementParams,
  agreementSchema,
  calendarBody,
  calendarSchema,
  catalogServiceSchema,
  codeParams,
  includeInactiveQuery,
  newServiceBody,
  olaBody,
  olaParams,
  olaSchema,
  overdueReasonBody,
  overdueReasonSchema,
  serviceChangesBody,
} from '../catalog-schemas';
import { operatorHeader } from '../schemas';

const errors = (...codes: number[]) => Object.fromEntries(codes.map((code) => [code, { $ref: 'Error#' }]));

type Code = { Params: { code: string } };

/** Catalog, calendars, agreements and overdue reasons: every operator reads them, managers change them. */
export const catalogRoutes: FastifyPluginAsync<{ catalog: CatalogService }> = async (app, { catalog }) => {
  const requireManager = async (request: FastifyRequest) => {
    await app.requireOperator(request);
    if (request.operator!.role !== 'manager')
      throw new DeskError(
        'NOT_MANAGER',
        `only a manager changes the catalog and agreements; ${request.operator!.id} is not one`,
      );
  };
  const reader = { onRequest: app.requireOperator };
  const manager = { onRequest: requireManager };

  app.get<{ Querystring: { includeInactive: boolean } }>(
    '/catalog/services',
    {
      ...reader,
      schema: {
        tags: ['catalog'],
        summary: 'The service catalog',
        headers: operatorHeader,
        querystring: includeInactiveQuery,
        response: { 200: { type: 'array', items: catalogServiceSchema }, ...errors(400, 401) },
      },
    },
    async (request) => catalog.listServices(request.query),
  );

  app.get<Code>(
    '/catalog/services/:code',
    {
      ...reader,
      schema: {
        tags: ['catalog'],
        summary: 'One catalog service',
        headers: operatorHeader,
        params: codeParams,
        response: { 200: catalogServiceSchema, ...errors(400, 401, 404) },
      },
    },
    async (request) => catalog.getService(request.params.code),
  );

  app.post<{ Body: CatalogServiceInput }>(
    '/catalog/services',
    {
      ...manager,
      schema: {
        tags: ['catalog'],
        summary: 'Add a service: price, norm hours, support line, competence, checklist',
        headers: operatorHeader,
        body: newServiceBody,
        response: { 201: catalogServiceSchema, ...errors(400, 401, 403, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await catalog.createService(request.body)),
  );

  app.patch<Code & { Body: Partial<CatalogServiceInput> & { active?: boolean } }>(
    '/catalog/services/:code',
    {
      ...manager,
      schema: {
        tags: ['catalog'],
        summary: 'Change a service',
        headers: operatorHeader,
        params: codeParams,
        body: serviceChangesBody,
        response: { 200: catalogServiceSchema, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => catalog.updateService(request.params.code, request.body),
  );

  app.delete<Code>(
    '/catalog/services/:code',
    {
      ...manager,
      schema: {
        tags: ['catalog'],
        summary: 'Deactivate a service',
        description: 'Kept for old tickets; no longer chosen for new ones.',
        headers: operatorHeader,
        params: codeParams,
        response: { 200: catalogServiceSchema, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => catalog.deactivateService(request.params.code),
  );

  app.get<Code>(
    '/catalog/services/:code/sla',
    {
      ...reader,
      schema: {
        tags: ['catalog'],
        summary: "A service's SLA per client category",
        headers: operatorHeader,
        params: codeParams,
        response: { 200: { type: 'array', items: agreementSchema }, ...errors(400, 401, 404) },
      },
    },
    async (request) => catalog.listAgreements(request.params.code),
  );

  app.put<{ Params: { code: string; clientCategory: string }; Body: AgreementInput }>(
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
        response: { 200: agreementSchema, ...errors(400, 401, 403, 404) },
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
        response: { 200: { type: 'array', items: calendarSchema }, ...errors(401) },
      },
    },
    async () => catalog.listCalendars(),
  );

  app.put<Code & { Body: CalendarInput }>(
    '/calendars/:code',
    {
      ...manager,
      schema: {
        tags: ['catalog'],
        summary: 'Create or replace a business calendar',
        headers: operatorHeader,
        params: codeParams,
        body: calendarBody,
        response: { 200: calendarSchema, ...errors(400, 401, 403) },
      },
    },
    async (request) => catalog.putCalendar(request.params.code, request.body),
  );

  app.get(
    '/ola',
    {
      ...reader,
      schema: {
        tags: ['catalog'],
        summary: 'OLA per support line',
        headers: operatorHeader,
        response: { 200: { type: 'array', items: olaSchema }, ...errors(401) },
      },
    },
    async () => catalog.listOla(),
  );

  app.put<{ Params: { line: number }; Body: { handoverSeconds: number; recipients?: string[] } }>(
    '/ola/:line',
    {
      ...manager,
      schema: {
        tags: ['catalog'],
        summary: 'Set the OLA of a support line',
        headers: operatorHeader,
        params: olaParams,
        body: olaBody,
        response: { 200: olaSchema, ...errors(400, 401, 403) },
      },
    },
    async (request) => catalog.putOla(request.params.line, request.body),
  );

  app.get<{ Querystring: { includeInactive: boolean } }>(
    '/overdue-reasons',
    {
      ...reader,
      schema: {
        tags: ['catalog'],
        summary: 'Reasons a ticket may be resolved late',
        headers: operatorHeader,
        querystring: includeInactiveQuery,
        response: { 200: { type: 'array', items: overdueReasonSchema }, ...errors(400, 401) },
      },
    },
    async (request) => catalog.listOverdueReasons(request.query),
  );

  app.put<Code & { Body: { nameRu: string; nameEn: string; active?: boolean } }>(
    '/overdue-reasons/:code',
    {
      ...manager,
      schema: {
        tags: ['catalog'],
        summary: 'Add, rename or retire an overdue reason',
        headers: operatorHeader,
        params: codeParams,
        body: overdueReasonBody,
        response: { 200: overdueReasonSchema, ...errors(400, 401, 403) },
      },
    },
    async (request) => catalog.putOverdueReason(request.params.code, request.body),
  );
};
