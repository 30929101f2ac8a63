import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { ArticleDirection, IntakeChannel } from '../../domain/enums';
import { tickets } from './tickets';

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });

export { articleDirections, type ArticleDirection } from '../../domain/enums';

/** A file that came with an article: its content stays in the raw message it was parsed from. */
export interface ArticleAttachment {
  /** Sanitised: no directories, no control characters (src/domain/mail-text.ts). */
  filename: string;
  contentType: string;
  size: number;
}

/**
 * What was said on a ticket, on any channel: the client's messages in, the desk's out. Every
 * channel writes through one path (src/services/article-service.ts); `dedupeKey` (the e-mail's
 * Message-ID, a Telegram update id, …) keeps a redelivered message one article.
 */
export const ticketArticles = pgTable(
  'ticket_articles',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    ticketId: bigint('ticket_id', { mode: 'number' })
      .notNull()
      .references(() => tickets.id),
    channel: text('channel').$type<IntakeChannel>().notNull(),
    direction: text('direction').$type<ArticleDirection>().notNull(),
    /** The address, number or chat it came from (in) or went to (out). */
    sender: text('sender').notNull(),
    subject: text('subject'),
    body: text('body').notNull(),
    /** Internal articles (auto-replies, bounces) are shown to staff only, never sent on. */
    public: boolean('public').notNull().default(true),
    /** An auto-reply, a bounce or a list message: stored, never answered, never reopening. */
    automatic: text('automatic'),
    /** The channel's own ids of the message (e-mail: its Message-ID), for threading replies. */
    messageId: text('message_id'),
    attachments: jsonb('attachments')
      .$type<ArticleAttachment[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    /** The raw message it was parsed from, when the channel keeps one. */
    inboundMessageId: bigint('inbound_message_id', { mode: 'number' }).references(() => inboundMessages.id),
    dedupeKey: text('dedupe_key').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('ticket_articles_dedupe_key').on(t.channel, t.dedupeKey),
    index('ticket_articles_ticket_idx').on(t.ticketId, t.createdAt, t.id),
    index('ticket_articles_message_id_idx')
      .on(t.messageId)
      .where(sql`${t.messageId} is not null`),
  ],
);

export const inboundStatuses = ['received', 'attached', 'ignored', 'failed'] as const;
export type InboundStatus = (typeof inboundStatuses)[number];

/**
 * Every message as it arrived, stored before the sender is told 250 (never a workflow payload):
 * parsing and threading read it from here, and a failure leaves it `failed` to be processed again.
 */
export const inboundMessages = pgTable(
  'inbound_messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    channel: text('channel').$type<IntakeChannel>().notNull(),
    /** SHA-256 of the raw bytes: the same message delivered twice is stored once. */
    sha256: text('sha256').notNull(),
    envelopeFrom: text('envelope_from'),
    envelopeTo: jsonb('envelope_to').$type<string[]>().notNull(),
    raw: bytea('raw').notNull(),
    size: integer('size').notNull(),
    status: text('status').$type<InboundStatus>().notNull().default('received'),
    /** Why it was ignored or failed; the ticket it was attached to. */
    note: text('note'),
    ticketId: bigint('ticket_id', { mode: 'number' }),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp('processed_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('inbound_messages_sha256_key').on(t.channel, t.sha256),
    index('inbound_messages_pending_idx')
      .on(t.id)
      .where(sql`${t.status} in ('received', 'failed')`),
  ],
);

/** Addresses a bounce (DSN 5.x.x) said cannot be delivered to: notices skip them. */
export const undeliverableAddresses = pgTable('undeliverable_addresses', {
  address: text('address').primaryKey(),
  status: text('status').notNull(),
  diagnostic: text('diagnostic'),
  inboundMessageId: bigint('inbound_message_id', { mode: 'number' }).references(() => inboundMessages.id),
  at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
});

/** Secrets the desk makes for itself at its first start (the HMAC key of threading tokens). */
export const deskSecrets = pgTable('desk_secrets', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
