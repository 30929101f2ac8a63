/** JSON schemas of `/tickets` and its sub-resources: register, read, work, move, survey, trail. */
import type { FromSchema } from 'json-schema-to-ts';
import { intakeChannels } from '../../domain/enums';
import { ticketDetailsSchema, ticketSummarySchema } from '../../domain/ticket-details';
import { nullableString, priority, queueRef, reasonBody, stage } from './common';
import { processIdParams } from './processes';

export const newTicketBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    channel: { type: 'string', enum: intakeChannels, default: 'api' },
    subject: { type: 'string', minLength: 1, maxLength: 300 },
    description: { type: 'string', minLength: 1, maxLength: 20000 },
    client: {
      type: 'object',
      additionalProperties: false,
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 200 },
        phone: {
          type: 'string',
          pattern: '^\\+?[\\d\\s().-]{6,24}$',
          description: 'Any common notation; stored as E.164',
        },
        email: { type: 'string', format: 'email', maxLength: 254 },
      },
      description: 'Who asks: found by phone or e-mail (one of them is required), created if new',
    },
    productGroup: {
      type: 'string',
      minLength: 1,
      maxLength: 100,
      description: 'Device or product group, e.g. smartphones; rules may read it',
    },
    location: {
      type: 'string',
      minLength: 1,
      maxLength: 100,
      description: 'Region or site, e.g. moscow; rules and queue filters may read it',
    },
  },
  required: ['subject', 'description', 'client'],
} as const;

export const registeredTicket = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    stage,
    category: { type: 'string' },
    priority,
    serviceCode: nullableString,
    queue: queueRef,
  },
  required: ['id', 'stage'],
} as const;

/** A status question attached to the client's open ticket: nothing of that ticket is said here. */
export const attachedQuestion = {
  type: 'object',
  properties: {
    attached: { type: 'boolean', const: true },
    message: { type: 'string' },
  },
  required: ['attached', 'message'],
} as const;

/** The ticket as shown, defined once beside its derived types (src/domain/ticket-details.ts). */
export const ticketSummary = ticketSummarySchema;
export const ticketDetails = ticketDetailsSchema;

export const workBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    minutes: { type: 'integer', minimum: 1, maximum: 1440 },
    note: { type: 'string', minLength: 1, maxLength: 4000 },
    stepsDone: {
      type: 'array',
      maxItems: 50,
      items: { type: 'string', minLength: 1, maxLength: 200 },
      description: 'Checklist steps of the catalog service done with this work',
    },
  },
  required: ['minutes', 'note'],
} as const;

export const workRecorded = {
  type: 'object',
  properties: {
    entryId: { type: 'string' },
    totalMinutes: { type: 'integer' },
    normMinutes: { type: ['integer', 'null'] },
    normRatio: { type: ['number', 'null'] },
    checklistDone: { type: 'array', items: { type: 'string' } },
  },
} as const;

export const resolveBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    resolution: { type: 'string', minLength: 1, maxLength: 10000, pattern: '\\S' },
    overdueReason: {
      type: 'string',
      minLength: 1,
      maxLength: 64,
      description: 'Code from GET /overdue-reasons; required once the resolution deadline has passed',
    },
    overdueNote: { type: 'string', maxLength: 2000 },
  },
  required: ['resolution'],
} as const;

export const resolved = {
  type: 'object',
  properties: { ticketId: { type: 'integer' }, resolvedAt: { type: 'string' } },
} as const;

export const surveyBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    token: { type: 'string', minLength: 1, maxLength: 200 },
    csat: { type: 'integer', minimum: 1, maximum: 5 },
    nps: {
      type: 'integer',
      minimum: 0,
      maximum: 10,
      description: 'Optional: how likely the client is to recommend the desk, 0–10 (NPS)',
    },
    comment: { type: 'string', maxLength: 4000 },
    complaint: {
      type: 'boolean',
      default: false,
      description: 'The client files a complaint: a manager handles it before the ticket closes',
    },
  },
  required: ['token', 'csat'],
} as const;

