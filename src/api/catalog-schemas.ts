/** JSON schemas of the catalog, calendar, agreement and SLA routes. */

const nullableString = { type: ['string', 'null'] } as const;
const code = {
  type: 'string',
  pattern: '^[a-z0-9][a-z0-9-]{0,63}$',
  description: 'lower-case letters, digits and dashes',
} as const;
const clock = { type: 'string', pattern: '^([01]\\d|2[0-4]):[0-5]\\d$' } as const;
const interval = {
  type: 'object',
  additionalProperties: false,
  properties: { start: clock, end: clock },
  required: ['start', 'end'],
} as const;
const localDate = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;

export const codeParams = { type: 'object', properties: { code }, required: ['code'] } as const;

const serviceProperties = {
  nameRu: { type: 'string', minLength: 1, maxLength: 200 },
  nameEn: { type: 'string', minLength: 1, maxLength: 200 },
  category: { type: 'string', minLength: 1, maxLength: 64 },
  price: { type: 'string', pattern: '^\\d{1,10}(\\.\\d{1,2})?$', description: 'Decimal, e.g. 1500.00' },
  normHours: { type: 'number', exclusiveMinimum: 0, maximum: 10000 },
  supportLine: { type: 'integer', minimum: 1, maximum: 3 },
  requiredCompetence: { type: ['string', 'null'], maxLength: 100 },
  checklist: { type: 'array', maxItems: 50, items: { type: 'string', minLength: 1, maxLength: 200 } },
  keywords: { type: 'array', maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 64 } },
  isCategoryDefault: { type: 'boolean' },
} as const;

export const newServiceBody = {
  type: 'object',
  additionalProperties: false,
  properties: { code, ...serviceProperties },
  required: ['code', 'nameRu', 'nameEn', 'category', 'price', 'normHours', 'supportLine'],
} as const;

export const serviceChangesBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: { ...serviceProperties, active: { type: 'boolean' } },
} as const;

export const catalogServiceSchema = {
  type: 'object',
  properties: {
    code: { type: 'string' },
    ...serviceProperties,
    requiredCompetence: nullableString,
    active: { type: 'boolean' },
  },
} as const;

export const includeInactiveQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { includeInactive: { type: 'boolean', default: false } },
} as const;

const weekProperties = Object.fromEntries(
  ['1', '2', '3', '4', '5', '6', '7'].map((d) => [d, { type: 'array', maxItems: 6, items: interval }]),
);

export const calendarBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    timeZone: { type: 'string', minLength: 1, maxLength: 64, description: 'IANA zone, e.g. Europe/Moscow' },
    week: {
      type: 'object',
      additionalProperties: false,
      properties: weekProperties,
      description: 'ISO weekday (1 = Monday) → working intervals, split shifts allowed',
    },
    holidayCountry: {
      type: ['string', 'null'],
      pattern: '^[A-Z]{2}$',
      description: 'Public holidays of this country are days off (date-holidays), e.g. RU',
    },
    extraHolidays: { type: 'array', maxItems: 400, items: localDate },
    exceptions: {
      type: 'array',
      maxItems: 400,
      items: {
        type: 'object',
        additionalProperties: false,
        properties: { date: localDate, hours: { type: 'array', maxItems: 6, items: interval } },
        required: ['date', 'hours'],
      },
      description: 'One-off days: hours replace the usual ones (empty = day off, e.g. a transferred day)',
    },
  },
  required: ['name', 'timeZone', 'week'],
} as const;

export const calendarSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    code: { type: 'string' },
    ...calendarBody.properties,
    holidayCountry: nullableString,
  },
} as const;

const escalationLevel = {
  type: 'object',
  additionalProperties: false,
  properties: {
    afterSeconds: {
      type: 'integer',
      minimum: 0,
      maximum: 31_536_000,
      description: 'Business seconds after the breach',
    },
    recipients: {
      type: 'array',
      maxItems: 20,
      items: { type: 'string', minLength: 1, maxLength: 64 },
      description: 'Operator logins told at this level',
    },
  },
  required: ['afterSeconds', 'recipients'],
} as const;

