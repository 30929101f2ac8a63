import type { FromSchema } from 'json-schema-to-ts';
import { smsDeliveries } from '../../domain/enums';
import type { SmsDeliveries } from '../../services/sms-deliveries';
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
  gateway: { type: 'string', description: 'The answer the gateway waits for (SMS.ru: 100, SMSC: OK)' },
} as const;

/**
 * `/channels/sms/:token/status`: where an SMS the desk sent is — the generic JSON report, or a
 * form in the configured gateway's own callback format where its adapter reads one (SMS.ru's
 * `data[]`, SMSC's status handler), told apart by content type. A plugin of its own: the form
 * parser is for this route alone.
 */
const deliveryRoutes: RoutePlugin<{ sms: SmsIntake; deliveries: SmsDeliveries }> = async (app, { sms, deliveries }) => {
  const gateway = deliveries.callbackFormat;
  if (gateway)
    app.addContentTypeParser(FORM, { parseAs: 'string' }, (_request, body, done) =>
      done(null, formFields(body as string)),
    );
  app.post(
    '/channels/sms/:token/status',
    {
      schema: {
        tags: ['sms'],
        summary: gateway
          ? `A delivery report of an SMS the desk sent (a client notice), generic JSON or ${gateway}'s own callback form: kept on its outbox copy`
          : 'A delivery report of an SMS the desk sent (a client notice): kept on its outbox copy',
        params: tokenParams,
        body: gateway
          ? { content: { 'application/json': { schema: deliveryReport }, [FORM]: { schema: gatewayCallback } } }
          : deliveryReport,
        response: {
          200: gateway
            ? {
                content: { 'application/json': { schema: answers.generic }, 'text/plain': { schema: answers.gateway } },
              }
            : answers.generic,
          ...errorResponses(400, 403, 415),
        },
      },
      preValidation: async (request) => sms.checkToken(request.params.token),
    },
    async (request, reply) => {
      const form = request.headers['content-type']?.split(';')[0]!.trim().toLowerCase() === FORM;
      if (!form) return deliveries.report(request.body as FromSchema<typeof deliveryReport>);
      const answer = await deliveries.receiveCallback(request.body as FromSchema<typeof gatewayCallback>);
      return reply.type('text/plain; charset=utf-8').send(answer);
    },
  );
};

/**
 * `/channels/sms/:token`: an SMS the provider received for the desk (the generic inbound format);
 * `/channels/sms/:token/status` (above), when a gateway to send through is configured.
 */
export const smsRoutes: RoutePlugin<{ sms: SmsIntake; deliveries?: SmsDeliveries }> = async (
  app,
  { sms, deliveries },
) => {
  if (deliveries) await app.register(deliveryRoutes, { sms, deliveries });
  app.post(
    '/channels/sms/:token',
    {
      schema: {
        tags: ['sms'],
        summary: 'An inbound SMS: threaded to the sender’s open ticket, else a new ticket (channel sms)',
        params: tokenParams,
        body: inboundSms,
        response: {
          200: {
            type: 'object',
            properties: { ticketId: { type: ['integer', 'null'] }, duplicate: { type: 'boolean' } },
          },
          ...errorResponses(400, 403, 415),
        },
      },
      preValidation: async (request) => sms.checkToken(request.params.token),
    },
    async (request) => sms.receive(request.body),
  );
};
