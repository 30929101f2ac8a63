import { smsDeliveries } from '../../domain/enums';
import type { SmsDeliveries } from '../../services/sms-deliveries';
import type { SmsIntake } from '../../services/sms-intake';
import type { RoutePlugin } from '../type-provider';
import { errorResponses } from '../schemas/common';

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

/**
 * `/channels/sms/:token`: an SMS the provider received for the desk (the generic inbound format);
 * `/channels/sms/:token/status`: where an SMS the desk sent is, when a gateway to send through is configured.
 */
export const smsRoutes: RoutePlugin<{ sms: SmsIntake; deliveries?: SmsDeliveries }> = async (
  app,
  { sms, deliveries },
) => {
  if (deliveries)
    app.post(
      '/channels/sms/:token/status',
      {
        schema: {
          tags: ['sms'],
          summary: 'A delivery report of an SMS the desk sent (a client notice): kept on its outbox copy',
          params: tokenParams,
          body: deliveryReport,
          response: {
            200: {
              type: 'object',
              properties: { recorded: { type: 'boolean', description: 'false: the desk sent no SMS of this id' } },
            },
            ...errorResponses(400, 403, 415),
          },
        },
        preValidation: async (request) => sms.checkToken(request.params.token),
      },
      async (request) => deliveries.report(request.body),
    );
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
