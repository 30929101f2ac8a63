/** JSON schema of a ticket's articles: the messages on it, from every channel. */
import { articleDirections, intakeChannels } from '../../domain/enums';
import { nullableString } from './common';

export const ticketArticle = {
  type: 'object',
  additionalProperties: false,
  properties: {
    id: { type: 'integer' },
    channel: { type: 'string', enum: intakeChannels },
    direction: { type: 'string', enum: articleDirections, description: '`in` from the client, `out` from the desk' },
    sender: { type: 'string', description: 'The address, number or chat it came from or went to' },
    subject: nullableString,
    body: { type: 'string' },
    public: { type: 'boolean', description: 'Internal articles (auto-replies, bounces) are for staff only' },
    automatic: {
      ...nullableString,
      description: 'Why a machine wrote it (auto_submitted, bounce, list, …): stored, never answered, never reopening',
    },
    attachments: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: { filename: { type: 'string' }, contentType: { type: 'string' }, size: { type: 'integer' } },
        required: ['filename', 'contentType', 'size'],
      },
    },
    createdAt: { type: 'string', format: 'date-time' },
  },
  required: [
    'id',
    'channel',
    'direction',
    'sender',
    'subject',
    'body',
    'public',
    'automatic',
    'attachments',
    'createdAt',
  ],
} as const;

export const articlesQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
    after: {
      type: 'integer',
      minimum: 1,
      description: 'The id of the last article of the previous page: the articles after it',
    },
  },
} as const;
