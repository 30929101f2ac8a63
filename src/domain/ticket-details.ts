import type { FromSchema } from 'json-schema-to-ts';
import { intakeChannels, ticketPriorities } from './enums';
import { TicketStages } from './process';

/**
 * A ticket as the desk shows it, written once as a JSON schema: the API validates and
 * serialises with it, and the TypeScript types below are derived from it, so the shape the
 * accept step returns, the client's notice reads and the API answers cannot drift apart.
 */
const nullableString = { type: ['string', 'null'] } as const;

/** What anyone on the desk may see before accepting the ticket: enough to choose, nothing to cherry-pick by. */
export const ticketSummarySchema = {
  $id: 'TicketSummary',
  type: 'object',
  additionalProperties: false,
  description: 'What anyone on the desk may see before accepting the ticket',
  properties: {
    id: { type: 'integer' },
    stage: { type: 'string', enum: TicketStages },
    channel: { type: 'string', enum: intakeChannels },
    category: nullableString,
    priority: { type: ['string', 'null'], enum: [...ticketPriorities, null] },
    queueId: { type: ['integer', 'null'] },
    assigneeId: nullableString,
    createdAt: { type: 'string', format: 'date-time' },
  },
  required: ['id', 'stage', 'channel', 'category', 'priority', 'queueId', 'assigneeId', 'createdAt'],
} as const;

/** The whole ticket: for its assignee and managers only. */
export const ticketDetailsSchema = {
  $id: 'TicketDetails',
  type: 'object',
  additionalProperties: false,
  description: 'The whole ticket: for its assignee and managers only',
  properties: {
    ...ticketSummarySchema.properties,
    subject: { type: 'string' },
    description: { type: 'string' },
    acceptedAt: nullableString,
    dueAt: {
      ...nullableString,
      description: 'Promised completion: the norm hours on the servicing team’s business calendar',
    },
    supportLine: { type: 'integer' },
    solvedLine: {
      type: ['integer', 'null'],
      description: 'The support line that resolved it (1 = first-contact resolution)',
    },
    sla: {
      type: 'object',
      additionalProperties: false,
      properties: {
        agreementId: { type: ['integer', 'null'] },
        responseDueAt: nullableString,
        resolutionDueAt: nullableString,
        breachedAt: nullableString,
        pausedAt: nullableString,
        overdueReason: nullableString,
        overdueNote: nullableString,
      },
      required: [
        'agreementId',
        'responseDueAt',
        'resolutionDueAt',
        'breachedAt',
        'pausedAt',
        'overdueReason',
        'overdueNote',
      ],
    },
    workNormRatio: { type: ['number', 'null'], description: 'Minutes worked / norm minutes' },
    checklist: { type: 'array', items: { type: 'string' } },
    checklistDone: { type: 'array', items: { type: 'string' } },
    quotedPrice: nullableString,
    quotedNormHours: { type: ['number', 'null'] },
    resolution: nullableString,
    resolvedAt: nullableString,
    csat: { type: ['integer', 'null'] },
    client: {
      type: 'object',
      additionalProperties: false,
      properties: {
        id: { type: 'integer' },
        name: nullableString,
        phone: nullableString,
        email: nullableString,
        category: { type: 'string' },
        preferredChannel: { type: 'string' },
        confirmed: {
          type: 'boolean',
          description:
            'Whether the filer proved this is their client (staff filed it or the confirmation link was opened); until then the ticket is routed and timed as a one-time client’s',
        },
      },
      required: ['id', 'name', 'phone', 'email', 'category', 'preferredChannel', 'confirmed'],
    },
    service: {
      type: ['object', 'null'],
      additionalProperties: false,
      properties: {
        code: { type: 'string' },
        nameRu: { type: 'string' },
        nameEn: { type: 'string' },
        price: { type: 'string' },
        normHours: { type: 'number' },
      },
      required: ['code', 'nameRu', 'nameEn', 'price', 'normHours'],
    },
  },
  required: [
    ...ticketSummarySchema.required,
    'subject',
    'description',
    'acceptedAt',
    'dueAt',
    'supportLine',
    'solvedLine',
    'sla',
    'workNormRatio',
    'checklist',
    'checklistDone',
    'quotedPrice',
    'quotedNormHours',
    'resolution',
    'resolvedAt',
    'csat',
    'client',
    'service',
  ],
} as const;

export type TicketSummary = FromSchema<typeof ticketSummarySchema>;
export type TicketDetails = FromSchema<typeof ticketDetailsSchema>;
