import type { FromSchema } from 'json-schema-to-ts';
import { smsDeliveries } from '../../domain/enums';
import type { SmsDeliveries } from '../../services/sms-deliveries';
import type { SmsGatewayCallbacks } from '../../services/sms-gateway-callbacks';
import type { SmsIntake } from '../../services/sms-intake';
import type { RoutePlugin } from '../type-provider';
import { errorResponses } from '../schemas/common';
import { formFields } from '../form-fields';

const FORM = 'application/x-www-form-urlencoded';

const tokenParams = {
  type: 'object',
  properties: { token: { type: 'string', minLength: 1, maxLength: 200 } },
  required: ['token'],
} as const;

const inboundSms = {
  type: 'object',
  additionalProperties: false,
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 128, description: 'The provider’s id of the message' },
    from: { type: 'string', minLength: 3, maxLength: 32, description: 'The sender’s number, any notation' },
    text: { type: 'string', maxLength: 2000 },
  },
  required: ['id', 'from', 'text'],
} as const;

const deliveryReport = {
  type: 'object',
  additionalProperties: false,
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 128, description: 'The gateway’s id of the SMS it took' },
    status: { type: 'string', enum: smsDeliveries },
  },
  required: ['id', 'status'],
} as const;

/** A gateway's own callback, a form: its fields as it posts them; its adapter reads them (src/channels/). */
const gatewayCallback = {
  type: 'object',
  additionalProperties: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
} as const;

const answers = {
  generic: {
    type: 'object',
    properties: { recorded: { type: 'boolean', description: 'false: the desk sent no SMS of this id' } },
  },
  inbound: {
    type: 'object',
    properties: { ticketId: { type: ['integer', 'null'] }, duplicate: { type: 'boolean' } },
  },
  gateway: { type: 'string', description: 'The answer the gateway waits for (SMS.ru: 100, SMSC: OK)' },
} as const;

type RouteOptions = { sms: SmsIntake; deliveries?: SmsDeliveries; callbacks?: SmsGatewayCallbacks };

const isForm = (contentType: string | undefined) => contentType?.split(';')[0]!.trim().toLowerCase() === FORM;

/** Where a gateway posts its own forms: the parser is for the route of its plugin alone (others answer a form 415). */
const acceptForms = (app: Parameters<RoutePlugin<object>>[0]) =>
  app.addContentTypeParser(FORM, { parseAs: 'string' }, (_request, body, done) =>
    done(null, formFields(body as string)),
  );

/** A body in the desk's JSON, or (`gateway`) also a form in that gateway's own format. */
const jsonOrForm = <Schema extends object>(schema: Schema, gateway: string | undefined) =>
  gateway ? { content: { 'application/json': { schema }, [FORM]: { schema: gatewayCallback } } } : schema;
const jsonOrText = <Schema extends object>(schema: Schema, gateway: string | undefined) =>
  gateway ? { content: { 'application/json': { schema }, 'text/plain': { schema: answers.gateway } } } : schema;

/**
 * `/channels/sms/:token/status`: where an SMS the desk sent is — the generic JSON report, or a
 * form in the configured gateway's own callback format where its adapter reads one (SMS.ru's
 * `data[]`, SMSC's handler, which also posts the SMS the account receives), told apart by content type.
 */
const deliveryRoutes: RoutePlugin<Required<RouteOptions>> = async (app, { sms, deliveries, callbacks }) => {
  const gateway = callbacks.formsAt.status;
  if (gateway) acceptForms(app);
  app.post(
    '/channels/sms/:token/status',
    {
      schema: {
        tags: ['sms'],
        summary: gateway
          ? `A delivery report of an SMS the desk sent (a client notice), generic JSON or ${gateway}'s own callback form: kept on its outbox copy`
          : 'A delivery report of an SMS the desk sent (a client notice): kept on its outbox copy',
        params: tokenParams,
        body: jsonOrForm(deliveryReport, gateway),
        response: { 200: jsonOrText(answers.generic, gateway), ...errorResponses(400, 403, 415) },
      },
      preValidation: async (request) => sms.checkToken(request.params.token),
    },
    async (request, reply) => {
      if (!isForm(request.headers['content-type']))
        return deliveries.report(request.body as FromSchema<typeof deliveryReport>);
      const answer = await callbacks.receive(request.body as FromSchema<typeof gatewayCallback>, 'status');
      return reply.type('text/plain; charset=utf-8').send(answer);
    },
  );
};

/**
 * `/channels/sms/:token`: an SMS the provider received for the desk — the generic JSON, or a form in
 * the configured gateway's own inbound callback where its adapter reads one (SMSC's).
 */
const inboundRoutes: RoutePlugin<RouteOptions> = async (app, { sms, callbacks }) => {
  const gateway = callbacks?.formsAt.inbound;
  if (gateway) acceptForms(app);
  app.post(
    '/channels/sms/:token',
    {
      schema: {
        tags: ['sms'],
        summary: gateway
          ? `An inbound SMS, generic JSON or ${gateway}'s own callback form: threaded to the sender’s open ticket, else a new ticket (channel sms)`
          : 'An inbound SMS: threaded to the sender’s open ticket, else a new ticket (channel sms)',
        params: tokenParams,
        body: jsonOrForm(inboundSms, gateway),
        response: { 200: jsonOrText(answers.inbound, gateway), ...errorResponses(400, 403, 415) },
      },
      preValidation: async (request) => sms.checkToken(request.params.token),
    },
    async (request, reply) => {
      if (!callbacks || !isForm(request.headers['content-type']))
        return sms.receive(request.body as FromSchema<typeof inboundSms>);
      const answer = await callbacks.receive(request.body as FromSchema<typeof gatewayCallback>, 'inbound');
      return reply.type('text/plain; charset=utf-8').send(answer);
    },
  );
};

/**
 * The SMS webhooks: `/channels/sms/:token` (inbound SMS), and `/channels/sms/:token/status` when a
 * gateway to send through is configured. Each in a plugin of its own, for its form parser.
 */
export const smsRoutes: RoutePlugin<RouteOptions> = async (app, { sms, deliveries, callbacks }) => {
  if (deliveries && callbacks) await app.register(deliveryRoutes, { sms, deliveries, callbacks });
  await app.register(inboundRoutes, { sms, callbacks });
};
