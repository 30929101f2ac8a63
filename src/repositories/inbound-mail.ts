import { randomBytes } from 'node:crypto';
import { and, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { deskSecrets, inboundMessages, ticketArticles, undeliverableAddresses, type InboundStatus } from '../db/schema';
import type { IntakeChannel } from '../domain/enums';
import type { FailedRecipient } from '../domain/mail-guard';

export type InboundMessage = typeof inboundMessages.$inferSelect;

/**
 * Stores a message as it arrived, once per (channel, SHA-256 of its bytes): a redelivery of the
 * same bytes returns the row stored first (`created: false`).
 */
export async function storeInbound(
  db: Database,
  message: { channel: IntakeChannel; sha256: string; raw: Buffer; envelopeFrom: string | null; envelopeTo: string[] },
): Promise<{ id: number; created: boolean }> {
  const [inserted] = await db
    .insert(inboundMessages)
    .values({ ...message, size: message.raw.length })
    .onConflictDoNothing()
    .returning({ id: inboundMessages.id });
  if (inserted) return { id: inserted.id, created: true };
  const [stored] = await db
    .select({ id: inboundMessages.id })
    .from(inboundMessages)
    .where(and(eq(inboundMessages.channel, message.channel), eq(inboundMessages.sha256, message.sha256)));
  return { id: stored!.id, created: false };
}

export async function loadInbound(db: Database, id: number): Promise<InboundMessage | undefined> {
  const [row] = await db.select().from(inboundMessages).where(eq(inboundMessages.id, id));
  return row;
}

/** Messages stored but not yet processed, or whose processing failed, after `afterId`: oldest first. */
export async function pendingInboundIds(
  db: Database,
  channel: IntakeChannel,
  afterId = 0,
  limit = 100,
): Promise<number[]> {
  const rows = await db
    .select({ id: inboundMessages.id })
    .from(inboundMessages)
    .where(
      and(
        eq(inboundMessages.channel, channel),
        inArray(inboundMessages.status, ['received', 'failed']),
        gt(inboundMessages.id, afterId),
      ),
    )
    .orderBy(inboundMessages.id)
    .limit(limit);
  return rows.map((row) => row.id);
}

export async function markInbound(
  db: Database,
  id: number,
  outcome: { status: InboundStatus; note?: string | null; ticketId?: number },
) {
  await db
    .update(inboundMessages)
    .set({
      status: outcome.status,
      note: outcome.note ?? null,
      ticketId: outcome.ticketId ?? null,
      processedAt: new Date(),
    })
    .where(eq(inboundMessages.id, id));
}

/** The latest bounce of an address wins: its status and diagnostic are what a manager sees. */
export async function markUndeliverable(db: Database, failed: FailedRecipient, inboundMessageId: number) {
  const values = { status: failed.status, diagnostic: failed.diagnostic, inboundMessageId, at: new Date() };
  await db
    .insert(undeliverableAddresses)
    .values({ address: failed.address.toLowerCase(), ...values })
    .onConflictDoUpdate({ target: undeliverableAddresses.address, set: values });
}

export async function isUndeliverable(db: Pick<Database, 'select'>, address: string): Promise<boolean> {
  const [row] = await db
    .select({ address: undeliverableAddresses.address })
    .from(undeliverableAddresses)
    .where(eq(undeliverableAddresses.address, address.toLowerCase()));
  return row !== undefined;
}

/** The threading key's name in desk_secrets: signs our Message-IDs and plus-addresses. */
export const THREADING_SECRET = 'mail-threading';

/** The threading secret, read once per process (again after a failed read). */
export function threadingSecretOf(db: Database): () => Promise<string> {
  let cached: Promise<string> | undefined;
  return () =>
    (cached ??= deskSecret(db, THREADING_SECRET).catch((error: unknown) => {
      cached = undefined;
      throw error;
    }));
}

/** The desk's secret of this name, made at first use; every process reads the same one. */
export async function deskSecret(db: Database, name: string): Promise<string> {
  await db
    .insert(deskSecrets)
    .values({ name, value: randomBytes(32).toString('base64url') })
    .onConflictDoNothing();
  const [row] = await db.select({ value: deskSecrets.value }).from(deskSecrets).where(eq(deskSecrets.name, name));
  return row!.value;
}

/** The ticket an e-mail with this dedupe key is an article of already (a redelivery with other bytes). */
export async function ticketOfEmailArticle(db: Database, dedupeKey: string): Promise<number | null> {
  const [row] = await db
    .select({ ticketId: ticketArticles.ticketId })
    .from(ticketArticles)
    .where(and(eq(ticketArticles.channel, 'email'), eq(ticketArticles.dedupeKey, dedupeKey)));
  return row?.ticketId ?? null;
}

/**
 * Runs `work` holding a lock on the message's dedupe key (a transaction-level advisory lock, so
 * every desk process shares it and a crash releases it); the work itself writes outside it.
 */
export function underMessageLock<T>(db: Database, dedupeKey: string, work: () => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('inbound-mail'), hashtext(${dedupeKey}))`);
    return work();
  });
}
