/** JSON schemas of the escalation audit: breaches and escalations of a period, and why one ticket's targets breached. */
import { LONGEST_AUDIT_DAYS, markerKinds, pauseKinds } from '../../domain/breach-timeline';
import { slaTargetKinds } from '../../domain/enums';
import { logCursor, nullableString, stage } from './common';

const instant = { type: 'string', format: 'date-time' } as const;
const nullableInstant = { type: ['string', 'null'], format: 'date-time' } as const;
const nullableInteger = { type: ['integer', 'null'] } as const;
const operatorIds = { type: 'array', items: { type: 'string' }, description: 'Staff the notice was sent to' } as const;
const target = {
  type: ['string', 'null'],
  enum: [...slaTargetKinds, null],
  description: 'response and resolution: the client’s SLA; handover: the OLA of the line the ticket was handed to',
} as const;

export const escalationsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    from: { type: 'string', format: 'date-time', description: 'Start of the period, inclusive' },
    to: {
      type: 'string',
      format: 'date-time',
      description: `End of the period, exclusive: after \`from\`, at most ${LONGEST_AUDIT_DAYS} days later`,
    },
    queue: {
      type: 'string',
      minLength: 1,
      maxLength: 64,
      description: 'Only tickets in this queue (its code) now',
    },
    target: { type: 'string', enum: slaTargetKinds, description: 'Only breaches of this target' },
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
    after: {
      ...logCursor,
      description: 'The next page: the `next` of the previous one (the id of its last row)',
    },
  },
  required: ['from', 'to'],
} as const;

const escalationLevel = {
  type: 'object',
  properties: {
    level: { type: 'integer' },
    at: instant,
    toLine: nullableInteger,
    queue: nullableString,
    moved: { type: 'boolean', description: 'False on the top line: there was no next line to move to' },
    notified: operatorIds,
  },
} as const;

const escalationRow = {
  type: 'object',
  properties: {
    id: { type: 'integer', description: 'The event’s id: the cursor of the next page' },
    kind: {
      type: 'string',
      enum: ['breach', 'escalation'],
      description: 'breach: a target’s deadline passed (with the escalation levels it led to); escalation: by hand',
    },
    ticket: {
      type: 'object',
      properties: {
        id: { type: 'integer' },
        stage,
        queue: {
          type: ['object', 'null'],
          properties: { id: { type: 'integer' }, code: { type: 'string' } },
          description: 'The queue the ticket is in now',
        },
      },
    },
    target,
    handover: { ...nullableInteger, description: 'Which handover (OLA clock) of the ticket' },
    round: { type: 'integer', description: 'The ticket’s round: a reopening starts the next' },
    supportLine: { ...nullableInteger, description: 'The line the ticket was on when it breached (escalated from)' },
    agreement: {
      type: ['object', 'null'],
      properties: { id: { type: 'integer' }, service: { type: 'string' }, clientCategory: { type: 'string' } },
      description:
        'The SLA agreement the ticket is under now (catalog service × client category); only to the assignee and managers',
    },
    dueAt: { ...nullableInstant, description: 'The deadline that passed' },
    at: { ...instant, description: 'When it breached (or was escalated)' },
    overrunMs: {
      ...nullableInteger,
      description: 'By how much, in wall time: from the deadline to the target’s being met, or to now while open',
    },
    state: { type: ['string', 'null'], enum: ['met', 'open', null], description: 'The breached target now' },
    metAt: nullableInstant,
    notified: { ...operatorIds, description: 'Staff told of the breach' },
    escalations: { type: 'array', items: escalationLevel, description: 'Escalation levels run after the breach' },
    escalatedBy: { ...nullableString, description: 'Who escalated by hand' },
    reason: { ...nullableString, description: 'Why it was escalated by hand; only to the assignee and managers' },
    overdueReason: {
      type: ['object', 'null'],
      properties: { code: { type: 'string' }, nameRu: { type: 'string' }, nameEn: { type: 'string' } },
      description: 'The overdue reason recorded when the ticket was resolved late',
    },
  },
} as const;

export const escalationsReport = {
  type: 'object',
  properties: {
    from: instant,
    to: instant,
    now: { ...instant, description: 'The moment open breaches are counted to' },
    items: { type: 'array', items: escalationRow },
    next: { ...nullableInteger, description: 'Pass as `after` for the next page; null on the last' },
  },
} as const;

const interval = {
  type: 'object',
  properties: {
    from: instant,
    to: instant,
    elementId: { ...nullableString, description: 'The ticket’s latest step in processes/ticket.bpmn' },
    queue: nullableString,
    supportLine: { type: 'integer' },
    holder: { ...nullableString, description: 'Who held the ticket (null: nobody had accepted it)' },
    accepted: { type: 'boolean' },
    pause: {
      type: ['string', 'null'],
      enum: [...pauseKinds, null],
      description: 'Null: the clock ran. Else why this stretch did not count (a stripe on the timeline)',
    },
    wallMs: { type: 'integer' },
    businessMs: { type: 'integer', description: 'Counted against the target on the servicing calendar' },
  },
} as const;

const marker = {
  type: 'object',
  properties: {
    kind: { type: 'string', enum: markerKinds },
    at: instant,
    actor: nullableString,
    level: { ...nullableInteger, description: 'Escalation level; null: by hand' },
    toLine: { type: 'integer' },
    queue: { type: 'string' },
    from: nullableString,
    to: nullableString,
    reason: nullableString,
    notified: operatorIds,
  },
} as const;

const breach = {
  type: 'object',
  properties: {
    key: { type: 'string' },
    round: { type: 'integer' },
    dueAt: nullableInstant,
    breachedAt: instant,
    supportLine: nullableInteger,
  },
} as const;

const targetTimeline = {
  type: 'object',
  properties: {
    target,
    handover: nullableInteger,
    startedAt: instant,
    metAt: { ...nullableInstant, description: 'Null while the target is open: the timeline runs to `now`' },
    budgetMs: { type: 'integer', description: 'Business time the agreement (or OLA) allows' },
    usedMs: {
      type: 'integer',
      description:
        'Business time counted: the intervals without a pause (from the events’ stamps, a few ms after the workflow’s instants)',
    },
    overrunMs: {
      type: 'integer',
      description:
        'Business time counted after the deadline recorded with the last breach (without one: past the budget)',
    },
    breaches: { type: 'array', items: breach },
    intervals: { type: 'array', items: interval },
    markers: {
      type: 'array',
      items: marker,
      description:
        'Warning, breach and escalation levels (with who was told), transfers, reassignments, skipped offers',
    },
    elements: {
      type: 'array',
      description: 'The target’s time per BPMN element: share of the counted time (what the diagram shades)',
      items: {
        type: 'object',
        properties: {
          elementId: { type: 'string' },
          wallMs: { type: 'integer' },
          businessMs: { type: 'integer' },
          share: { type: 'number' },
        },
      },
    },
    explanation: {
      type: ['object', 'null'],
      properties: { ru: { type: 'string' }, en: { type: 'string' } },
      description: 'Why it breached, in one line; null when it did not',
    },
  },
} as const;

export const ticketBreachesSchema = {
  type: 'object',
  properties: {
    ticketId: { type: 'integer' },
    stage,
    now: instant,
    details: {
      type: 'boolean',
      description: 'False for an operator who may not see the ticket’s contents: targets with their times only',
    },
    targets: { type: 'array', items: targetTimeline },
  },
} as const;
