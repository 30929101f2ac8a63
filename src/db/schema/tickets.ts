import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  bigserial,
  boolean,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgSequence,
  pgTable,
  primaryKey,
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
import type { IntakeChannel, TicketPriority } from '../../domain/enums';
import type { TicketTimes } from '../../domain/ticket-times';

/** Ticket numbers are handed out before the workflow starts: the workflow id is `ticket-<number>`. */
export const ticketNumbers = pgSequence('ticket_number_seq', { startWith: 1001 });

export { intakeChannels, ticketPriorities, type IntakeChannel, type TicketPriority } from '../../domain/enums';

/**
 * The order a queue is worked in: critical first, low last. The queue listing sorts by it and
 * an index is built on the same expression, so the first page is read without sorting the queue.
 */
export const priorityRank = (priority: AnyPgColumn) =>
  sql`(case ${priority} when 'critical' then 0 when 'high' then 1 when 'normal' then 2 else 3 end)`;

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
    /**
     * Whether the filer proved the client is theirs: staff filed or identified them, or the
     * confirmation link sent to the stored contact was opened. Until then the ticket is routed and
     * timed as a one-time client's, whatever the client's category (repositories/clients.ts).
     */
    clientConfirmed: boolean('client_confirmed').notNull().default(false),
    /** SHA-256 (hex) of the token in the confirmation link sent to the stored contact; never the token. */
    clientConfirmationToken: text('client_confirmation_token'),
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
    /**
     * The managers' business-time figures, kept as the ticket moves (repositories/ticket-times.ts):
     * registration to acceptance on the team's calendar, written at each accept; the resolution's
     * times walked from the record, written at each resolution. Null on tickets older than 0021.
     */
    firstResponseBusinessMs: bigint('first_response_business_ms', { mode: 'number' }),
    businessTimes: jsonb('business_times').$type<TicketTimes>(),
    resolution: text('resolution'),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    /** SHA-256 (hex) of the token in the client's survey link (src/domain/client-link.ts); never the token. */
    surveyToken: text('survey_token'),
    csat: smallint('csat'),
    /** "Would you recommend us?" 0–10, when the client answered it (optional in the survey). */
    nps: smallint('nps'),
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
    // The managers' figures of a period: each timestamp they range over (migration 0014). Partial:
    // a new ticket has none of them yet, so intake writes no entry to these three.
    index('tickets_accepted_at_idx')
      .on(t.acceptedAt)
      .where(sql`${t.acceptedAt} is not null`),
    index('tickets_resolved_at_idx')
      .on(t.resolvedAt)
      .where(sql`${t.resolvedAt} is not null`),
    index('tickets_closed_at_idx')
      .on(t.closedAt)
      .where(sql`${t.closedAt} is not null`),
    // Tickets "now at an element" on the process diagram: only the open ones are looked at.
    index('tickets_open_idx')
      .on(t.id)
      .where(sql`${t.stage} <> 'closed'`),
    // Tickets accepted or resolved with no business times kept (older than migration 0021): a period
    // holding one has its figures walked in the API (needsWalkedTimes). Nearly empty, so the question
    // is one probe rather than a walk of the period's range (migration 0027).
    // Open at an instant (openTicketsAt, a series' start): done — latest resolution, else closing — at
    // or after it, registered before it. A range of this instead of every ticket registered before (migration 0027).
    index('tickets_done_idx').on(sql`coalesce(${t.resolvedAt}, ${t.closedAt}, 'infinity'::timestamptz)`, t.createdAt),
    index('tickets_untimed_accepted_idx')
      .on(t.acceptedAt)
      .where(sql`${t.acceptedAt} is not null and ${t.firstResponseBusinessMs} is null`),
    index('tickets_untimed_resolved_idx')
      .on(t.resolvedAt)
      .where(sql`${t.resolvedAt} is not null and ${t.businessTimes} is null`),
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
 * One row per step a ticket takes, keyed by the BPMN element id and the process whose diagram
 * has it (processes/*.bpmn: `ticket_lifecycle`, `sla_escalation`; src/db/events.ts derives the
 * process from the element). `dedupeKey` makes every write idempotent: a retried activity
 * records its step once.
 */
export const ticketEvents = pgTable(
  'ticket_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    ticketId: bigint('ticket_id', { mode: 'number' }).notNull(),
    processId: text('process_id').notNull(),
    elementId: text('element_id').notNull(),
    action: text('action').notNull(),
    actor: text('actor'),
    data: jsonb('data')
      .$type<Record<string, unknown>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    dedupeKey: text('dedupe_key').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('ticket_events_dedupe_key').on(t.ticketId, t.dedupeKey),
    index('ticket_events_element_at_idx').on(t.elementId, t.at),
    // A ticket's events in one process in order (its trail, its latest step there), read from the index alone.
    index('ticket_events_ticket_process_order_idx').on(t.ticketId, t.processId, t.at, t.id, t.elementId),
    // Breaches and escalations of a period, without reading the other events.
    index('ticket_events_flagged_at_idx')
      .on(t.at, t.elementId)
      .where(sql`${t.action} like '%breach%' or ${t.action} like '%escalat%'`),
    // The escalation audit (GET /escalations): breaches and escalations of a period in order, paged by (at, id).
    index('ticket_events_audit_idx')
      .on(t.at, t.id)
      .where(sql`${t.action} in ('sla_breached', 'sla_escalated')`),
    // Reopenings and escalations of a period, for the managers' figures (migration 0014).
    index('ticket_events_figures_at_idx')
      .on(t.at, t.ticketId)
      .where(sql`${t.action} in ('reopened', 'sla_escalated')`),
    // Whether a ticket was ever reopened or handed on (the reopen rate, FCR): read from this index
    // alone, a few entries per ticket instead of all its events (migration 0027).
    index('ticket_events_handoffs_idx')
      .on(t.ticketId, t.action)
      .where(sql`${t.action} in ('reopened', 'sla_escalated', 'reassigned', 'returned_to_queue', 'transferred')`),
    // Skips, reassignments, returns and transfers of a period, per operator (operatorMovesIn): the
    // element's index read every accept of the period too (migration 0027).
    index('ticket_events_moves_at_idx')
      .on(t.at)
      .where(sql`${t.action} in ('skipped', 'reassigned', 'returned_to_queue', 'transferred')`),
  ],
);

