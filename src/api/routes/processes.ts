import type { RoutePlugin } from '../type-provider';
import { RELATIVE_ERROR } from '../../domain/duration-histogram';
import { EXACT_PERCENTILES_UP_TO } from '../../services/process-service';
import type { ProcessService } from '../../services/process-service';
import { errorResponses } from '../schemas/common';
import {
  elementParams,
  filtersQuery,
  processIdParams,
  processStatistics,
  processSummary,
  statisticsQuery,
  ticketAtElement,
} from '../schemas/processes';

/** The processes as BPMN diagrams with live figures on them, for the viewer in web/processes.html. */
export const processRoutes: RoutePlugin<{ processes: ProcessService }> = async (app, { processes }) => {
  app.get(
    '/processes',
    {
      schema: {
        tags: ['processes'],
        summary: 'List the BPMN processes of processes/',
        response: { 200: { type: 'array', items: processSummary } },
      },
    },
    async () => processes.list(),
  );

  app.get(
    '/processes/:processId/xml',
    {
      schema: {
        tags: ['processes'],
        summary: "A process's BPMN 2.0 XML, with its diagram",
        params: processIdParams,
        response: { 200: { type: 'string' }, ...errorResponses(400, 404) },
      },
    },
    async (request, reply) =>
      reply.type('application/xml; charset=utf-8').send(await processes.xml(request.params.processId)),
  );

  app.get(
    '/processes/:processId/statistics',
    {
      schema: {
        tags: ['processes'],
        summary: 'Per element: tickets there now, duration median and p90 over a period, breaches and escalations',
        description:
          'Visits of the process (an event of another process in between does not end one). `now` ignores the period; the rest counts visits that began in it. ' +
          `Counts are exact. Median and p90 are exact (percentile_cont over the visits) when the period holds no whole UTC day or at most ${EXACT_PERCENTILES_UP_TO} visits of the process (all tickets); ` +
          `otherwise they are read from the summary's log-scale duration histogram (per UTC day, ISO week and month) and are within ${RELATIVE_ERROR * 100} % of the exact values, before rounding to whole ms (\`percentiles\` says which).`,
        params: processIdParams,
        querystring: statisticsQuery,
        response: { 200: processStatistics, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => processes.statistics(request.params.processId, request.query),
  );

  app.get(
    '/processes/:processId/elements/:elementId/tickets',
    {
      schema: {
        tags: ['processes'],
        summary: 'The open tickets now at an element, longest there first',
        description:
          'Managers see subject and client; anyone else the summary only. Filtering by clientCategory is for managers (403 otherwise).',
        params: elementParams,
        querystring: filtersQuery,
        response: { 200: { type: 'array', items: ticketAtElement }, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) =>
      processes.ticketsAt(request.operator!, request.params.processId, request.params.elementId, request.query),
  );
};
