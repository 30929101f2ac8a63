/** JSON schemas of `/queues` (listings, `next`) and `/offers`. */

export const queueSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    code: { type: 'string' },
    name: { type: 'string' },
    groupId: { type: 'integer' },
    categories: { type: 'array', items: { type: 'string' } },
    waiting: { type: 'integer' },
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
