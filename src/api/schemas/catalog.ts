/** JSON schemas of `/catalog/services`, `/calendars` and `/overdue-reasons`. */
import { code, nullableString } from './common';

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