export const agreementParams = {
  type: 'object',
  properties: { code, clientCategory: { type: 'string', minLength: 1, maxLength: 32 } },
  required: ['code', 'clientCategory'],
} as const;

export const agreementBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    responseSeconds: {
      type: 'integer',
      minimum: 1,
      maximum: 31_536_000,
      description: 'Business seconds to the first response (accept)',
    },
    resolutionSeconds: {
      type: 'integer',
      minimum: 1,
      maximum: 31_536_000,
      description: 'Business seconds to resolution',
    },
    warningShare: { type: 'number', exclusiveMinimum: 0, maximum: 0.99, default: 0.8 },
    calendarCode: { type: ['string', 'null'], description: 'Counts on this calendar instead of the servicing team’s' },
    escalation: { type: 'array', maxItems: 3, items: escalationLevel },
  },
  required: ['responseSeconds', 'resolutionSeconds'],
} as const;

export const agreementSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    serviceId: { type: 'integer' },
    clientCategory: { type: 'string' },
    responseSeconds: { type: 'integer' },
    resolutionSeconds: { type: 'integer' },
    warningShare: { type: 'string' },
    calendarId: { type: ['integer', 'null'] },
    escalation: { type: 'array', items: escalationLevel },
  },
} as const;

export const olaParams = {
  type: 'object',
  properties: { line: { type: 'integer', minimum: 1, maximum: 3 } },
  required: ['line'],
} as const;
export const olaBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    handoverSeconds: {
      type: 'integer',
      minimum: 1,
      maximum: 31_536_000,
      description: 'Business seconds for the line to take a ticket handed to it',
    },
    recipients: { type: 'array', maxItems: 20, items: { type: 'string', minLength: 1, maxLength: 64 } },
  },
  required: ['handoverSeconds'],
} as const;
export const olaSchema = {
  type: 'object',
  properties: {
    supportLine: { type: 'integer' },
    handoverSeconds: { type: 'integer' },
    recipients: { type: 'array', items: { type: 'string' } },
  },
} as const;

export const overdueReasonBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    nameRu: { type: 'string', minLength: 1, maxLength: 200 },
    nameEn: { type: 'string', minLength: 1, maxLength: 200 },
    active: { type: 'boolean' },
  },
  required: ['nameRu', 'nameEn'],
} as const;
export const overdueReasonSchema = {
  type: 'object',
  properties: {
    code: { type: 'string' },
    nameRu: { type: 'string' },
    nameEn: { type: 'string' },
    active: { type: 'boolean' },
  },
} as const;

export const reasonBody = {
  type: 'object',
  additionalProperties: false,
  properties: { reason: { type: 'string', minLength: 1, maxLength: 2000, pattern: '\\S' } },
  required: ['reason'],
} as const;

export const changeSlaBody = {
  type: 'object',
  additionalProperties: false,
  properties: { agreementId: { type: 'integer', minimum: 1 } },
  required: ['agreementId'],
} as const;

export const slaStatusSchema = {
  type: 'object',
  properties: {
    agreementId: { type: ['integer', 'null'] },
    supportLine: { type: 'integer' },
    targets: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          kind: { type: 'string', enum: ['response', 'resolution', 'handover'] },
          budgetMs: { type: 'number' },
          usedMs: { type: 'number' },
          running: { type: 'boolean' },
          warned: { type: 'boolean' },
          breached: { type: 'boolean' },
          escalations: { type: 'integer' },
          met: { type: 'boolean' },
          dueAt: nullableString,
          round: {
            type: 'integer',
            description: 'The ticket round the clock runs in: 1, then one more for each reopening',
          },
        },
      },
    },
  },
} as const;

export const escalatedSchema = {
  type: 'object',
  properties: {
    moved: { type: 'boolean' },
    supportLine: { type: 'integer' },
    queue: { type: 'object', properties: { id: { type: 'integer' }, code: { type: 'string' } } },
  },
} as const;
