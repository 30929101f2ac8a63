import { and, asc, eq, gt, inArray, isNotNull, notInArray, sql } from 'drizzle-orm';
import type { OutgoingEmail } from '../channels/email';
import { whenDatabaseAnswers, type Database } from '../db/client';
import { outbox, type NotificationChannel } from '../db/schema';
import type { SmsDelivery } from '../domain/enums';
import { signedMessageId } from '../domain/mail-threading';
import { consentReasonToSkip } from '../domain/notice-consent';
import { notificationConsentsOfTicket } from './client-profiles';
import { isUndeliverable } from './inbound-mail';

type Executor = Pick<Database, 'select' | 'insert' | 'update' | 'transaction'>;
type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

/** One message of a ticket; (ticket, purpose, channel) is its identity in the outbox. */
export interface OutboxMessage {
  ticketId: number;
  purpose: string;
  /** `email` when not given. */
  channel?: NotificationChannel;
  /** An e-mail address, a Telegram chat id, or a phone number (E.164) for an SMS. */
  recipient: string;
  subject: string;
  body: string;
  messageId: string;
}

/** A client's notice, signed with the desk's threading secret: a reply to it threads to its ticket. */
export const clientMessageId = (ticketId: number, purpose: string, host: string, secret: string) =>
  signedMessageId(ticketId, purpose, host, secret);

/**
 * Automatic mail to one client address in 24 hours at most: a loop with another robot that the
 * guard did not recognise stops here, and a client is never flooded.
 */
export const AUTOMATIC_MAIL_PER_ADDRESS_PER_DAY = 10;

/**
 * How long a sent message's mark waits for the database: within the 60 s a channel activity has
 * (workflows/ticket/proxies.ts), leaving the send its time. PostgreSQL restarted after a crash
 * answers again in seconds.
 */
const MARK_SENT_PATIENCE_MS = 30_000;

/** `refused`: skipped because the channel will not carry it (a bounced address); the notice may go on another. */
export type SendOutcome = 'sent' | 'already_sent' | { skipped: string; refused?: true };

/** What a channel's provider gives back for a message it took: its id, to follow the delivery (SMS). */
export interface ProviderReceipt {
  providerId: string;
  delivery: SmsDelivery;
}

/**
 * What carries a message on its channel: the mailer (e-mail), the bot (telegram,
 * src/channels/telegram-notices.ts), the SMS gateway (sms, src/channels/sms-notices.ts).
 */
export interface OutboxTransport {
  /** `email` when not given (the mailer). */
  readonly channel?: NotificationChannel;
  send(message: OutgoingEmail, about: { ticketId: number; purpose: string }): Promise<void | ProviderReceipt>;
}

const channelOf = (message: Pick<OutboxMessage, 'channel'>): NotificationChannel => message.channel ?? 'email';
const identityOf = (message: Pick<OutboxMessage, 'ticketId' | 'purpose' | 'channel'>) =>
  and(
    eq(outbox.ticketId, message.ticketId),
    eq(outbox.purpose, message.purpose),
    eq(outbox.channel, channelOf(message)),
  );

/**
 * Why a message is not sent: its address bounced, (`consent`: a client's notice) its kind waits for
 * the client's consent to notifications and they withdrew it (src/domain/notice-consent.ts), or
 * (`capped`) it had its day's automatic mail.
 */
