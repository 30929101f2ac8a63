/** JSON schemas of the routing API: rules, offers, moves, category verdicts, search. */

const words = { type: 'array', items: { type: 'string', minLength: 1, maxLength: 100 }, maxItems: 200 } as const;
const codes = { type: 'array', items: { type: 'string', minLength: 1, maxLength: 100 }, maxItems: 50 } as const;

export const ruleCondition = {
  type: 'object',
  additionalProperties: false,
  description:
    'All given conditions must hold; within a list any entry will do. Words match by stem (ru/en); "word*" matches a prefix.',
  properties: {
    words,
    pattern: {
      type: 'string',
      minLength: 1,
      maxLength: 500,
      description: 'Regular expression over the lower-cased subject and description (ё read as е)',
    },
    channels: { type: 'array', items: { type: 'string', enum: ['api', 'web', 'email', 'sms', 'telegram', 'phone'] } },
    clientCategories: codes,
    productGroups: codes,
    locations: codes,
    serviceCodes: codes,
  },
} as const;

export const ruleOutcome = {
  type: 'object',
  additionalProperties: false,
  description: 'Each field is taken from the first enabled rule, in order, that fires and sets it',
  properties: {
    category: { type: 'string', minLength: 1, maxLength: 100 },
    priority: { type: 'string', enum: ['low', 'normal', 'high', 'critical'] },
    queueCode: { type: 'string', minLength: 1, maxLength: 100 },
    serviceCode: { type: 'string', minLength: 1, maxLength: 100 },
    supportLine: { type: 'integer', minimum: 1, maximum: 3 },
  },
} as const;

export const ruleSchema = {
  $id: 'Rule',
  type: 'object',
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    position: { type: 'integer' },
    enabled: { type: 'boolean' },
    condition: { type: 'object', additionalProperties: true },
    outcome: { type: 'object', additionalProperties: true },
  },
} as const;

export const newRuleBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    condition: ruleCondition,
    outcome: ruleOutcome,
    enabled: { type: 'boolean' },
    place: { type: 'integer', minimum: 1, description: '1-based place among the rules; the end if absent' },
  },
  required: ['name', 'condition', 'outcome'],
} as const;

export const ruleChangeBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    name: newRuleBody.properties.name,
    condition: ruleCondition,
    outcome: ruleOutcome,
    enabled: { type: 'boolean', description: 'false disables the rule' },
  },
} as const;

export const reorderBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ruleIds: {
      type: 'array',
      items: { type: 'integer', minimum: 1 },
      minItems: 1,
      maxItems: 10000,
      description: 'Every rule id, in the new order',
    },
  },
  required: ['ruleIds'],
} as const;

export const dryRunBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    subject: { type: 'string', maxLength: 300, default: '' },
    description: { type: 'string', maxLength: 20000, default: '' },
    channel: { type: 'string', enum: ['api', 'web', 'email', 'sms', 'telegram', 'phone'], default: 'api' },
    clientCategory: { type: 'string', minLength: 1, maxLength: 100, default: 'one_time' },
    productGroup: { type: 'string', maxLength: 100 },
    location: { type: 'string', maxLength: 100 },
    serviceCode: { type: 'string', maxLength: 100 },
  },
} as const;

export const dryRunResult = {
  type: 'object',
  properties: {
    category: { type: 'string' },
    priority: { type: 'string' },
    source: { type: 'string', enum: ['rule', 'model', 'triage'] },
    suggestion: {
      type: ['object', 'null'],
      properties: { category: { type: 'string' }, confidence: { type: 'number' } },
    },
    serviceCode: { type: ['string', 'null'] },
    supportLine: { type: 'integer' },
    queue: { type: ['object', 'null'], properties: { id: { type: 'integer' }, code: { type: 'string' } } },
    rulesOutcome: { type: 'object', additionalProperties: true },
    fired: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          ruleId: { type: 'integer' },
          name: { type: 'string' },
          decided: { type: 'array', items: { type: 'string' } },
          because: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
} as const;

export const idParams = {
  type: 'object',
  properties: { id: { type: 'integer', minimum: 1, maximum: 2147483647 } },
  required: ['id'],
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

export const reasonBody = {
  type: 'object',
  additionalProperties: false,
  properties: { reason: { type: 'string', minLength: 1, maxLength: 1000, pattern: '\\S' } },
  required: ['reason'],
} as const;

export const reassignBody = {
  type: 'object',
  additionalProperties: false,
  properties: { toOperatorId: { type: 'string', minLength: 1, maxLength: 64 }, reason: reasonBody.properties.reason },
  required: ['toOperatorId', 'reason'],
} as const;

export const transferBody = {
  type: 'object',
  additionalProperties: false,
  properties: { toQueueId: { type: 'integer', minimum: 1, maximum: 2147483647 }, reason: reasonBody.properties.reason },
  required: ['toQueueId', 'reason'],
} as const;

export const moved = {
  type: 'object',
  properties: {
    ticketId: { type: 'integer' },
    stage: { type: 'string' },
    assigneeId: { type: ['string', 'null'] },
    queue: { type: 'object', properties: { id: { type: 'integer' }, code: { type: 'string' } } },
  },
} as const;

export const categoryBody = {
  type: 'object',
  additionalProperties: false,
  properties: { category: { type: 'string', minLength: 1, maxLength: 100 } },
  required: ['category'],
} as const;

export const searchQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    q: {
      type: 'string',
      minLength: 1,
      maxLength: 200,
      description: 'Words in subject or description: only among tickets the caller may read in full',
    },
    queueId: { type: 'integer', minimum: 1 },
    stage: { type: 'string', enum: ['registering', 'queued', 'in_work', 'resolved', 'awaiting_survey', 'closed'] },
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
  },
} as const;
