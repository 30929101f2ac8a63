import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  bigserial,
  index,
  integer,
  jsonb,
  numeric,
  pgSequence,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { TicketStage } from '../../domain/process';
import { catalogServices } from './catalog';
import { clients } from './clients';
import { queues } from './queues';
import { operators } from './staff';
import { timestamps } from './columns';

/** Ticket numbers are handed out before the workflow starts: the workflow id is `ticket-<number>`. */
export const ticketNumbers = pgSequence('ticket_number_seq', { startWith: 1001 });

export const ticketPriorities = ['low', 'normal', 'high', 'critical'] as const;
export type TicketPriority = (typeof ticketPriorities)[number];

export const intakeChannels = ['api', 'web', 'email', 'sms', 'telegram', 'phone'] as const;
export type IntakeChannel = (typeof intakeChannels)[number];

/**
 * The order a queue is worked in: critical first, low last. The queue listing sorts by it and
 * an index is built on the same expression, so the first page is read without sorting the queue.
 */
export const priorityRank = (priority: AnyPgColumn) => sql`(case ${priority} when 'critical' then 0 when 'high' then 1 when 'normal' then 2 else 3 end)`;

export const tickets = pgTable(
  'tickets',
  {
    id: bigint('id', { mode: 'number' }).primaryKey(),
    workflowId: text('workflow_id').notNull().unique(),
    channel: text('channel').$type<IntakeChannel>().notNull(),
    subject: text('subject').notNull(),
    description: text('description').notNull(),
    clientId: integer('client_id')
      .notNull()
      .references(() => clients.id),
    stage: text('stage').$type<TicketStage>().notNull(),
    category: text('category'),
    priority: text('priority').$type<TicketPriority>(),
    serviceId: integer('service_id').references(() => catalogServices.id),
    queueId: integer('queue_id').references(() => queues.id),
    queuedAt: timestamp('queued_at', { withTimezone: true }),
    /** Device or product group and location (region), given at intake: rules and queue filters read them. */
    productGroup: text('product_group'),
    location: text('location'),
    /** The open offer from `next`: only this operator may accept until it expires. */
    offeredTo: text('offered_to'),
    offerExpiresAt: timestamp('offer_expires_at', { withTimezone: true }),
    assigneeId: text('assignee_id').references(() => operators.id),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    quotedPrice: numeric('quoted_price', { precision: 12, scale: 2 }),
    quotedNormHours: numeric('quoted_norm_hours', { precision: 7, scale: 2 }),
    dueAt: timestamp('due_at', { withTimezone: true }),
    /** The support line the ticket is on now; `solvedLine` is the one that resolved it (FCR). */
    supportLine: smallint('support_line').notNull().default(1),
    solvedLine: smallint('solved_line'),
    slaAgreementId: integer('sla_agreement_id'),
    responseDueAt: timestamp('response_due_at', { withTimezone: true }),
    resolutionDueAt: timestamp('resolution_due_at', { withTimezone: true }),
    slaBreachedAt: timestamp('sla_breached_at', { withTimezone: true }),
    slaPausedAt: timestamp('sla_paused_at', { withTimezone: true }),
    overdueReason: text('overdue_reason'),
    overdueNote: text('overdue_note'),
    /** Work logged against the catalog norm: actual minutes / norm minutes. */
    workNormRatio: numeric('work_norm_ratio', { precision: 8, scale: 3 }),
    checklistDone: jsonb('checklist_done').$type<string[]>().notNull().default([]),
    resolution: text('resolution'),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    surveyToken: text('survey_token'),
    csat: smallint('csat'),
    surveyComment: text('survey_comment'),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    index('tickets_queue_order_idx').on(t.queueId, t.stage, priorityRank(t.priority), t.createdAt, t.id),
    index('tickets_client_idx').on(t.clientId, t.createdAt),
    // Trigram search of subjects (ILIKE '%word%'); needs the pg_trgm extension, created by the migration.
    index('tickets_subject_trgm_idx').using('gin', t.subject.op('gin_trgm_ops')),
    // Newest first: a search for a common word walks this and stops at the first page of matches.
    index('tickets_created_idx').on(t.createdAt, t.id),
    // Tickets "now at an element" on the process diagram: only the open ones are looked at.
    index('tickets_open_idx').on(t.id).where(sql`${t.stage} <> 'closed'`),
  ],
);

export const ticketWorkEntries = pgTable(
  'ticket_work_entries',
  {
    /** Chosen by the API so a retried activity inserts the same entry once. */
    id: uuid('id').primaryKey(),
    ticketId: bigint('ticket_id', { mode: 'number' })
      .notNull()
      .references(() => tickets.id),
    operatorId: text('operator_id')
      .notNull()
      .references(() => operators.id),
    minutes: integer('minutes').notNull(),
    note: text('note').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('ticket_work_entries_ticket_idx').on(t.ticketId)],
);

/**
 * One row per step a ticket takes, keyed by the BPMN element id of processes/ticket.bpmn.
 * `dedupeKey` makes every write idempotent: a retried activity records its step once.
 */
export const ticketEvents = pgTable(
  'ticket_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    ticketId: bigint('ticket_id', { mode: 'number' }).notNull(),
    elementId: text('element_id').notNull(),
    action: text('action').notNull(),
    actor: text('actor'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    dedupeKey: text('dedupe_key').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('ticket_events_dedupe_key').on(t.ticketId, t.dedupeKey),
    index('ticket_events_element_at_idx').on(t.elementId, t.at),
    // A ticket's events in order (its trail, lag/lead per ticket, its latest event), read from the index alone.
    index('ticket_events_ticket_order_idx').on(t.ticketId, t.at, t.id, t.elementId),
    // Which tickets moved during a period.
    // Breaches and escalations of a period, without reading the other events.
    index('ticket_events_flagged_at_idx').on(t.at, t.elementId).where(sql`${t.action} like '%breach%' or ${t.action} like '%escalat%'`),
  ],
);

/**
 * One row per visit of a ticket to a BPMN element: a run of its consecutive events at that
 * element, from the first of them to the ticket's next event elsewhere (`leftAt`, null while
 * it is still there). Kept by a trigger on ticket_events (migration 0001), so every writer of
 * events keeps it right; the process statistics read durations here instead of recomputing
 * them with window functions over every event.
 */
export const ticketElementVisits = pgTable(
  'ticket_element_visits',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    ticketId: bigint('ticket_id', { mode: 'number' }).notNull(),
    elementId: text('element_id').notNull(),
    enteredAt: timestamp('entered_at', { withTimezone: true }).notNull(),
    leftAt: timestamp('left_at', { withTimezone: true }),
  },
  (t) => [
    // A ticket is at one element at a time.
    uniqueIndex('ticket_element_visits_open_key').on(t.ticketId).where(sql`${t.leftAt} is null`),
    // Per element, the visits of a period come out of the index in element order, ready to aggregate.
    index('ticket_element_visits_element_idx').on(t.elementId, t.enteredAt, t.leftAt, t.ticketId),
  ],
);