async function reasonToSkip(
  db: Executor,
  message: OutboxMessage,
  options: { capped?: boolean; consent?: boolean },
): Promise<{ reason: string; refused?: true } | null> {
  if (await isUndeliverable(db, message.recipient))
    return { reason: `${message.recipient} is undeliverable (it bounced)`, refused: true };
  if (options.consent) {
    const channel = message.channel ?? 'email';
    const withdrawn =
      channel === 'phone'
        ? null
        : consentReasonToSkip(message.purpose, await notificationConsentsOfTicket(db, message.ticketId), channel);
    // Withdrawn on this channel only: the notice goes on to the next, as from a channel that refused.
    if (withdrawn) return { reason: withdrawn.reason, ...(withdrawn.goesOn ? { refused: true as const } : {}) };
  }
  if (!options.capped) return null;
  const [row] = await db
    .select({ sent: sql<number>`count(*)::int` })
    .from(outbox)
    .where(
      and(
        sql`lower(${outbox.recipient}) = ${message.recipient.toLowerCase()}`,
        eq(outbox.status, 'sent'),
        gt(outbox.sentAt, sql`now() - interval '1 day'`),
      ),
    );
  return (row?.sent ?? 0) >= AUTOMATIC_MAIL_PER_ADDRESS_PER_DAY
    ? {
        reason: `${message.recipient} had ${AUTOMATIC_MAIL_PER_ADDRESS_PER_DAY} automatic messages in the last 24 hours`,
      }
    : null;
}

/** A staff notice: its purpose (with the recipient) made safe for a Message-ID. */
export const staffMessageId = (ticketId: number, purpose: string) =>
  `<ticket-${ticketId}.${purpose.replace(/[^\w.-]/g, '.')}@desk>`;

/**
 * How long one attempt holds a message it claimed: longer than a channel activity's 60 s
 * (workflows/ticket/proxies.ts), which bounds the send (the mailer's timeouts, src/channels/email.ts)
 * and the mark's wait. An attempt Temporal gave up on may still be sending: the retry waits
 * for the hold to end instead of sending the same message beside it. A worker that died
 * mid-send delays its message by the rest of the hold.
 */
export const SEND_CLAIM_HOLD_MS = 90_000;

/** Another attempt holds the message (it may be sending it now); retryable: the activity tries again later. */
export class MessageBeingSent extends Error {
  constructor(readonly until: Date) {
    super(`an earlier attempt may be sending this message until ${until.toISOString()}; trying again after that`);
    this.name = 'MessageBeingSent';
  }
}

/**
 * Send once, for every notice: the message is put in the outbox once, claimed while not yet
 * sent (and not held by another attempt, SEND_CLAIM_HOLD_MS), sent, then marked sent (with
 * `onSent`'s writes in the same transaction). A retry after it was sent sends nothing; a failed
 * send lets it go at once; the mark waits for a database that is away (up to 30 s), so only a
 * crash between the server's acceptance and the mark, or a longer outage, can resend it, with
 * the same Message-ID (e-mail; an SMS gateway keeps no such id, so an SMS is sent again). The
 * provider's id of what it took (SMS) is kept with the mark. An undeliverable address (`refused`),
 * (`consent`: a client's notice) a notice the client withdrew their consent to, or (`capped`: a
 * client's automatic notice) one over its daily cap, is skipped and the reason kept on the message.
 */
