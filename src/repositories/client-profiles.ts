import { and, asc, desc, eq, ilike, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import {
  calls,
  clientAuditLog,
  clientConsents,
  clientContacts,
  clientDevices,
  clients,
  telegramChats,
  tickets,
  type ConsentKind,
} from '../db/schema';
import type { ContactKind } from '../domain/contacts';
import type { NoticeChannel } from '../domain/enums';

export { lockContactValue } from './clients';

export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];
type Reader = Pick<Database, 'select' | 'selectDistinctOn'>;

export type ClientRow = typeof clients.$inferSelect;
export type ClientFields = Partial<
  Pick<
    ClientRow,
    | 'name'
    | 'phone'
    | 'email'
    | 'category'
    | 'preferredChannel'
    | 'kind'
    | 'legalName'
    | 'inn'
    | 'kpp'
    | 'ogrn'
    | 'legalAddress'
    | 'bankName'
    | 'bankBik'
    | 'bankAccount'
    | 'bankCorrAccount'
    | 'note'
  >
>;

export async function findClient(db: Reader, clientId: number): Promise<ClientRow | undefined> {
  const [row] = await db.select().from(clients).where(eq(clients.id, clientId));
  return row;
}

/** The client row locked for a change (FOR UPDATE): concurrent edits and merges of it wait their turn. */
export async function lockClient(tx: Tx, clientId: number): Promise<ClientRow | undefined> {
  const [row] = await tx.select().from(clients).where(eq(clients.id, clientId)).for('update');
  return row;
}

/** Several clients locked in id order, so two merges of the same pair never deadlock. */
export async function lockClients(tx: Tx, clientIds: number[]): Promise<ClientRow[]> {
  return tx.select().from(clients).where(inArray(clients.id, clientIds)).orderBy(asc(clients.id)).for('update');
}

/** The client a contact belongs to (a live client's primary phone / e-mail, or a further contact). */
export async function contactOwner(db: Reader, kind: ContactKind, value: string): Promise<number | undefined> {
  if (kind !== 'telegram') {
    const column = kind === 'phone' ? clients.phone : clients.email;
    const [primary] = await db.select({ id: clients.id }).from(clients).where(eq(column, value));
    if (primary) return primary.id;
  }
  const [further] = await db
    .select({ clientId: clientContacts.clientId })
    .from(clientContacts)
    .where(and(eq(clientContacts.kind, kind), eq(clientContacts.value, value)));
  return further?.clientId;
}

export async function insertClient(tx: Tx, fields: ClientFields) {
  const [row] = await tx.insert(clients).values(fields).returning();
  return row!;
}

export async function updateClient(tx: Tx, clientId: number, fields: ClientFields) {
  const [row] = await tx
    .update(clients)
    .set({ ...fields, version: sql`${clients.version} + 1`, updatedAt: new Date() })
    .where(eq(clients.id, clientId))
    .returning();
  return row!;
}

export const contactsOf = (db: Reader, clientId: number) =>
  db
    .select()
    .from(clientContacts)
    .where(eq(clientContacts.clientId, clientId))
    .orderBy(asc(clientContacts.kind), asc(clientContacts.id));

export const devicesOf = (db: Reader, clientId: number) =>
  db.select().from(clientDevices).where(eq(clientDevices.clientId, clientId)).orderBy(asc(clientDevices.id));

/** Every record of the ticket's client's consent to notifications (src/domain/notice-consent.ts decides from them). */
export async function notificationConsentsOfTicket(db: Pick<Database, 'select'>, ticketId: number) {
  return db
    .select({
      id: clientConsents.id,
      granted: clientConsents.granted,
      at: clientConsents.at,
      channel: clientConsents.channel,
    })
    .from(clientConsents)
    .innerJoin(tickets, eq(tickets.clientId, clientConsents.clientId))
    .where(and(eq(tickets.id, ticketId), eq(clientConsents.kind, 'notifications')));
}

export const consentHistoryOf = (db: Reader, clientId: number) =>
  db
    .select()
    .from(clientConsents)
    .where(eq(clientConsents.clientId, clientId))
    .orderBy(desc(clientConsents.at), desc(clientConsents.id));

