import type { RoutePlugin } from '../type-provider';
import type { CatalogService } from '../../services/catalog-service';
import { codeParams, includeInactiveQuery, overdueReasonBody, overdueReasonSchema } from '../schemas/catalog';
import { errorResponses } from '../schemas/common';

/** `/overdue-reasons`: why a ticket may be resolved late. */
export const overdueReasonRoutes: RoutePlugin<{ catalog: CatalogService }> = async (app, { catalog }) => {
  app.get(
    '/overdue-reasons',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Reasons a ticket may be resolved late',
        querystring: includeInactiveQuery,
        response: { 200: { type: 'array', items: overdueReasonSchema }, ...errorResponses(400, 401) },
      },
    },
    async (request) => catalog.listOverdueReasons(request.query),
  );

  app.put(
    '/overdue-reasons/:code',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Add, rename or retire an overdue reason',
        params: codeParams,
        body: overdueReasonBody,
        response: { 200: overdueReasonSchema, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => catalog.putOverdueReason(request.params.code, request.body),
  );
};
