/** JSON schemas of the process routes (diagrams, live figures, a ticket's trail). */
import { clientCategories } from '../../domain/enums';

const nullableNumber = { type: ['number', 'null'] } as const;

export const processIdParams = {
  type: 'object',
  properties: { processId: { type: 'string', pattern: '^[A-Za-z_][\\w.-]{0,63}$' } },
  required: ['processId'],
} as const;

export const elementParams = {
  type: 'object',
  properties: { ...processIdParams.properties, elementId: { type: 'string', pattern: '^[A-Za-z_][\\w.-]{0,63}$' } },
  required: ['processId', 'elementId'],
} as const;

const filterProperties = {
  queue: { type: 'string', minLength: 1, maxLength: 64, description: 'Queue code, e.g. repairs' },
  category: { type: 'string', minLength: 1, maxLength: 64, description: 'Ticket category, e.g. repair' },
  clientCategory: { type: 'string', enum: [...clientCategories] },
} as const;

export const filtersQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { ...filterProperties, limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 } },
} as const;

export const statisticsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    from: { type: 'string', format: 'date-time', description: 'Start of the period (default: 7 days before `to`)' },
    to: { type: 'string', format: 'date-time', description: 'End of the period, exclusive (default: now)' },
    ...filterProperties,
  },
} as const;

export const processSummary = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string', description: '"Русский / English"' },
    file: { type: 'string' },
    elementIds: {
      type: 'array',
      items: { type: 'string' },
      description: 'Elements tickets are recorded at (every flow node but gateways)',
    },
  },
} as const;

export const processStatistics = {
  type: 'object',
  properties: {
    processId: { type: 'string' },
    from: { type: 'string', format: 'date-time' },
    to: { type: 'string', format: 'date-time' },
    filters: { type: 'object', properties: filterProperties },
    percentiles: {
      type: 'string',
      enum: ['exact', 'histogram'],
      description:
        'exact: percentile_cont over the visits; histogram: from the per-day summary, within 2 % of the exact value',
    },
    elements: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          elementId: { type: 'string' },
          now: { type: 'integer', description: 'Open tickets whose latest event is at the element' },
          visits: { type: 'integer', description: 'Visits that began in the period' },
          medianMs: {
            ...nullableNumber,
            description:
              'Median time from entering the element to the ticket’s next step, over visits of the period that ended',
          },
          p90Ms: nullableNumber,
          breaches: { type: 'integer' },
          escalations: { type: 'integer' },
        },
      },
    },
  },
} as const;

export const ticketAtElement = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    stage: { type: 'string' },
    channel: { type: 'string' },
    category: { type: ['string', 'null'] },
    priority: { type: ['string', 'null'] },
    queueId: { type: ['integer', 'null'] },
    assigneeId: { type: ['string', 'null'] },
    createdAt: { type: 'string', format: 'date-time' },
    since: { type: 'string', format: 'date-time' },
    subject: { type: 'string', description: 'Managers only' },
    clientName: { type: ['string', 'null'], description: 'Managers only' },
  },
} as const;