export const reopenBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    reason: { type: 'string', minLength: 1, maxLength: 4000, pattern: '\\S' },
    token: {
      type: 'string',
      minLength: 1,
      maxLength: 200,
      description: 'The survey token, when the client reopens (no X-Operator-Id)',
    },
  },
  required: ['reason'],
} as const;

export const reopened = {
  type: 'object',
  properties: { ticketId: { type: 'integer' }, round: { type: 'integer' }, assigneeId: { type: 'string' } },
} as const;

export const complaintResolutionBody = resolveBody;

export const ticketEvent = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    elementId: { type: 'string', description: 'BPMN element id in processes/ticket.bpmn' },
    action: { type: 'string' },
    actor: nullableString,
    at: { type: 'string', format: 'date-time' },
    data: { type: 'object', additionalProperties: true, description: 'Only for the assignee and managers' },
  },
} as const;

export const ticketListItem = {
  type: 'object',
  description: 'A ticket summary; `subject` only for its assignee and managers',
  properties: { ...ticketSummarySchema.properties, subject: { type: 'string' } },
  required: ticketSummarySchema.required,
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
    queue: queueRef,
  },
} as const;

export const categoryBody = {
  type: 'object',
  additionalProperties: false,
  properties: { category: { type: 'string', minLength: 1, maxLength: 100 } },
  required: ['category'],
} as const;

export const categoryVerdict = {
  type: 'object',
  properties: {
    ticketId: { type: 'integer' },
    category: { type: 'string' },
    verdict: { type: 'string', enum: ['confirmed', 'corrected'] },
  },
} as const;

export const clientConfirmationBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    token: {
      type: 'string',
      minLength: 1,
      maxLength: 200,
      description:
        'The token of the confirmation link sent to the client’s contact on file (not needed by staff with an API token)',
    },
  },
} as const;

export const clientConfirmed = {
  type: 'object',
  properties: {
    ticketId: { type: 'integer' },
    clientConfirmed: { type: 'boolean', const: true },
    slaAgreementId: { type: 'integer', description: 'The client’s agreement the open ticket moved to, if it moved' },
  },
  required: ['ticketId', 'clientConfirmed'],
} as const;

export const surveyAccepted = { type: 'object', properties: { accepted: { type: 'boolean' } } } as const;

export const eventsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 500 },
    after: {
      type: 'integer',
      minimum: 1,
      description: 'The id of the last event of the previous page: the events after it',
    },
  },
} as const;

export const trailQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    processId: {
      ...processIdParams.properties.processId,
      description: 'The process whose steps to show (default ticket_lifecycle)',
    },
  },
} as const;

const trailEvent = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    elementId: { type: 'string' },
    action: { type: 'string' },
    actor: { type: ['string', 'null'] },
    at: { type: 'string', format: 'date-time' },
    data: { type: 'object', additionalProperties: true, description: 'Only for the assignee and managers' },
  },
} as const;

export const ticketTrail = {
  type: 'object',
  properties: {
    ticketId: { type: 'integer' },
    processId: { type: 'string' },
    stage: { type: 'string' },
    path: {
      type: 'array',
      items: { type: 'string' },
      description: 'Elements the ticket went through, repeats collapsed',
    },
    current: { type: ['string', 'null'], description: 'The element of the latest event' },
    visits: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          elementId: { type: 'string' },
          enteredAt: { type: 'string', format: 'date-time' },
          leftAt: { type: ['string', 'null'] },
          durationMs: { type: ['number', 'null'] },
          actors: { type: 'array', items: { type: 'string' } },
          events: { type: 'array', items: trailEvent },
        },
      },
    },
  },
} as const;

/** What registration takes: the body as validated (the channel defaults to `api`). */
export type NewTicket = FromSchema<typeof newTicketBody>;
