import type { FastifyPluginAsync } from 'fastify';
import type { Database } from '../../db/client';
import { TICKET_PROCESS_ID } from '../../domain/process';
import { pathOf, visitsOf } from '../../domain/trail';
import { RELATIVE_ERROR } from '../../domain/duration-histogram';
import {
  EXACT_PERCENTILES_UP_TO,
  elementStatistics,
  ticketsAtElement,
  type TicketFilters,
} from '../../repositories/process-stats';
import { listTicketEvents, loadTicketSummary } from '../../repositories/tickets';
import { DeskError, notFound } from '../../services/errors';
import type { ProcessCatalog, ProcessEntry } from '../../services/process-catalog';
import { maySeeDetails } from '../auth';
import {
  elementParams,
  filtersQuery,
  processIdParams,
  processStatistics,
  processSummary,
  statisticsQuery,
  ticketAtElement,
  ticketTrail,
  trailQuery,
} from '../process-schemas';
import { operatorHeader, idParams } from '../schemas';

const errors = (...codes: number[]) => Object.fromEntries(codes.map((code) => [code, { $ref: 'Error#' }]));
const WEEK_MS = 7 * 24 * 3_600_000;

type Filters = TicketFilters & { limit?: number };

const filtersOf = ({ queue, category, clientCategory }: TicketFilters): TicketFilters => ({
  ...(queue !== undefined ? { queue } : {}),
  ...(category !== undefined ? { category } : {}),
  ...(clientCategory !== undefined ? { clientCategory } : {}),
});

/** The processes as BPMN diagrams with live figures on them, for the viewer in web/processes.html. */
export const processRoutes: FastifyPluginAsync<{ db: Database; processes: ProcessCatalog }> = async (
  app,
  { db, processes },
) => {
  const processOf = (processId: string): ProcessEntry => {
    const entry = processes.find(processId);
    if (!entry) throw notFound(`process ${processId}`);
    return entry;
  };

  app.get(
    '/processes',
    {
      schema: {
        tags: ['processes'],
        summary: 'List the BPMN processes of processes/',
        response: { 200: { type: 'array', items: processSummary } },
      },
    },
    async () =>
      processes
        .list()
        .map(({ id, name, file, recordedElementIds }) => ({ id, name, file, elementIds: recordedElementIds })),
  );

  app.get<{ Params: { processId: string } }>(
    '/processes/:processId/xml',
    {
      schema: {
        tags: ['processes'],
        summary: "A process's BPMN 2.0 XML, with its diagram",
        params: processIdParams,
        response: { 200: { type: 'string' }, ...errors(400, 404) },
      },
    },
    async (request, reply) => {
      processOf(request.params.processId);
      const xml = (await processes.xml(request.params.processId))!;
      return reply.type('application/xml; charset=utf-8').send(xml);
    },
  );

  app.get<{ Params: { processId: string }; Querystring: TicketFilters & { from?: string; to?: string } }>(
    '/processes/:processId/statistics',
    {
      onRequest: app.requireOperator,
      schema: {
        tags: ['processes'],
        summary: 'Per element: tickets there now, duration median and p90 over a period, breaches and escalations',
        description:
          'Visits of the process (an event of another process in between does not end one). `now` ignores the period; the rest counts visits that began in it. ' +
          `Counts are exact. Median and p90 are exact (percentile_cont over the visits) when the period holds no whole UTC day or at most ${EXACT_PERCENTILES_UP_TO} visits of the process (all tickets); ` +
          `otherwise they are read from the summary's log-scale duration histogram (per UTC day, ISO week and month) and are within ${RELATIVE_ERROR * 100} % of the exact values, before rounding to whole ms (\`percentiles\` says which).`,
        headers: operatorHeader,
        params: processIdParams,
        querystring: statisticsQuery,
        response: { 200: processStatistics, ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const entry = processOf(request.params.processId);
      const to = request.query.to ? new Date(request.query.to) : new Date();
      const from = request.query.from ? new Date(request.query.from) : new Date(to.getTime() - WEEK_MS);
      if (from >= to) throw new DeskError('VALIDATION', 'querystring.from must be before querystring.to');
      const filters = filtersOf(request.query);
      const { elements, percentiles } = await elementStatistics(db, entry.id, entry.recordedElementIds, {
        from,
        to,
        ...filters,
      });
      return { processId: entry.id, from: from.toISOString(), to: to.toISOString(), filters, percentiles, elements };
    },
  );

  app.get<{ Params: { processId: string; elementId: string }; Querystring: Filters }>(
    '/processes/:processId/elements/:elementId/tickets',
    {
      onRequest: app.requireOperator,
      schema: {
        tags: ['processes'],
        summary: 'The open tickets now at an element, longest there first',
        description: 'Managers see subject and client; anyone else the summary only.',
        headers: operatorHeader,
        params: elementParams,
        querystring: filtersQuery,
        response: { 200: { type: 'array', items: ticketAtElement }, ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const entry = processOf(request.params.processId);
      if (!entry.graph.hasNode(request.params.elementId))
        throw notFound(`element ${request.params.elementId} of process ${entry.id}`);
      return ticketsAtElement(db, entry.id, request.params.elementId, filtersOf(request.query), {
        withDetails: request.operator!.role === 'manager',
        limit: request.query.limit ?? 100,
      });
    },
  );

  app.get<{ Params: { id: number }; Querystring: { processId?: string } }>(
    '/tickets/:id/trail',
    {
      onRequest: app.requireOperator,
      schema: {
        tags: ['processes'],
        summary: "A ticket's path through its process: visits of elements with who, when and how long",
        description:
          'The events of one process (default: the ticket lifecycle; `sla_escalation` for its SLA clocks). Event data only for the assignee and managers.',
        headers: operatorHeader,
        params: idParams,
        querystring: trailQuery,
        response: { 200: ticketTrail, ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const entry = processOf(request.query.processId ?? TICKET_PROCESS_ID);
      const summary = await loadTicketSummary(db, request.params.id);
      if (!summary) throw notFound(`ticket ${request.params.id}`);
      const events = await listTicketEvents(db, request.params.id, { processId: entry.id });
      const visible = maySeeDetails(request.operator!, summary)
        ? events
        : events.map(({ data: _hidden, ...event }) => event);
      const visits = visitsOf(visible);
      return {
        ticketId: summary.id,
        processId: entry.id,
        stage: summary.stage,
        path: pathOf(visible),
        current: visits[visits.length - 1]?.elementId ?? null,
        visits,
      };
    },
  );
};
