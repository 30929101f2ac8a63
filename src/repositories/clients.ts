import { and, desc, eq, ne, or, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { clientContacts, clients, tickets, type ClientCategory } from '../db/schema';
import type { OpenTicket } from '../domain/status-question';

type Reader = Pick<Database, 'select'>;

export async function clientExists(db: Database, clientId: number): Promise<boolean> {
  const rows = await db.select({ id: clients.id }).from(clients).where(eq(clients.id, clientId));
  return rows.length > 0;
}

/**
 * The client category a ticket is routed and timed by, in every query that joins a ticket to its
 * client: the client's own once the ticket's client is confirmed, a one-time client's until then
 * (src/domain/client-confirmation.ts says why). The SQL function (migration 0016) is the one the
 * process statistics' triggers use too.
 */
export const decidingClientCategory = sql<ClientCategory>`deciding_client_category(${tickets.clientConfirmed}, ${clients.category})`;

/**
 * Holds a contact value for the rest of the transaction: whoever else adds, moves or registers the
 * same value waits, so the check "nobody has it" and the write that follows are one step.
 */
export async function lockContactValue(
  tx: Pick<Database, 'execute'>,
  kind: 'phone' | 'email' | 'telegram',
  value: string,
) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`client-contact:${kind}:${value}`}, 0))`);
}

/** A further contact of some client (client_contacts) with this kind and value. */
const furtherContact = (kind: 'phone' | 'email', value: string) =>
  sql`${clients.id} in (select ${clientContacts.clientId} from ${clientContacts} where ${clientContacts.kind} = ${kind} and ${clientContacts.value} = ${value})`;

/**
 * The client with this (normalised) phone or e-mail, primary or further (client_contacts); the
 * oldest when each names another. A merged client has none left, so it is never the one found.
 */
export async function clientByContact(db: Reader, contact: { phone: string | null; email: string | null }) {
  const match = [
    contact.phone ? eq(clients.phone, contact.phone) : undefined,
    contact.email ? eq(clients.email, contact.email) : undefined,
    contact.phone ? furtherContact('phone', contact.phone) : undefined,
    contact.email ? furtherContact('email', contact.email) : undefined,
  ].filter((c) => c !== undefined);
  if (match.length === 0) return undefined;
  const rows = await db
    .select()
    .from(clients)
    .where(or(...match))
    .orderBy(clients.id)
    .limit(1);
  return rows[0];
}

/** A client's tickets not yet closed, newest first (tickets_client_idx). */
export async function openTicketsOfClient(db: Reader, clientId: number, limit = 50): Promise<OpenTicket[]> {
  const rows = await db
    .select({
      id: tickets.id,
      channel: tickets.channel,
      stage: tickets.stage,
      subject: tickets.subject,
      receivedAt: tickets.createdAt,
      dueAt: tickets.resolutionDueAt,
    })
    .from(tickets)
    .where(and(eq(tickets.clientId, clientId), ne(tickets.stage, 'closed')))
    .orderBy(desc(tickets.createdAt), desc(tickets.id))
    .limit(limit);
  return rows;
}

/** What a status answer tells the client of their ticket, and where it goes. */
export async function ticketStatusForClient(db: Reader, ticketId: number) {
  const [row] = await db
    .select({
      id: tickets.id,
      stage: tickets.stage,
      subject: tickets.subject,
      dueAt: tickets.resolutionDueAt,
      clientName: clients.name,
      clientEmail: clients.email,
    })
    .from(tickets)
    .innerJoin(clients, eq(clients.id, tickets.clientId))
    .where(eq(tickets.id, ticketId));
  return row;
}

export async function clientById(db: Reader, clientId: number) {
  const [row] = await db.select().from(clients).where(eq(clients.id, clientId));
  return row;
}
/** What the confirmation link of a ticket is decided on: the ticket's client as stored, and whether it is confirmed. */
export async function confirmationFactsOf(db: Reader, ticketId: number) {
  const [row] = await db
    .select({
      id: tickets.id,
      subject: tickets.subject,
      stage: tickets.stage,
      clientConfirmed: tickets.clientConfirmed,
      tokenHash: tickets.clientConfirmationToken,
      agreementId: tickets.slaAgreementId,
      assigneeId: tickets.assigneeId,
      clientId: clients.id,
      category: clients.category,
      email: clients.email,
    })
    .from(tickets)
    .innerJoin(clients, eq(clients.id, tickets.clientId))
    .where(eq(tickets.id, ticketId));
  return row;
}

/** The link's secret is kept only as its SHA-256, written with the message that carries it. */
export async function issueConfirmationToken(db: Pick<Database, 'update'>, ticketId: number, tokenHash: string) {
  await db
    .update(tickets)
    .set({ clientConfirmationToken: tokenHash })
    .where(and(eq(tickets.id, ticketId), eq(tickets.clientConfirmed, false)));
}

/** The ticket's client is confirmed, once: false when it already was (or there is no such ticket). */
export async function confirmTicketClient(db: Pick<Database, 'update'>, ticketId: number): Promise<boolean> {
  const confirmed = await db
    .update(tickets)
    .set({ clientConfirmed: true, clientConfirmationToken: null, updatedAt: new Date() })
    .where(and(eq(tickets.id, ticketId), eq(tickets.clientConfirmed, false)))
    .returning({ id: tickets.id });
  return confirmed.length > 0;
}

/** What a ticket's client notices are routed by: the ticket's channel and its client's contacts on file and preference. */
export async function noticeContactsOfTicket(db: Reader, ticketId: number) {
  const [row] = await db
    .select({
      came: tickets.channel,
      clientId: clients.id,
      preferred: clients.preferredChannel,
      email: clients.email,
      phone: clients.phone,
    })
    .from(tickets)
    .innerJoin(clients, eq(clients.id, tickets.clientId))
    .where(eq(tickets.id, ticketId));
  return row;
}
