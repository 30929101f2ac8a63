import { TicketStages } from '../../domain/process';
import { nullableString } from './common';

const text = {
  type: 'object',
  additionalProperties: false,
  properties: { ru: { type: 'string' }, en: { type: 'string' } },
  required: ['ru', 'en'],
} as const;

/** The token of the link (`#token=` of /status/:id), in a header so it stays out of URLs and logs. */
export const statusHeaders = {
  type: 'object',
  properties: { 'x-ticket-token': { type: 'string', minLength: 1, maxLength: 200 } },
  required: ['x-ticket-token'],
} as const;

export const statusStreamQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    token: {
      type: 'string',
      minLength: 1,
      maxLength: 200,
      description: 'The link’s token: EventSource cannot send headers (redacted in the access log)',
    },
  },
  required: ['token'],
} as const;

export const clientStatus = {
  type: 'object',
  additionalProperties: false,
  description: 'What the client sees of their ticket on the status page: never who works it, its queue or notes',
  properties: {
    id: { type: 'integer' },
    subject: { type: 'string' },
    stage: { type: 'string', enum: TicketStages },
    stageText: text,
    receivedAt: { type: 'string' },
    dueAt: { ...nullableString, description: 'Promised completion while the ticket is worked' },
    quotedPrice: nullableString,
    resolution: nullableString,
    resolvedAt: nullableString,
    surveyOpen: { type: 'boolean', description: 'The survey waits: the page offers it (the link’s token answers it)' },
    updates: {
      type: 'array',
      description: 'Public messages both ways, newest first (at most 20)',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          from: { type: 'string', enum: ['client', 'desk'] },
          at: { type: 'string' },
          text: { type: 'string' },
        },
        required: ['from', 'at', 'text'],
      },
    },
  },
  required: [
    'id',
    'subject',
    'stage',
    'stageText',
    'receivedAt',
    'dueAt',
    'quotedPrice',
    'resolution',
    'resolvedAt',
    'surveyOpen',
    'updates',
  ],
} as const;

export const statusReplyBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    token: { type: 'string', minLength: 1, maxLength: 200 },
    text: { type: 'string', minLength: 1, maxLength: 10_000 },
    replyId: {
      type: 'string',
      pattern: '^[A-Za-z0-9-]{8,64}$',
      description: 'Made by the page per message: a retried send is one message',
    },
  },
  required: ['token', 'text'],
} as const;

export const statusReplied = {
  type: 'object',
  additionalProperties: false,
  properties: {
    articleId: { type: 'integer' },
    created: { type: 'boolean', description: 'False when this replyId was sent before' },
    reopened: { type: 'boolean', description: 'The message brought a resolved ticket back to work' },
  },
  required: ['articleId', 'created', 'reopened'],
} as const;
