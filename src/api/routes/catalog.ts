import type { CatalogService } from '../../services/catalog-service';
import {
  catalogServiceSchema,
  codeParams,
  includeInactiveQuery,
  newServiceBody,
  serviceChangesBody,
} from '../schemas/catalog';
import { errorResponses, operatorHeader } from '../schemas/common';
import { agreementBody, agreementParams, agreementSchema } from '../schemas/sla';
import type { RoutePlugin } from '../type-provider';

/** `/catalog/services` and each service's SLA per client category: every operator reads them, managers change them. */
export const catalogRoutes: RoutePlugin<{ catalog: CatalogService }> = async (app, { catalog }) => {
  const reader = { onRequest: app.requireOperator };
  const manager = { onRequest: app.requireManager };

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
};
