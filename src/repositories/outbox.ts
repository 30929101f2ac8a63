import { and, eq, ne, sql } from 'drizzle-orm';
import type { Mailer } from '../channels/email';
import type { Database } from '../db/client';
import { outbox } from '../db/schema';

type Executor = Pick<Database, 'select' | 'insert' | 'update' | 'transaction'>;
type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

/** One message of a ticket; (ticket, purpose) is its identity in the outbox. */
export interface OutboxMessage {
  ticketId: number;
  purpose: string;
  recipient: string;
  subject: string;
  body: string;
  messageId: string;
}

/** A client's notice: the purpose's round after a dash, on the desk's public host. */
export const clientMessageId = (ticketId: number, purpose: string, host: string) =>
  `<ticket-${ticketId}.${purpose.replace(':', '-')}@${host}>`;

/** A staff notice: its purpose (with the recipient) made safe for a Message-ID. */
export const staffMessageId = (ticketId: number, purpose: string) =>
  `<ticket-${ticketId}.${purpose.replace(/[^\w.-]/g, '.')}@desk>`;

/**
 * Send once, for every notice: the message is put in the outbox once, claimed while not yet
 * sent, sent, then marked sent (with `onSent`'s writes in the same transaction). A retry after
 * it was sent sends nothing; only a crash between the SMTP server's acceptance and the mark can
 * resend it, with the same Message-ID.
 */
export async function sendOnce(
  db: Executor,
  mailer: Mailer,
  message: OutboxMessage,
  onSent?: (tx: Transaction) => Promise<void>,
): Promise<'sent' | 'already_sent'> {
  await db
    .insert(outbox)
    .values({ ...message, channel: 'email' })
    .onConflictDoNothing();
  const [claimed] = await db
    .update(outbox)
    .set({ status: 'sending', attempts: sql`${outbox.attempts} + 1` })
    .where(and(eq(outbox.ticketId, message.ticketId), eq(outbox.purpose, message.purpose), ne(outbox.status, 'sent')))
    .returning();
  if (!claimed) return 'already_sent';
  try {
    await mailer.send({
      to: claimed.recipient,
      subject: claimed.subject,
      text: claimed.body,
      messageId: claimed.messageId,
    });
  } catch (error) {
    await db
      .update(outbox)
      .set({ lastError: String(error) })
      .where(eq(outbox.id, claimed.id));
    throw error;
  }
  await db.transaction(async (tx) => {
    await tx
      .update(outbox)
      .set({ status: 'sent', sentAt: new Date(), lastError: null })
      .where(eq(outbox.id, claimed.id));
    await onSent?.(tx);
  });
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
    .values({ ...message, channel: 'email' })
    .onConflictDoNothing()
    .returning({ id: outbox.id });
  return inserted !== undefined;
}

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
