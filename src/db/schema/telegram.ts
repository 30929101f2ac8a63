import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { clients } from './clients';

export const telegramUpdateStatuses = ['received', 'processed', 'ignored', 'waiting', 'asked', 'failed'] as const;
/**
 * `waiting`: a message from a chat not linked to a client yet, kept until the chat shares its phone
 * number; `asked`: a message from a chat with open tickets, kept until the client says which one it is for.
 */
export type TelegramUpdateStatus = (typeof telegramUpdateStatuses)[number];

/**
 * Every update the bot received (webhook or getUpdates), stored before it is answered or
 * confirmed and never as a workflow payload: processing reads it from here. `update_id` (per bot) keeps
 * a redelivered update one row; a body that is not an update at all is kept too (no update_id,
 * status `ignored`), so nothing sent to the bot is lost.
 */
export const telegramUpdates = pgTable(
  'telegram_updates',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** The bot's numeric id (the token's first part): update ids count per bot, and a desk may change its bot. */
    botId: text('bot_id').notNull(),
    updateId: bigint('update_id', { mode: 'number' }),
    /** The body as it arrived. */
    raw: text('raw').notNull(),
    chatId: bigint('chat_id', { mode: 'number' }),
    status: text('status').$type<TelegramUpdateStatus>().notNull().default('received'),
    note: text('note'),
    ticketId: bigint('ticket_id', { mode: 'number' }),
    attempts: integer('attempts').notNull().default(0),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp('processed_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('telegram_updates_update_id_key').on(t.botId, t.updateId),
    index('telegram_updates_pending_idx')
      .on(t.id)
      .where(sql`${t.status} in ('received', 'failed')`),
    index('telegram_updates_chat_idx').on(t.chatId, t.status),
  ],
);

/**
 * A client's contact of kind telegram: the private chat with the bot, linked to the client's
 * profile by the phone number the chat shared (its own contact, `request_contact`). Notices of
 * tickets that came by Telegram go to it; `blocked_at` is set when the bot may no longer write
 * (403: the user blocked it), and notices then fall back to e-mail.
 */
export const telegramChats = pgTable(
  'telegram_chats',
  {
    chatId: bigint('chat_id', { mode: 'number' }).primaryKey(),
    clientId: integer('client_id').references(() => clients.id),
    /** E.164, as shared by the chat's own user. */
    phone: text('phone'),
    userId: bigint('user_id', { mode: 'number' }),
    username: text('username'),
    firstName: text('first_name'),
    languageCode: text('language_code'),
    linkedAt: timestamp('linked_at', { withTimezone: true }),
    blockedAt: timestamp('blocked_at', { withTimezone: true }),
    blockedReason: text('blocked_reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('telegram_chats_client_idx').on(t.clientId)],
);
