import type { RoutePlugin } from '../type-provider';
import type { CatalogService } from '../../services/catalog-service';
import { errorResponses } from '../schemas/common';
import { olaBody, olaParams, olaSchema } from '../schemas/sla';

/** `/ola`: the operational level agreement of each support line. */
export const olaRoutes: RoutePlugin<{ catalog: CatalogService }> = async (app, { catalog }) => {
  app.get(
    '/ola',
    {
      schema: {
        tags: ['catalog'],
        summary: 'OLA per support line',
        response: { 200: { type: 'array', items: olaSchema }, ...errorResponses(401) },
      },
    },
    async () => catalog.listOla(),
  );

  app.put(
    '/ola/:line',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Set the OLA of a support line',
        params: olaParams,
        body: olaBody,
        response: { 200: olaSchema, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => catalog.putOla(request.params.line, request.body),
  );
};
