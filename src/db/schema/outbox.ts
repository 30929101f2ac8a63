import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { SmsDelivery } from '../../domain/enums';
import type { NoticeTemplatePurpose } from '../../domain/notice-templates';
import type { NotificationChannel } from './clients';

/** `skipped`: not sent on purpose (an undeliverable address, a daily cap); the reason is in last_error. */
export const outboxStatuses = ['pending', 'sending', 'sent', 'skipped'] as const;
export type OutboxStatus = (typeof outboxStatuses)[number];

/**
 * Messages to clients and staff: one row per (ticket, purpose, channel), so a retried activity
 * sends each notice once on each channel (a Telegram notice and its e-mail fallback are two rows).
 */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    ticketId: bigint('ticket_id', { mode: 'number' }).notNull(),
    purpose: text('purpose').notNull(),
    channel: text('channel').$type<NotificationChannel>().notNull(),
    recipient: text('recipient').notNull(),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    /** The same Message-ID on every attempt lets a receiver drop a resend after a crash mid-send (e-mail). */
    messageId: text('message_id').notNull(),
    status: text('status').$type<OutboxStatus>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    /**
     * Skipped because its channel refused it for good (a blocked bot, a bounced address, an SMS
     * gateway's permanent error): the notice goes on by the client's next channel. A skip the
     * desk chose (consent, the daily cap) is not one, and holds the notice on every channel.
     */
    channelRefused: boolean('channel_refused').notNull().default(false),
    /** The provider's id of the message once it took it (an SMS gateway's), to follow its delivery. */
    providerId: text('provider_id'),
    /** Where the provider says the message is (SMS: its delivery callback or a poll of its status). */
    delivery: text('delivery').$type<SmsDelivery>(),
    deliveryAt: timestamp('delivery_at', { withTimezone: true }),
    /** While `sending`: until when the attempt that claimed it may still be sending it (sendOnce). */
    claimedUntil: timestamp('claimed_until', { withTimezone: true }),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('outbox_ticket_purpose_channel_key').on(t.ticketId, t.purpose, t.channel),
    // A delivery callback finds its message by the provider's id; the poll reads the ones still on their way.
    uniqueIndex('outbox_channel_provider_id_key').on(t.channel, t.providerId),
    index('outbox_delivery_pending_idx')
      .on(t.sentAt)
      .where(sql`${t.providerId} is not null and ${t.delivery} in ('queued', 'sent')`),
    // The sweep of copies reported undelivered, still to go on by the next channel (migration 0026).
    index('outbox_undelivered_idx')
      .on(t.deliveryAt)
      .where(sql`${t.status} = 'sent' and ${t.delivery} = 'failed'`),
  ],
);

/**
 * A client notice as a manager worded it (src/domain/notice-templates.ts); none: the desk's own
 * text. One row per purpose, replaced whole; its changes are in the staff audit log.
 */
export const noticeTemplates = pgTable('notice_templates', {
  purpose: text('purpose').$type<NoticeTemplatePurpose>().primaryKey(),
  subject: text('subject').notNull(),
  body: text('body').notNull(),
  updatedBy: text('updated_by').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