export async function sendOnce(
  db: Executor,
  transport: OutboxTransport,
  message: OutboxMessage,
  onSent?: (tx: Transaction) => Promise<void>,
  options: { capped?: boolean; consent?: boolean } = {},
): Promise<SendOutcome> {
  const channel = transport.channel ?? 'email';
  await db
    .insert(outbox)
    .values({ ...message, channel })
    .onConflictDoNothing();
  const thisMessage = identityOf({ ...message, channel });
  const [claimed] = await db
    .update(outbox)
    .set({
      status: 'sending',
      attempts: sql`${outbox.attempts} + 1`,
      claimedUntil: sql`now() + ${`${SEND_CLAIM_HOLD_MS} milliseconds`}::interval`,
    })
    .where(
      and(
        thisMessage,
        notInArray(outbox.status, ['sent', 'skipped']),
        sql`(${outbox.status} <> 'sending' or ${outbox.claimedUntil} is null or ${outbox.claimedUntil} < now())`,
      ),
    )
    .returning();
  if (!claimed) {
    const [done] = await db.select().from(outbox).where(thisMessage);
    if (done?.status === 'sending') throw new MessageBeingSent(done.claimedUntil!);
    if (done?.status !== 'skipped') return 'already_sent';
    return { skipped: done.lastError ?? 'skipped', ...(done.channelRefused ? { refused: true as const } : {}) };
  }
  const skip = await reasonToSkip(db, claimed, options);
  if (skip) {
    await db
      .update(outbox)
      .set({ status: 'skipped', lastError: skip.reason, channelRefused: skip.refused ?? false, claimedUntil: null })
      .where(eq(outbox.id, claimed.id));
    return { skipped: skip.reason, ...(skip.refused ? { refused: true as const } : {}) };
  }
  let receipt: void | ProviderReceipt;
  try {
    receipt = await transport.send(
      { to: claimed.recipient, subject: claimed.subject, text: claimed.body, messageId: claimed.messageId },
      { ticketId: claimed.ticketId, purpose: claimed.purpose },
    );
  } catch (error) {
    // Not sent: the next attempt need not wait for the hold.
    await db
      .update(outbox)
      .set({ status: 'pending', lastError: String(error), claimedUntil: null })
      .where(eq(outbox.id, claimed.id));
    throw error;
  }
  // Sent: a failed mark now would have the retry send it again, so the mark waits out a database away for a while.
  await whenDatabaseAnswers(
    () =>
      db.transaction(async (tx) => {
        await tx
          .update(outbox)
          .set({
            status: 'sent',
            sentAt: new Date(),
            lastError: null,
            claimedUntil: null,
            ...(receipt ? { providerId: receipt.providerId, delivery: receipt.delivery, deliveryAt: new Date() } : {}),
          })
          .where(eq(outbox.id, claimed.id));
        await onSent?.(tx);
      }),
    MARK_SENT_PATIENCE_MS,
  );
  return 'sent';
}

/**
 * Puts a message in the outbox unless its (ticket, purpose) is there already, and gives the one
 * stored: a retry sends what the first attempt built (a notice that carries a new secret is
 * built, and its secret issued, in one transaction).
 */
export async function enqueueOnce(db: Pick<Database, 'insert' | 'select'>, message: OutboxMessage) {
  const [inserted] = await db
    .insert(outbox)
    .values({ ...message, channel: channelOf(message) })
    .onConflictDoNothing()
    .returning({ id: outbox.id });
  return inserted !== undefined;
}

/** The message stored for (ticket, purpose, channel), if any. */
export async function storedMessage(
  db: Pick<Database, 'select'>,
  message: Pick<OutboxMessage, 'ticketId' | 'purpose' | 'channel'>,
) {
  const [row] = await db.select().from(outbox).where(identityOf(message));
  return row;
}

/**
 * A message its channel refused for good (a blocked bot, an SMS gateway's permanent error): kept
 * with the reason, never tried again; the notice goes on by the client's next channel.
 */
export async function markRefused(
  db: Pick<Database, 'update'>,
  message: Pick<OutboxMessage, 'ticketId' | 'purpose' | 'channel'>,
  reason: string,
) {
  await db
    .update(outbox)
    .set({ status: 'skipped', lastError: reason, channelRefused: true, claimedUntil: null })
    .where(identityOf(message));
}

/** Every channel's copy of one notice of a ticket. */
export const copiesOfNotice = (db: Pick<Database, 'select'>, ticketId: number, purpose: string) =>
  db
    .select()
    .from(outbox)
    .where(and(eq(outbox.ticketId, ticketId), eq(outbox.purpose, purpose)))
    .orderBy(asc(outbox.id));

/**
 * What the provider says of a message it took (a delivery callback, a poll): kept on the message.
 * A report that comes late never takes a status back: `delivered` and `failed` stay, `sent` does
 * not return to `queued` (callbacks come out of order). The same status again is kept (its
 * delivery_at moves on: the poll takes the longest unasked first).
 * Answers the message's ticket and purpose, or null when the desk sent no such message or the
 * report would take its status back.
 */
export async function recordDelivery(
  db: Pick<Database, 'update'>,
  channel: NotificationChannel,
  providerId: string,
  delivery: SmsDelivery,
) {
  const [row] = await db
    .update(outbox)
    .set({ delivery, deliveryAt: new Date() })
    .where(
      and(
        eq(outbox.channel, channel),
        eq(outbox.providerId, providerId),
        sql`(${outbox.delivery} is null or ${outbox.delivery} = 'queued' or (${outbox.delivery} = 'sent' and ${delivery} <> 'queued'))`,
      ),
    )
    .returning({ ticketId: outbox.ticketId, purpose: outbox.purpose, delivery: outbox.delivery });
  return row ?? null;
}

