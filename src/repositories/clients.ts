import { and, desc, eq, ne, or } from 'drizzle-orm';
import type { Database } from '../db/client';
import { clients, tickets } from '../db/schema';
import type { OpenTicket } from '../domain/status-question';

type Reader = Pick<Database, 'select'>;

export async function clientExists(db: Database, clientId: number): Promise<boolean> {
  const rows = await db.select({ id: clients.id }).from(clients).where(eq(clients.id, clientId));
  return rows.length > 0;
}

/** The client with this (normalised) phone or e-mail; the oldest when each names another. */
export async function clientByContact(db: Reader, contact: { phone: string | null; email: string | null }) {
  const match = [
    contact.phone ? eq(clients.phone, contact.phone) : undefined,
    contact.email ? eq(clients.email, contact.email) : undefined,
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
