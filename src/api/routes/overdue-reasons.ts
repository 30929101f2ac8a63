import type { RoutePlugin } from '../type-provider';
import type { CatalogService } from '../../services/catalog-service';
import { codeParams, includeInactiveQuery, overdueReasonBody, overdueReasonSchema } from '../schemas/catalog';
import { errorResponses, operatorHeader } from '../schemas/common';

/** `/overdue-reasons`: why a ticket may be resolved late. */
export const overdueReasonRoutes: RoutePlugin<{ catalog: CatalogService }> = async (app, { catalog }) => {
  const reader = { onRequest: app.requireOperator };
  const manager = { onRequest: app.requireManager };

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
