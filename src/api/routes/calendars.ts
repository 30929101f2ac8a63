import type { RoutePlugin } from '../type-provider';
import type { CalendarInput, CatalogService } from '../../services/catalog-service';
import { calendarBody, calendarSchema, codeParams } from '../schemas/catalog';
import { errorResponses, operatorHeader } from '../schemas/common';

/** `/calendars`: the business calendars SLA clocks count on. */
export const calendarRoutes: RoutePlugin<{ catalog: CatalogService }> = async (app, { catalog }) => {
  const reader = { onRequest: app.requireOperator };
  const manager = { onRequest: app.requireManager };

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
};