/**
 * One row per visit of a ticket to a BPMN element of one process: a run of its consecutive
 * events in that process at that element, from the first of them to the ticket's next event
 * elsewhere in the same process (`leftAt`, null while it is still there). An SLA event in
 * between does not end a lifecycle visit: each process has its own run of visits.
 *
 * Kept by triggers (migration 0005_process_visits_summary): every event inserted in order
 * closes and opens visits; an event older than the ticket's latest one in its process (a late
 * write) rebuilds that ticket's visits there. The ticket's queue, category and client category
 * are copied here and kept equal to the ticket's (triggers on tickets and clients), so the
 * statistics filter visits without joining, and the summary below follows every change.
 */
export const ticketElementVisits = pgTable(
  'ticket_element_visits',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    ticketId: bigint('ticket_id', { mode: 'number' }).notNull(),
    processId: text('process_id').notNull(),
    elementId: text('element_id').notNull(),
    enteredAt: timestamp('entered_at', { withTimezone: true }).notNull(),
    leftAt: timestamp('left_at', { withTimezone: true }),
    queueId: integer('queue_id'),
    category: text('category'),
    clientCategory: text('client_category'),
  },
  (t) => [
    // A ticket is at one element of each process at a time.
    uniqueIndex('ticket_element_visits_open_key')
      .on(t.ticketId, t.processId)
      .where(sql`${t.leftAt} is null`),
    // The visits of a process that began in a period, one range of the index (filters included: read from the index alone).
    index('ticket_element_visits_period_idx').on(
      t.processId,
      t.enteredAt,
      t.elementId,
      t.leftAt,
      t.queueId,
      t.category,
      t.clientCategory,
    ),
    // A ticket's visits (rebuilt after a late event, restated when the ticket moves).
    index('ticket_element_visits_ticket_idx').on(t.ticketId, t.processId, t.enteredAt),
  ],
);

