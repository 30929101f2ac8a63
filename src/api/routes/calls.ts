import type { ServerResponse } from 'node:http';
import { formFields } from '../form-fields';
import type { CallService } from '../../services/call-service';
import type { RoutePlugin } from '../type-provider';
import {
  callCard,
  callIdParams,
  callTicket,
  ctiEventBody,
  ctiTokenParams,
  zadarmaEchoQuery,
  zadarmaNotificationBody,
} from '../schemas/calls';
import { errorResponses } from '../schemas/common';

const HEARTBEAT_MS = 15_000;

/**
 * The CTI webhook (`/channels/cti/:token`) and the operators' calls (`/calls/...`): the live
 * stream of callers' cards, a card, and the call's ticket in one click.
 */
export const callRoutes: RoutePlugin<{ calls: CallService }> = async (app, { calls }) => {
  // PBXs post forms (Zammad's generic CTI does); only in this plugin: the rest of the API takes JSON.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) =>
    done(null, formFields(body as string)),
  );

  const stored = {
    type: 'object',
    properties: { stored: { type: 'boolean', description: 'false for a repeated event' } },
  } as const;

  if (calls.connectors.generic)
    app.post(
      '/channels/cti/:token',
      {
        schema: {
          tags: ['calls'],
          summary: 'A PBX’s call event (generic CTI format); the path carries the desk’s CTI_TOKEN',
          params: ctiTokenParams,
          body: ctiEventBody,
          response: { 200: stored, ...errorResponses(400, 403, 415) },
        },
        // The secret first: a stranger learns nothing of what a valid body is.
        preValidation: async (request) => calls.checkToken(request.params.token),
      },
      async (request) => calls.receive(request.body),
    );

  if (calls.connectors.zadarma) {
    app.post(
      '/channels/zadarma/:token',
      {
        schema: {
          tags: ['calls'],
          summary: 'Zadarma’s PBX call notification (its own signed form); the path carries the desk’s ZADARMA_TOKEN',
          params: ctiTokenParams,
          body: zadarmaNotificationBody,
          response: { 200: stored, ...errorResponses(400, 401, 403, 415) },
        },
        preValidation: async (request) => calls.checkZadarmaToken(request.params.token),
      },
      async (request) => {
        const signature = request.headers.signature;
        return calls.receiveZadarma(request.body, Array.isArray(signature) ? signature[0] : signature);
      },
    );

    // Zadarma checks the URL when it is set: a GET with `zd_echo`, answered with its value.
    app.get(
      '/channels/zadarma/:token',
      {
        schema: {
          tags: ['calls'],
          summary: 'Zadarma’s check of the notification URL: answers its `zd_echo` as plain text',
          params: ctiTokenParams,
          querystring: zadarmaEchoQuery,
          produces: ['text/plain'],
          response: { 200: { type: 'string' }, ...errorResponses(400, 403) },
        },
        preValidation: async (request) => calls.checkZadarmaToken(request.params.token),
      },
      async (request, reply) => reply.type('text/plain; charset=utf-8').send(request.query.zd_echo),
    );
  }

  const streams = new Set<ServerResponse>();
  // Open streams would hold the server's close: ended before it, and the LISTEN after it.
  app.addHook('preClose', async () => {
    for (const stream of streams) stream.end();
  });
  app.addHook('onClose', () => calls.stop());

  app.get(
    '/calls/stream',
    {
      schema: {
        tags: ['calls'],
        summary: 'Callers’ cards as they ring, are answered and end (server-sent events `call`, each a call card)',
        produces: ['text/event-stream'],
      },
    },
    async (request, reply) => {
      const viewer = request.operator!;
      const raw = reply.raw;
      reply.hijack();
      // A stream outlives the connection timeout that cuts slow requests: heartbeats keep it honest.
      request.raw.socket.setTimeout(0);
      raw.writeHead(200, {
        ...(reply.getHeaders() as Record<string, string>),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-accel-buffering': 'no',
      });
      streams.add(raw);
      const send = async (callId: string) => {
        try {
          const card = await calls.card(viewer, callId);
          raw.write(`event: call\ndata: ${JSON.stringify(card)}\n\n`);
        } catch (error) {
          request.log.warn({ err: error, callId }, 'a call card could not be sent');
        }
      };
      // One card at a time, in the order the news came.
      let sending = Promise.resolve();
      const enqueue = (callId: string) => {
        sending = sending.then(() => send(callId));
      };
      const unsubscribe = await calls.subscribe(enqueue);
      const heartbeat = setInterval(() => raw.write(': heartbeat\n\n'), HEARTBEAT_MS);
      raw.on('close', () => {
        clearInterval(heartbeat);
        unsubscribe();
        streams.delete(raw);
      });
      raw.write(': calls\n\n');
      for (const callId of (await calls.recentCallIds()).reverse()) enqueue(callId);
    },
  );

  app.get(
    '/calls/:callId',
    {
      schema: {
        tags: ['calls'],
        summary: 'A caller’s card: client, open tickets (blind queues stay blind), earlier calls',
        params: callIdParams,
        response: { 200: callCard, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => calls.card(request.operator!, request.params.callId),
  );

  app.post(
    '/calls/:callId/ticket',
    {
      schema: {
        tags: ['calls'],
        summary: 'The call’s ticket in one click: the caller as client, channel phone, the line and the IVR’s data',
        description:
          'One ticket per call: a second click, or a missed call whose call-back ticket was filed, answers with that ticket (`created: false`).',
        params: callIdParams,
        response: { 200: callTicket, 201: callTicket, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const filed = await calls.fileTicket(request.params.callId);
      return reply.status(filed.created ? 201 : 200).send(filed);
    },
  );
};
