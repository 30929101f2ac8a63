import type { RoutePlugin } from '../type-provider';
import type { CatalogService } from '../../services/catalog-service';
import { errorResponses, operatorHeader } from '../schemas/common';
import { olaBody, olaParams, olaSchema } from '../schemas/sla';

/** `/ola`: the operational level agreement of each support line. */
export const olaRoutes: RoutePlugin<{ catalog: CatalogService }> = async (app, { catalog }) => {
  const reader = { onRequest: app.requireOperator };
  const manager = { onRequest: app.requireManager };

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
};