/** The key of a summary row (a primary key: no nulls, hence the 0 and '' below). */
const summaryKey = {
  processId: text('process_id').notNull(),
  /** Rows summed over every ticket (no filter; queue, category and client category 0, '', ''), or per the three of them. */
  allTickets: boolean('all_tickets').notNull(),
  /** `day` rows hold one UTC day, `week` rows the ISO week `day` (a Monday) begins, `month` rows the month `day` (its 1st) begins. */
  grain: text('grain').$type<'day' | 'week' | 'month'>().notNull(),
  day: date('day', { mode: 'string' }).notNull(),
  elementId: text('element_id').notNull(),
  /** The ticket's queue, category and client category now; 0 and '' when it has none. */
  queueId: integer('queue_id').notNull(),
  category: text('category').notNull(),
  clientCategory: text('client_category').notNull(),
};
const summaryColumns = (t: {
  processId: AnyPgColumn;
  allTickets: AnyPgColumn;
  grain: AnyPgColumn;
  day: AnyPgColumn;
  elementId: AnyPgColumn;
  queueId: AnyPgColumn;
  category: AnyPgColumn;
  clientCategory: AnyPgColumn;
}) => [t.processId, t.allTickets, t.grain, t.day, t.elementId, t.queueId, t.category, t.clientCategory] as const;

/**
 * Per day, week and month × process × element × queue × category × client category (and the
 * same summed over every ticket): visits that began then, and the breaches and escalations
 * recorded then. Folded from process_stat_deltas (fold_process_stat_deltas); statistics of
 * long periods read these rows (a year: about a dozen months, a few weeks and days) instead of
 * every visit. The key leads with what a statistics query fixes: process, unfiltered or not,
 * grain and a range of days.
 */
export const processStatCounts = pgTable(
  'process_stat_counts',
  {
    ...summaryKey,
    visits: integer('visits').notNull().default(0),
    breaches: integer('breaches').notNull().default(0),
    escalations: integer('escalations').notNull().default(0),
  },
  (t) => [primaryKey({ name: 'process_stat_counts_pkey', columns: [...summaryColumns(t)] })],
);

/**
 * The durations of the ended visits that began on a day (week, month), as a histogram in
 * fixed log-scale buckets: bucket k holds durations in (γ^(k−1), γ^k] ms (γ = 1.02 / 0.98),
 * the zero bucket (−32768) durations of 0. Median and p90 read from it are within 2 % of the
 * exact ones (src/domain/duration-histogram.ts).
 */
export const processStatDurations = pgTable(
  'process_stat_durations',
  {
    ...summaryKey,
    bucket: smallint('bucket').notNull(),
    visits: integer('visits').notNull().default(0),
  },
  (t) => [primaryKey({ name: 'process_stat_durations_pkey', columns: [...summaryColumns(t), t.bucket] })],
);

/**
 * Changes to the summary, appended by the triggers that keep the visits (insert only: writers
 * never wait for each other on a summary row) and folded into the two tables above by
 * `fold_process_stat_deltas()`. Statistics add the rows not folded yet, so they are exact at
 * any moment. `bucket` null: `visits` counts visits begun and the flags; else `visits` counts
 * ended visits with a duration in that bucket.
 */
export const processStatDeltas = pgTable('process_stat_deltas', {
  day: date('day', { mode: 'string' }).notNull(),
  processId: text('process_id').notNull(),
  elementId: text('element_id').notNull(),
  queueId: integer('queue_id').notNull(),
  category: text('category').notNull(),
  clientCategory: text('client_category').notNull(),
  bucket: smallint('bucket'),
  visits: integer('visits').notNull().default(0),
  breaches: integer('breaches').notNull().default(0),
  escalations: integer('escalations').notNull().default(0),
});

/**
 * The secrets of the status links a ticket's notices carried (web/status.html), each kept only as
 * its SHA-256 (src/domain/client-link.ts): a new one per notice, all valid until the ticket closes.
 */
export const clientLinkTokens = pgTable(
  'client_link_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    ticketId: bigint('ticket_id', { mode: 'number' })
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('client_link_tokens_ticket_idx').on(t.ticketId)],
);

/**
 * The Idempotency-Key a filing of `POST /tickets` came with, bound to the ticket number taken for
 * it: the same key again (a client whose answer was lost) files nothing more and answers with that
 * ticket; with another request, 409. `key` is a hash of the key and who sent it (the filer's
 * contact, or the member of staff), so two clients' keys never meet; `requestHash` one of the request.
 */
export const intakeKeys = pgTable('intake_keys', {
  key: text('key').primaryKey(),
  requestHash: text('request_hash').notNull(),
  ticketId: bigint('ticket_id', { mode: 'number' }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
