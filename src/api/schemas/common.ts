/** What every route's schema shares: the error answer, ids, paging, a reason. */
import { ticketPriorities } from '../../domain/enums';
import { TicketStages } from '../../domain/process';

export const errorSchema = {
  $id: 'Error',
  type: 'object',
  properties: {
    statusCode: { type: 'integer' },
    error: { type: 'string' },
    code: { type: 'string' },
    message: { type: 'string' },
    field: { type: 'string', description: 'The request field at fault, e.g. body.client.email' },
  },
  required: ['statusCode', 'error', 'message'],
} as const;

/** Error answers of a route, by status: every one is the shared Error schema. */
export const errorResponses = <const Status extends number>(...statuses: Status[]) =>
  Object.fromEntries(statuses.map((status) => [status, { $ref: 'Error#' }])) as Record<Status, { $ref: 'Error#' }>;

export const stage = { type: 'string', enum: TicketStages } as const;
export const nullableString = { type: ['string', 'null'] } as const;
export const priority = { type: ['string', 'null'], enum: [...ticketPriorities, null] } as const;

/**
 * The id of a row (serial columns are PostgreSQL `integer`): bounded here, since a larger number
 * reaching a query fails there ("out of range for type integer") with a 500.
 */
export const rowId = { type: 'integer', minimum: 1, maximum: 2147483647 } as const;

/**
 * A keyset cursor over a log's `bigserial` ids: bounded to what JavaScript holds exactly, since a
 * larger number would reach the query rounded, or past bigint, and fail there with a 500.
 */
export const logCursor = { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } as const;

/**
 * `Idempotency-Key` (the IETF draft's header, as Stripe and others take it): a request sent again
 * with the same key is answered as the first was and does nothing twice. Printable ASCII, at most 200.
 */
export const idempotencyHeaders = {
  type: 'object',
  properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 200, pattern: '^[\\x21-\\x7e]+$' } },
} as const;

/** `:id` of a ticket, a queue, a client, a rule or an offer. */
export const idParams = {
  type: 'object',
  properties: { id: rowId },
  required: ['id'],
} as const;

/**
 * Why an operator moves, pauses or escalates a ticket, or skips an offer. 2000 characters: the
 * longer of the two limits the routes had (1000 for return and skip), so no request valid today is refused.
 */
export const reasonBody = {
  type: 'object',
  additionalProperties: false,
  properties: { reason: { type: 'string', minLength: 1, maxLength: 2000, pattern: '\\S' } },
  required: ['reason'],
} as const;

export const pageQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
    offset: {
      type: 'integer',
      minimum: 0,
      // A deep offset makes the database walk and drop every row before it.
      maximum: 10000,
      default: 0,
      description: 'Rows to skip, at most 10000',
    },
  },
} as const;

export const searchQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    q: {
      type: 'string',
      minLength: 3,
      maxLength: 100,
      description: 'Text the subject contains (case-insensitive); at least 3 characters',
    },
    limit: pageQuery.properties.limit,
    offset: pageQuery.properties.offset,
  },
  required: ['q'],
} as const;

/** `{ id, code }` of the queue a ticket is in. */
export const queueRef = { type: 'object', properties: { id: { type: 'integer' }, code: { type: 'string' } } } as const;

/** A catalog service's or a calendar's code. */
export const code = {
  type: 'string',
  pattern: '^[a-z0-9][a-z0-9-]{0,63}$',
  description: 'lower-case letters, digits and dashes',
} as const;
