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

/** `/channels/sms/:token`: an SMS the provider received for the desk (the generic inbound format). */
export const smsRoutes: RoutePlugin<{ sms: SmsIntake }> = async (app, { sms }) => {
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