/**
 * An e-mail the desk sent that came back (a bounce naming its Message-ID): reported undelivered
 * (`delivery = failed`), once. Answers its ticket and purpose, or null when the desk sent no such
 * e-mail or it was reported already.
 */
export async function recordBounced(db: Pick<Database, 'update'>, messageId: string) {
  const [row] = await db
    .update(outbox)
    .set({ delivery: 'failed', deliveryAt: new Date() })
    .where(
      and(
        eq(outbox.channel, 'email'),
        eq(outbox.messageId, messageId),
        eq(outbox.status, 'sent'),
        sql`${outbox.delivery} is distinct from 'failed'`,
      ),
    )
    .returning({ ticketId: outbox.ticketId, purpose: outbox.purpose });
  return row ?? null;
}

/**
 * Copies sent that their provider reported undelivered (`failed`: an SMS the gateway gave up on, an
 * e-mail that bounced) within `withinMs`, whose notice has no other copy sent and not reported
 * undelivered: the notices still to go on down the client's channels.
 */
export const undeliveredNotices = (db: Pick<Database, 'select'>, withinMs: number, limit = 100) =>
  db
    .select({ ticketId: outbox.ticketId, purpose: outbox.purpose })
    .from(outbox)
    .where(
      and(
        eq(outbox.status, 'sent'),
        eq(outbox.delivery, 'failed'),
        gt(outbox.deliveryAt, sql`now() - ${`${withinMs} milliseconds`}::interval`),
        sql`not exists (select 1 from ${outbox} other
              where other.ticket_id = ${outbox.ticketId} and other.purpose = ${outbox.purpose}
                and other.id <> ${outbox.id} and other.status = 'sent' and other.delivery is distinct from 'failed')`,
      ),
    )
    .orderBy(asc(outbox.deliveryAt))
    .limit(limit);

/** Messages of a channel its provider took and has not reported delivered or failed, sent within `withinMs`. */
export const messagesOnTheirWay = (
  db: Pick<Database, 'select'>,
  channel: NotificationChannel,
  withinMs: number,
  limit = 100,
) =>
  db
    .select({ id: outbox.id, providerId: outbox.providerId, ticketId: outbox.ticketId, purpose: outbox.purpose })
    .from(outbox)
    .where(
      and(
        eq(outbox.channel, channel),
        isNotNull(outbox.providerId),
        inArray(outbox.delivery, ['queued', 'sent']),
        gt(outbox.sentAt, sql`now() - ${`${withinMs} milliseconds`}::interval`),
      ),
    )
    .orderBy(asc(outbox.deliveryAt))
    .limit(limit);

/** Once a notice is sent, the link secrets in its stored copy are of no use to anyone: blanked. */
export async function redactLinkTokens(db: Pick<Database, 'update'>, ticketId: number, purpose: string) {
  await db
    .update(outbox)
    .set({ body: sql`regexp_replace(${outbox.body}, ${'([#?&]token=)[A-Za-z0-9_-]+'}, ${'\\1[redacted]'}, 'g')` })
    .where(and(eq(outbox.ticketId, ticketId), eq(outbox.purpose, purpose)));
}

/** What follows `<prefix>:` in the purposes of a ticket's messages already sent. */
export async function sentPurposesUnder(db: Pick<Database, 'select'>, ticketId: number, prefix: string) {
  const [row] = await db
    .select({ purposes: sql<string[]>`coalesce(array_agg(${outbox.purpose}), '{}')` })
    .from(outbox)
    .where(and(eq(outbox.ticketId, ticketId), sql`${outbox.purpose} like ${`${prefix}:%`}`, eq(outbox.status, 'sent')));
  return (row?.purposes ?? []).map((purpose) => purpose.slice(prefix.length + 1));
}
