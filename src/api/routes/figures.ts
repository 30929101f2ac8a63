import { Readable } from 'node:stream';
import type { ServerResponse } from 'node:http';
import type { RoutePlugin } from '../type-provider';
import type { FigureService } from '../../services/figure-service';
import { csvLines } from '../../domain/figure-tables';
import { figureDefinitions } from '../../domain/figure-definitions';
import { errorResponses } from '../schemas/common';
import {
  figuresCsvQuery,
  figuresQuery,
  figuresReport,
  figuresStreamQuery,
  figureTicketsAnswer,
  figureTicketsQuery,
} from '../schemas/figures';

/** How often an open stream looks for news, and how often it says it is alive (under the server's idle timeout). */
const STREAM_POLL_MS = 2_000;
const STREAM_HEARTBEAT_MS = 10_000;

/** `/figures`: what managers look at, each figure with its published definition. */
export const figureRoutes: RoutePlugin<{ figures: FigureService; streamPollMs?: number }> = async (
  app,
  { figures, streamPollMs = STREAM_POLL_MS },
) => {
  app.get(
    '/figures',
    {
      schema: {
        tags: ['figures'],
        summary: "Managers' figures over a period: volume, backlog, times, SLA, escalations, CSAT, reopen rate",
        description:
          'Each figure’s description is its definition (English / Russian). Times are wall time, those named …Business in ' +
          'business time on the servicing team’s calendar. Counts and ' +
          'percentiles are exact, computed from the tickets and their recorded reopenings and escalations. ' +
          'Filters narrow every figure; `groupBy` adds the figures per group, `interval` a series per day, ISO week ' +
          'or month in the desk’s time zone. The glossary page (/glossary.html) shows the same definitions.',
        querystring: figuresQuery,
        response: { 200: figuresReport, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => figures.figures(request.query),
  );

  app.get(
    '/figures/definitions',
    {
      schema: {
        tags: ['figures'],
        summary: 'Each figure’s exact definition, in English and Russian (the glossary page reads it)',
        description: 'The same text as the descriptions of GET /figures; no data.',
        response: {
          200: {
            type: 'object',
            additionalProperties: {
              type: 'object',
              properties: { en: { type: 'string' }, ru: { type: 'string' } },
            },
          },
        },
      },
    },
    async () => figureDefinitions,
  );

  app.get(
    '/figures/tickets',
    {
      schema: {
        tags: ['figures'],
        summary: 'The tickets behind a count of the figures (drill-down)',
        description:
          'Same period and filters as GET /figures. Subject and client for managers only (blind queues); only ' +
          'managers may filter the list by client category.',
        querystring: figureTicketsQuery,
        response: { 200: figureTicketsAnswer, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => figures.ticketsBehind(request.operator!, request.query),
  );

  app.get(
    '/figures.csv',
    {
      schema: {
        tags: ['figures'],
        summary: 'A table of the figures as CSV (streamed)',
        description:
          'The same query as GET /figures plus `table`: `total`, `groups`, `series`, `overdue`, `lines`, `moves` (per operator) or `tickets` ' +
          '(the tickets behind `figure`, at most 5,000, blind rules as GET /figures/tickets). Nested figures are ' +
          'columns named by their path (`firstResponse.medianMs`). UTF-8 with a byte-order mark, for spreadsheets.',
        querystring: figuresCsvQuery,
        response: { 200: { type: 'string', description: 'text/csv' }, ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const rows = await figures.table(request.operator!, request.query);
      const name = `figures-${request.query.table}-${request.query.from.slice(0, 10)}.csv`;
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}"`)
        .send(
          Readable.from(
            (function* () {
              yield '\uFEFF';
              yield* csvLines(rows);
            })(),
          ),
        );
    },
  );

  const streams = new Set<ServerResponse>();
  app.addHook('preClose', async () => {
    for (const stream of streams) stream.end();
  });

  app.get(
    '/figures/stream',
    {
      schema: {
        tags: ['figures'],
        summary: 'Server-sent events: `changed` each time the record changes, so a page reads its figures again',
        description:
          'An event stream (text/event-stream): `event: changed` with `{"version": n}` once at the start and each ' +
          'time a ticket event is recorded (looked for every 2 s), and once a minute regardless (the backlog ' +
          'ages); a comment every 10 s keeps the connection open. The period is checked as for GET /figures.',
        querystring: figuresStreamQuery,
        produces: ['text/event-stream'],
        response: { 200: { type: 'string', description: 'text/event-stream' }, ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      figures.watchedPeriod(request.query);
      let version = await figures.version();
      reply.hijack();
      const stream = reply.raw;
      stream.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-accel-buffering': 'no',
      });
      streams.add(stream);
      const send = () => stream.write(`event: changed\ndata: ${JSON.stringify({ version })}\n\n`);
      send();
      let sinceSent = 0;
      let polling = false;
      const poll = setInterval(async () => {
        if (polling) return;
        polling = true;
        try {
          const latest = await figures.version();
          sinceSent += streamPollMs;
          if (latest !== version || sinceSent >= 60_000) {
            version = latest;
            sinceSent = 0;
            send();
          }
        } catch (error) {
          request.log.warn({ err: error }, 'figures stream: could not read the record');
        } finally {
          polling = false;
        }
      }, streamPollMs);
      const heartbeat = setInterval(() => stream.write(': alive\n\n'), STREAM_HEARTBEAT_MS);
      stream.on('close', () => {
        clearInterval(poll);
        clearInterval(heartbeat);
        streams.delete(stream);
      });
    },
  );
};
