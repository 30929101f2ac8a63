import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  serial,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { CategoryModel } from '../../domain/category-model';
import type { RuleCondition, RuleKind, RuleOutcome } from '../../domain/rules';
import { timestamps } from './columns';

/** Classification rules, applied in `position` order (see domain/rules.ts). */
export const classificationRules = pgTable(
  'classification_rules',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    position: integer('position').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    /** authoritative: always wins; evidence: its category is weight for the model (domain/rules.ts). */
    kind: text('kind').$type<RuleKind>().notNull().default('authoritative'),
    condition: jsonb('condition').$type<RuleCondition>().notNull(),
    outcome: jsonb('outcome').$type<RuleOutcome>().notNull(),
    ...timestamps,
  },
  (t) => [check('classification_rules_kind', sql`${t.kind} in ('authoritative', 'evidence')`)],
);

/** Operators' verdicts on a ticket's category: what the category model learns from. One per ticket, the latest wins. */
export const categoryFeedback = pgTable('category_feedback', {
  ticketId: bigint('ticket_id', { mode: 'number' }).primaryKey(),
  category: text('category').notNull(),
  /** The category the desk had given; equal to `category` when the operator confirmed it. */
  givenCategory: text('given_category'),
  operatorId: text('operator_id').notNull(),
  at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Labelled texts the category model starts from (data/tickets-labelled.jsonl at first start, see
 * STARTING_CORPUS), learnt from beside operators' verdicts, so a new desk is not left with rules alone.
 */
export const categoryCorpus = pgTable(
  'category_corpus',
  {
    id: serial('id').primaryKey(),
    text: text('text').notNull(),
    category: text('category').notNull(),
    /** Where the text came from: the file's name. */
    source: text('source').notNull(),
    addedAt: timestamp('added_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // By a hash: a long text would not fit a btree entry.
  (t) => [uniqueIndex('category_corpus_text_idx').on(sql`md5(${t.text})`)],
);

/** Trained category models; the newest row is the one in use. */
export const categoryModels = pgTable('category_models', {
  id: serial('id').primaryKey(),
  model: jsonb('model').$type<CategoryModel>().notNull(),
  trainingTickets: integer('training_tickets').notNull(),
  /** What it learnt from (number of verdicts and the newest one): a retried training stores one row. */
  trainedOn: text('trained_on').notNull().unique(),
  trainedAt: timestamp('trained_at', { withTimezone: true }).notNull().defaultNow(),
});

/** withdrawn: the ticket left the queue another way (accepted by someone else, transferred) while on offer. */
export const offerOutcomes = ['offered', 'accepted', 'skipped', 'expired', 'withdrawn'] as const;
export type OfferOutcome = (typeof offerOutcomes)[number];

/** Every offer `POST /queues/:id/next` made, and what became of it (skip reasons included). */
export const ticketOffers = pgTable(
  'ticket_offers',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    ticketId: bigint('ticket_id', { mode: 'number' }).notNull(),
    queueId: integer('queue_id').notNull(),
    operatorId: text('operator_id').notNull(),
    offeredAt: timestamp('offered_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    outcome: text('outcome').$type<OfferOutcome>().notNull().default('offered'),
    reason: text('reason'),
    closedAt: timestamp('closed_at', { withTimezone: true }),
  },
  (t) => [
    index('ticket_offers_ticket_idx').on(t.ticketId, t.operatorId),
    index('ticket_offers_open_idx').on(t.operatorId, t.outcome),
  ],
);

/**
 * One row whose `version` moves whenever the data a new ticket is routed with changes: rules,
 * category models, catalog services, queues, operator groups, SLA agreements, calendars.
 * Statement triggers on those tables bump it (migration 0005), whoever writes, so a worker
 * keeps that data in memory and reads only this row per ticket, inside the intake's transaction.
 */
export const referenceDataVersion = pgTable(
  'reference_data_version',
  {
    id: smallint('id').primaryKey().default(1),
    version: bigint('version', { mode: 'number' }).notNull().default(0),
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('reference_data_version_one_row', sql`${t.id} = 1`)],
);