/** The Telegram chats linked to the client (the bot's contact of kind telegram). */
export const telegramChatsOf = (db: Reader, clientId: number) =>
  db
    .select({
      chatId: telegramChats.chatId,
      username: telegramChats.username,
      phone: telegramChats.phone,
      linkedAt: telegramChats.linkedAt,
      blockedAt: telegramChats.blockedAt,
    })
    .from(telegramChats)
    .where(eq(telegramChats.clientId, clientId))
    .orderBy(asc(telegramChats.chatId));

export async function insertContact(
  tx: Tx,
  contact: { clientId: number; kind: ContactKind; value: string; label?: string | null },
) {
  const [row] = await tx.insert(clientContacts).values(contact).returning();
  return row!;
}

export async function deleteContact(tx: Tx, clientId: number, contactId: number) {
  const [row] = await tx
    .delete(clientContacts)
    .where(and(eq(clientContacts.id, contactId), eq(clientContacts.clientId, clientId)))
    .returning();
  return row;
}

/** Removes the client's further contact of this kind and value; false when it has none such. */
export async function deleteContactValue(tx: Tx, clientId: number, kind: ContactKind, value: string) {
  const rows = await tx
    .delete(clientContacts)
    .where(and(eq(clientContacts.clientId, clientId), eq(clientContacts.kind, kind), eq(clientContacts.value, value)))
    .returning({ id: clientContacts.id });
  return rows.length > 0;
}

export async function insertDevice(
  tx: Tx,
  device: { clientId: number; model: string; serial?: string | null; imei?: string | null; note?: string | null },
) {
  const [row] = await tx.insert(clientDevices).values(device).returning();
  return row!;
}

export async function deleteDevice(tx: Tx, clientId: number, deviceId: number) {
  const [row] = await tx
    .delete(clientDevices)
    .where(and(eq(clientDevices.id, deviceId), eq(clientDevices.clientId, clientId)))
    .returning();
  return row;
}

export async function insertConsent(
  tx: Tx,
  consent: {
    clientId: number;
    kind: ConsentKind;
    granted: boolean;
    at: Date;
    channel?: NoticeChannel | null;
    source?: string | null;
    recordedBy: string;
  },
) {
  const [row] = await tx.insert(clientConsents).values(consent).returning();
  return row!;
}

/** `%`, `_` and `\` typed are literal characters, not patterns. */
const likeContaining = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Live clients (not merged away) found by what was typed: an exact phone, e-mail or Telegram
 * username (primary or further contact), an exact ИНН, or a part of the name or legal name.
 */
export async function searchClients(
  db: Reader,
  query: { text: string; phone?: string; email?: string; telegram?: string },
  page: { limit: number; offset: number },
) {
  const contacts: [ContactKind, string][] = [];
  if (query.phone) contacts.push(['phone', query.phone]);
  if (query.email) contacts.push(['email', query.email]);
  if (query.telegram) contacts.push(['telegram', query.telegram]);
  const byContact = contacts.map(
    ([kind, value]) =>
      sql`${clients.id} in (select ${clientContacts.clientId} from ${clientContacts} where ${clientContacts.kind} = ${kind} and ${clientContacts.value} = ${value})`,
  );
  const digits = /^\d{10}(\d{2})?$/.test(query.text) ? query.text : undefined;
  const match = or(
    query.phone ? eq(clients.phone, query.phone) : undefined,
    query.email ? eq(clients.email, query.email) : undefined,
    digits ? eq(clients.inn, digits) : undefined,
    ilike(clients.name, likeContaining(query.text)),
    ilike(clients.legalName, likeContaining(query.text)),
    ...byContact,
  );
  return db
    .select()
    .from(clients)
    .where(and(isNull(clients.mergedInto), match))
    .orderBy(asc(clients.name), asc(clients.id))
    .limit(page.limit)
    .offset(page.offset);
}

