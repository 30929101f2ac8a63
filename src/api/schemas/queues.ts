/** JSON schemas of `/queues` (listings, `next`) and `/offers`. */
import { queueAccessLevels } from '../../domain/enums';

export const queueSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    code: { type: 'string' },
    name: { type: 'string' },
    groupId: { type: 'integer' },
    categories: { type: 'array', items: { type: 'string' } },
    waiting: { type: 'integer' },
    access: {
      type: 'string',
      enum: queueAccessLevels,
      description: 'What the caller may do here: overview, take, act or manage (each including the ones before it)',
    },
  },
} as const;

const blindTicket = {
  type: 'object',
  description: 'Blind: enough to order the work, nothing to cherry-pick by',
  properties: {
    id: { type: 'integer' },
    category: { type: ['string', 'null'] },
    priority: { type: ['string', 'null'] },
    channel: { type: 'string' },
    ageSeconds: { type: 'integer' },
    slaDueAt: { type: ['string', 'null'] },
  },
} as const;

export const queuedTicketSchema = {
  $id: 'QueuedTicket',
  ...blindTicket,
  properties: {
    ...blindTicket.properties,
    stage: { type: 'string' },
    queueId: { type: ['integer', 'null'] },
    offered: { type: 'boolean', description: 'On offer to an operator right now' },
  },
} as const;

export const offerSchema = {
  type: 'object',
  properties: {
    offerId: { type: 'integer' },
    ticketId: { type: 'integer' },
    queueId: { type: 'integer' },
    expiresAt: { type: 'string', format: 'date-time' },
    ticket: blindTicket,
  },
} as const;

export const skippedOffer = {
  type: 'object',
  properties: {
    offerId: { type: 'integer' },
    ticketId: { type: 'integer' },
    outcome: { type: 'string' },
    reason: { type: 'string' },
  },
} as const;
