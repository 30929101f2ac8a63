import { and, desc, eq, gt, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import {
  clients,
  outbox,
  telegramChats,
  telegramUpdates,
  tickets,
  type NotificationChannel,
  type TelegramUpdateStatus,
} from '../db/schema';
import type { TelegramUser } from '../domain/telegram';
import { clientByContact, lockContactValue } from './clients';

type Reader = Pick<Database, 'select'>;
export type StoredUpdate = typeof telegramUpdates.$inferSelect;
export type TelegramChat = typeof telegramChats.$inferSelect;

/**
 * Stores an update as it arrived, once per `update_id`: a redelivery returns the row stored
 * first (`created: false`). A body with no update_id is kept too, `ignored` at once: nothing is
 * lost, and nothing reads it again.
 */
export async function storeUpdate(
  db: Database,
  update: { botId: string; updateId: number | null; raw: string; chatId: number | null },
): Promise<{ id: number; created: boolean }> {
  const values = {
    ...update,
    ...(update.updateId === null && { status: 'ignored' as const, note: 'not a Telegram update (no update_id)' }),
  };
  const [inserted] = await db
    .insert(telegramUpdates)
    .values(values)
    .onConflictDoNothing()
    .returning({ id: telegramUpdates.id });
  if (inserted) return { id: inserted.id, created: true };
  const [stored] = await db
    .select({ id: telegramUpdates.id })
    .from(telegramUpdates)
    .where(and(eq(telegramUpdates.botId, update.botId), eq(telegramUpdates.updateId, update.updateId!)));
  return { id: stored!.id, created: false };
}

export async function loadUpdate(db: Reader, id: number): Promise<StoredUpdate | undefined> {
  const [row] = await db.select().from(telegramUpdates).where(eq(telegramUpdates.id, id));
  return row;
}

/**
 * Updates stored and not processed yet, or whose processing failed (fewer than `maxAttempts`
 * times), after the row `afterId`: oldest first.
 */
export async function pendingUpdateIds(db: Reader, maxAttempts: number, afterId = 0, limit = 100): Promise<number[]> {
  const rows = await db
    .select({ id: telegramUpdates.id })
    .from(telegramUpdates)
    .where(
      and(
        inArray(telegramUpdates.status, ['received', 'failed']),
        sql`${telegramUpdates.attempts} < ${maxAttempts}`,
        gt(telegramUpdates.id, afterId),
      ),
    )
    .orderBy(telegramUpdates.id)
    .limit(limit);
  return rows.map((row) => row.id);
}

/** The update's outcome; a failure counts an attempt (an update that keeps failing is left `failed`). */
export async function markUpdate(
  db: Pick<Database, 'update'>,
  id: number,
  outcome: { status: TelegramUpdateStatus; note?: string | null; ticketId?: number | null },
) {
  await db
    .update(telegramUpdates)
    .set({
      status: outcome.status,
      note: outcome.note?.slice(0, 1000) ?? null,
      ...(outcome.ticketId != null && { ticketId: outcome.ticketId }),
      ...(outcome.status === 'failed' && { attempts: sql`${telegramUpdates.attempts} + 1` }),
      processedAt: new Date(),
    })
    .where(eq(telegramUpdates.id, id));
}

/** The ticket an update's message became, kept before anything else is done with it (a crash then registers nothing twice). */
export async function noteUpdateTicket(db: Pick<Database, 'update'>, id: number, ticketId: number) {
  await db.update(telegramUpdates).set({ ticketId }).where(eq(telegramUpdates.id, id));
}

/**
 * Accepted notices to chats (or, `channel`, by SMS) not sent yet (the send failed, or the process
 * stopped): the oldest first. Only those: the acceptance does not wait on its notice, while the other notices' senders
 * retry their own (and two senders of one row could both send it).
 */
export async function unsentAcceptedNotices(
  db: Reader,
  olderThanMs: number,
  limit = 50,
  channel: NotificationChannel = 'telegram',
) {
  return db
    .select()
    .from(outbox)
    .where(
      and(
        eq(outbox.channel, channel),
        sql`${outbox.purpose} like 'accepted%'`,
        inArray(outbox.status, ['pending', 'sending']),
        sql`${outbox.createdAt} < now() - make_interval(secs => ${olderThanMs / 1000})`,
        // A notice another channel carried meanwhile is sent: its copy left waiting here is not.
        sql`not exists (select 1 from outbox sent where sent.ticket_id = ${outbox.ticketId}
          and sent.purpose = ${outbox.purpose} and sent.status = 'sent')`,
      ),
    )
    .orderBy(outbox.id)
    .limit(limit);
}

/** A message of a chat that had no client yet is processed again once the chat is linked. */
export async function requeueWaitingUpdates(db: Pick<Database, 'update'>, chatId: number) {
  await db
    .update(telegramUpdates)
    .set({ status: 'received', note: null })
    .where(and(eq(telegramUpdates.chatId, chatId), eq(telegramUpdates.status, 'waiting')));
}

/** getUpdates' offset: one past the newest update stored, so a restart confirms nothing it did not keep. */
export async function nextUpdateOffset(db: Reader, botId: string): Promise<number | undefined> {
  const [row] = await db
    .select({ newest: sql<string | null>`max(${telegramUpdates.updateId})` })
    .from(telegramUpdates)
    .where(and(eq(telegramUpdates.botId, botId), isNotNull(telegramUpdates.updateId)));
  return row?.newest == null ? undefined : Number(row.newest) + 1;
}

export async function chatById(db: Reader, chatId: number): Promise<TelegramChat | undefined> {
  const [row] = await db.select().from(telegramChats).where(eq(telegramChats.chatId, chatId));
  return row;
}

/**
 * The chat as last seen: its user's name and language are kept fresh, its link stays. A chat that
 * writes has unblocked the bot (Telegram lets no one write to a bot they block): notices go to it again.
 */
export async function rememberChat(db: Database, chatId: number, from: TelegramUser): Promise<TelegramChat> {
  const seen = {
    userId: from.id,
    username: from.username,
    firstName: from.firstName,
    languageCode: from.languageCode,
    blockedAt: null,
    blockedReason: null,
  };
  const [row] = await db
    .insert(telegramChats)
    .values({ chatId, ...seen })
    .onConflictDoUpdate({ target: telegramChats.chatId, set: seen })
    .returning();
  return row!;
}

/**
 * Links the chat to the client with this phone (created if new): the client's contact of kind
 * telegram. Writing to the chat again clears an earlier block.
 */
export async function linkChatToPhone(db: Database, chatId: number, phone: string, name: string | null) {
  return db.transaction(async (tx) => {
    const byPhone = () => clientByContact(tx, { phone, email: null });
    let client = await byPhone();
    if (!client) {
      await lockContactValue(tx, 'phone', phone);
      client = await byPhone();
      if (!client) await tx.insert(clients).values({ phone, name }).onConflictDoNothing();
      client ??= await byPhone();
    }
    await tx
      .update(telegramChats)
      .set({ clientId: client!.id, phone, linkedAt: new Date(), blockedAt: null, blockedReason: null })
      .where(eq(telegramChats.chatId, chatId));
    return client!.id;
  });
}

export async function markChatBlocked(db: Pick<Database, 'update'>, chatId: number, reason: string) {
  await db
    .update(telegramChats)
    .set({ blockedAt: new Date(), blockedReason: reason.slice(0, 500) })
    .where(eq(telegramChats.chatId, chatId));
}

/**
 * The chat a client's notices may go to: the most recently linked one the bot may still write to;
 * when every linked chat blocked the bot, the newest of those (to say why it is passed over).
 */
export async function noticeChatOfClient(
  db: Reader,
  clientId: number,
): Promise<{ chatId: string } | { blockedChatId: string } | null> {
  const [row] = await db
    .select({ chatId: telegramChats.chatId, blockedAt: telegramChats.blockedAt })
    .from(telegramChats)
    .where(eq(telegramChats.clientId, clientId))
    .orderBy(sql`${telegramChats.blockedAt} is not null`, desc(telegramChats.linkedAt))
    .limit(1);
  if (!row) return null;
  return row.blockedAt ? { blockedChatId: String(row.chatId) } : { chatId: String(row.chatId) };
}

/** The ticket, if it is this client's: what /status may tell and a rating button may answer. */
export async function ticketOfClient(db: Reader, ticketId: number, clientId: number) {
  const [row] = await db
    .select({ id: tickets.id, stage: tickets.stage, dueAt: tickets.resolutionDueAt, subject: tickets.subject })
    .from(tickets)
    .where(and(eq(tickets.id, ticketId), eq(tickets.clientId, clientId)));
  return row;
}

/**
 * Holds the one-consumer lock of a bot's getUpdates on a connection of its own (a session
 * advisory lock: a crash or a lost connection frees it, and another desk process takes over).
 * Answers null while another process holds it.
 */
export async function tryPollerLock(db: Database, botId: string) {
  const connection = await db.$client.reserve();
  try {
    const [row] = await connection<{ locked: boolean }[]>`
      select pg_try_advisory_lock(hashtext('telegram-poller'), hashtext(${botId})) as locked`;
    if (!row?.locked) {
      connection.release();
      return null;
    }
  } catch (error) {
    connection.release();
    throw error;
  }
  return {
    /** Throws when the lock's connection is gone (and the lock with it). */
    async check() {
      await connection`select 1`;
    },
    async release() {
      await connection`select pg_advisory_unlock(hashtext('telegram-poller'), hashtext(${botId}))`.catch(() => {});
      connection.release();
    },
  };
}
