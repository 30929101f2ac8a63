import type { CatalogService } from '../../services/catalog-service';
import {
  catalogServiceSchema,
  codeParams,
  includeInactiveQuery,
  newServiceBody,
  serviceChangesBody,
} from '../schemas/catalog';
import { errorResponses } from '../schemas/common';
import { agreementBody, agreementParams, agreementSchema } from '../schemas/sla';
import type { RoutePlugin } from '../type-provider';

/** `/catalog/services` and each service's SLA per client category: every operator reads them, managers change them. */
export const catalogRoutes: RoutePlugin<{ catalog: CatalogService }> = async (app, { catalog }) => {
  app.get(
    '/catalog/services',
    {
      schema: {
        tags: ['catalog'],
        summary: 'The service catalog',
        querystring: includeInactiveQuery,
        response: { 200: { type: 'array', items: catalogServiceSchema }, ...errorResponses(400, 401) },
      },
    },
    async (request) => catalog.listServices(request.query),
  );

  app.get(
    '/catalog/services/:code',
    {
      schema: {
        tags: ['catalog'],
        summary: 'One catalog service',
        params: codeParams,
        response: { 200: catalogServiceSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => catalog.getService(request.params.code),
  );

  app.post(
    '/catalog/services',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Add a service: price, norm hours, support line, competence, checklist',
        body: newServiceBody,
        response: { 201: catalogServiceSchema, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await catalog.createService(request.body)),
  );

  app.patch(
    '/catalog/services/:code',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Change a service',
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
      schema: {
        tags: ['catalog'],
        summary: 'Deactivate a service',
        description: 'Kept for old tickets; no longer chosen for new ones.',
        params: codeParams,
        response: { 200: catalogServiceSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => catalog.deactivateService(request.params.code),
  );

  app.get(
    '/catalog/services/:code/sla',
    {
      schema: {
        tags: ['catalog'],
        summary: "A service's SLA per client category",
        params: codeParams,
        response: { 200: { type: 'array', items: agreementSchema }, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => catalog.listAgreements(request.params.code),
  );

  app.put(
    '/catalog/services/:code/sla/:clientCategory',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Set the SLA of a service for a client category',
        description:
          'Response and resolution in business seconds, the warning share, and up to three escalation levels.',
        params: agreementParams,
        body: agreementBody,
        response: { 200: agreementSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => catalog.putAgreement(request.params.code, request.params.clientCategory, request.body),
  );
};