/** What a merge moved from the duplicate to the survivor, counted. */
export interface MergeCounts {
  tickets: number;
  calls: number;
  contacts: number;
  devices: number;
  consents: number;
  telegramChats: number;
}

/**
 * Moves every reference to the duplicate onto the survivor, in the caller's transaction (both rows
 * locked): tickets (the triggers on tickets restate their visits' client category), calls,
 * Telegram chats, contacts, devices, consent records; and tombstones that pointed at the
 * duplicate now point at the survivor. The duplicate's primary phone and e-mail become the
 * survivor's primary where it has none, a further contact otherwise.
 */
export async function moveClientReferences(tx: Tx, survivor: ClientRow, duplicate: ClientRow): Promise<MergeCounts> {
  const to = { clientId: survivor.id };
  const moved = async (rows: Promise<unknown[]>) => (await rows).length;
  const counts: MergeCounts = {
    tickets: await moved(
      tx.update(tickets).set(to).where(eq(tickets.clientId, duplicate.id)).returning({ id: tickets.id }),
    ),
    calls: await moved(
      tx.update(calls).set(to).where(eq(calls.clientId, duplicate.id)).returning({ id: calls.callId }),
    ),
    telegramChats: await moved(
      tx
        .update(telegramChats)
        .set(to)
        .where(eq(telegramChats.clientId, duplicate.id))
        .returning({ id: telegramChats.chatId }),
    ),
    contacts: await moved(
      tx
        .update(clientContacts)
        .set(to)
        .where(eq(clientContacts.clientId, duplicate.id))
        .returning({ id: clientContacts.id }),
    ),
    devices: await moved(
      tx
        .update(clientDevices)
        .set(to)
        .where(eq(clientDevices.clientId, duplicate.id))
        .returning({ id: clientDevices.id }),
    ),
    consents: await moved(
      tx
        .update(clientConsents)
        .set(to)
        .where(eq(clientConsents.clientId, duplicate.id))
        .returning({ id: clientConsents.id }),
    ),
  };
  await tx.update(clients).set({ mergedInto: survivor.id }).where(eq(clients.mergedInto, duplicate.id));
  // The duplicate's primary contacts are freed first: the unique indexes on clients.phone / email.
  await tx.update(clients).set({ phone: null, email: null }).where(eq(clients.id, duplicate.id));
  const primaries: [ContactKind, string | null, string | null][] = [
    ['phone', duplicate.phone, survivor.phone],
    ['email', duplicate.email, survivor.email],
  ];
  for (const [kind, value, survivorHas] of primaries) {
    if (!value || value === survivorHas) continue;
    if (survivorHas) await tx.insert(clientContacts).values({ clientId: survivor.id, kind, value });
    else
      await tx
        .update(clients)
        .set({ [kind]: value })
        .where(eq(clients.id, survivor.id));
    counts.contacts++;
  }
  return counts;
}

export async function markMerged(tx: Tx, duplicateId: number, survivorId: number) {
  await tx
    .update(clients)
    .set({ mergedInto: survivorId, mergedAt: new Date(), version: sql`${clients.version} + 1`, updatedAt: new Date() })
    .where(eq(clients.id, duplicateId));
}

export interface ClientAuditEntry {
  actorId: string;
  action: string;
  clientId: number;
  details?: Record<string, unknown>;
  address: string | null;
}

export async function recordClientAudit(db: Pick<Database, 'insert'>, entry: ClientAuditEntry) {
  await db.insert(clientAuditLog).values({ ...entry, details: entry.details ?? {} });
}

/** A client's audit entries, newest first, after a keyset cursor (`before`: the last id of the previous page). */
export async function listClientAudit(db: Reader, clientId: number, page: { limit: number; before?: number }) {
  const rows = await db
    .select()
    .from(clientAuditLog)
    .where(
      and(
        eq(clientAuditLog.clientId, clientId),
        page.before === undefined ? undefined : lt(clientAuditLog.id, page.before),
      ),
    )
    .orderBy(desc(clientAuditLog.id))
    .limit(page.limit);
  return rows.map((row) => ({ ...row, at: row.at.toISOString() }));
}
