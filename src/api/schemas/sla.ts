/** JSON schemas of the SLA: agreements per service and client category, OLA per line, a ticket's clocks. */
import { slaTargetKinds } from '../../domain/enums';
import { code, nullableString, queueRef } from './common';

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
          kind: { type: 'string', enum: slaTargetKinds },
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
    queue: queueRef,
  },
} as const;
