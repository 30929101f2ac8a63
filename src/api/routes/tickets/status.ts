import type { RoutePlugin } from '../../type-provider';
import type { TicketRouteDeps } from './index';
import { errorResponses, idParams } from '../../schemas/common';
import {
  clientStatus,
  statusHeaders,
  statusReplied,
  statusReplyBody,
  statusStreamQuery,
} from '../../schemas/client-status';
import { DeskError } from '../../../services/errors';

/** How often an open status page's stream looks for a change, and how long one stream lasts (EventSource reconnects). */
const STREAM_POLL_MS = 3_000;
const STREAM_LIFETIME_MS = 30 * 60_000;
const STREAM_HEARTBEAT_MS = 25_000;
/** Open status streams per API process; more get 503 and their EventSource retries. */
const MAX_STREAMS = 1_000;

/** `/tickets/:id/status…`: the client's status page reads, follows and writes with the link's token. */
export const ticketStatusRoutes: RoutePlugin<TicketRouteDeps> = async (app, { clientStatus: status, statusPollMs }) => {
  let streams = 0;

  app.get(
    '/tickets/:id/status',
    {
      schema: {
        tags: ['client status'],
        summary: 'The ticket as its client sees it (status page)',
        description:
          'With the token of the status link every client notice carries (`/status/:id#token=…`), sent as `X-Ticket-Token`. ' +
          'One 403 for no such ticket, a wrong token and a closed ticket.',
        params: idParams,
        headers: statusHeaders,
        response: { 200: clientStatus, ...errorResponses(400, 403) },
      },
    },
    async (request) => status.view(request.params.id, request.headers['x-ticket-token']),
  );

  app.get(
    '/tickets/:id/status/stream',
    {
      schema: {
        tags: ['client status'],
        summary: 'The status page’s live updates (server-sent events)',
        description:
          'An `event: status` with the whole view at once and after each change; a comment every 25 s keeps proxies ' +
          'from closing it; `event: gone` when the link stops opening the ticket (it closed). Ends after 30 minutes: ' +
          'EventSource reconnects by itself.',
        params: idParams,
        querystring: statusStreamQuery,
        response: { 200: { type: 'string', description: 'text/event-stream' }, ...errorResponses(400, 403, 503) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const { token } = request.query;
      const first = JSON.stringify(await status.view(id, token));
      if (streams >= MAX_STREAMS)
        throw new DeskError('BACKEND_UNAVAILABLE', 'too many status pages are open on this server; retry later');
      streams++;
      reply.hijack();
      const out = reply.raw;
      out.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        Connection: 'keep-alive',
        'X-Accel-Buffering': 'no',
      });
      let last = first;
      out.write(`retry: 5000\nevent: status\ndata: ${first}\n\n`);
      const started = Date.now();
      let lastWrite = Date.now();
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        streams--;
        clearInterval(timer);
        out.end();
      };
      const timer = setInterval(async () => {
        if (ended) return;
        if (Date.now() - started > STREAM_LIFETIME_MS) return end();
        try {
          const now = JSON.stringify(await status.view(id, token));
          if (now !== last) {
            last = now;
            out.write(`event: status\ndata: ${now}\n\n`);
            lastWrite = Date.now();
          } else if (Date.now() - lastWrite > STREAM_HEARTBEAT_MS) {
            out.write(': still here\n\n');
            lastWrite = Date.now();
          }
        } catch (error) {
          if (error instanceof DeskError && error.code === 'BAD_STATUS_TOKEN') {
            out.write('event: gone\ndata: {}\n\n');
            return end();
          }
          request.log.warn({ err: error, ticketId: id }, 'status stream could not read the ticket; trying again');
        }
      }, statusPollMs ?? STREAM_POLL_MS);
      request.raw.on('close', end);
    },
  );

  app.post(
    '/tickets/:id/status/reply',
    {
      schema: {
        tags: ['client status'],
        summary: 'The client writes to the desk from the status page',
        description:
          'A message of the ticket from its client, like a reply by e-mail: a resolved ticket whose survey waits goes back to work.',
        params: idParams,
        body: statusReplyBody,
        response: { 201: statusReplied, ...errorResponses(400, 403, 409) },
      },
    },
    async (request, reply) => {
      const { token, text, replyId } = request.body;
      return reply.status(201).send(await status.reply(request.params.id, token, text, replyId));
    },
  );
};
