import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { catalogServices, clients, queues, ticketEvents, tickets } from '../db/schema';
import { normalizedContact } from '../domain/contacts';
import type { SlaClockStart } from '../domain/intake-decision';
import { ticketWorkflowId } from '../domain/process';
import { clientByContact, decidingClientCategory, lockContactValue } from './clients';
import { CLASSIFY_KEY } from '../domain/ticket-events';

type Executor = Pick<Database, 'select' | 'insert' | 'update' | 'execute'>;

/** What intake knows of a new ticket before anything is decided. */
export interface ReceivedTicket {
  ticketId: number;
  channel: (typeof tickets.$inferInsert)['channel'];
  subject: string;
  description: string;
  client: { name?: string; phone?: string; email?: string };
  receivedAt: string;
  /** The member of staff who filed the ticket or identified its filer: the client is then confirmed. */
  identifiedBy?: string;
  productGroup?: string;
  location?: string;
}

/** The client is found by phone or e-mail, created if new. */
export async function findOrCreateClient(tx: Executor, received: ReceivedTicket) {
  const { phone, email } = normalizedContact(received.client);
  const findClient = () => clientByContact(tx, { phone, email });
  const found = await findClient();
  if (found) return { client: found, newClient: false };
  // A new client's contacts are claimed as staff claim a further contact (services/clients/contacts.ts),
  // so one value never ends up with two clients; found again under the lock.
  if (phone) await lockContactValue(tx, 'phone', phone);
  if (email) await lockContactValue(tx, 'email', email);
  const claimed = await findClient();
  if (claimed) return { client: claimed, newClient: false };
  const inserted = await tx
    .insert(clients)
    .values({ name: received.client.name ?? null, phone, email })
    .onConflictDoNothing()
    .returning();
  const client = inserted[0] ?? (await findClient());
  if (!client) throw new Error(`client of ticket ${received.ticketId} could not be found or created`);
  return { client, newClient: inserted.length > 0 };
}

/** What registration writes of a ticket, whichever intake path writes the row. */
const registeredRow = (received: ReceivedTicket, clientId: number) => ({
  id: received.ticketId,
  workflowId: ticketWorkflowId(received.ticketId),
  channel: received.channel,
  subject: received.subject,
  description: received.description,
  clientId,
  clientConfirmed: received.identifiedBy !== undefined,
  productGroup: received.productGroup ?? null,
  location: received.location ?? null,
  createdAt: new Date(received.receivedAt),
});

/**
 * The step-by-step registration: the row as `registering` (kept if a retry finds it), and the
 * client the ticket was registered with — a retry after the client row changed keeps that one.
 */
export async function insertRegistering(tx: Executor, received: ReceivedTicket, clientId: number) {
  await tx
    .insert(tickets)
    .values({ ...registeredRow(received, clientId), stage: 'registering' })
    .onConflictDoNothing();
  const [client] = await tx
    .select({ id: clients.id, category: decidingClientCategory })
    .from(tickets)
    .innerJoin(clients, eq(clients.id, tickets.clientId))
    .where(eq(tickets.id, received.ticketId));
  return { clientId: client!.id, clientCategory: client!.category };
}

/** A new ticket's row written once, already decided and queued; false when the row exists (a retry). */
export async function insertQueued(
  tx: Executor,
  received: ReceivedTicket,
  clientId: number,
  decided: {
    category: string;
    priority: (typeof tickets.$inferInsert)['priority'];
    serviceId: number | null;
    supportLine: number;
    queueId: number;
    sla: SlaClockStart | null | undefined;
  },
): Promise<boolean> {
  const { sla, ...classified } = decided;
  const [written] = await tx
    .insert(tickets)
    .values({
      ...registeredRow(received, clientId),
      ...classified,
      stage: 'queued',
      queuedAt: sql`now()`,
      ...(sla ? slaColumns(sla) : {}),
    })
    .onConflictDoNothing()
    .returning({ id: tickets.id });
  return written !== undefined;
}

/** What the classify step reads of a registered ticket. */
export async function classifyFactsOf(tx: Executor, ticketId: number) {
  const [ticket] = await tx
    .select({ channel: tickets.channel, productGroup: tickets.productGroup, location: tickets.location })
    .from(tickets)
    .where(eq(tickets.id, ticketId));
  if (!ticket) throw new Error(`ticket ${ticketId} is not registered`);
  return ticket;
}

export async function writeClassification(
  tx: Executor,
  ticketId: number,
  decided: {
    category: string;
    priority: (typeof tickets.$inferInsert)['priority'];
    serviceId: number | null;
    supportLine: number;
  },
) {
  await tx
    .update(tickets)
    .set({ ...decided, updatedAt: new Date() })
    .where(eq(tickets.id, ticketId));
}

/** What the queue step reads: the classified ticket, its client's category, and the queue a rule named. */
export async function queueFactsOf(tx: Executor, ticketId: number) {
  const [row] = await tx
    .select({ ticket: tickets, clientCategory: decidingClientCategory, classified: ticketEvents.data })
    .from(tickets)
    .innerJoin(clients, eq(clients.id, tickets.clientId))
    .leftJoin(ticketEvents, and(eq(ticketEvents.ticketId, tickets.id), eq(ticketEvents.dedupeKey, CLASSIFY_KEY)))
    .where(eq(tickets.id, ticketId));
  if (!row) throw new Error(`ticket ${ticketId} is not registered`);
  return {
    priority: row.ticket.priority ?? 'normal',
    clientCategory: row.clientCategory,
    channel: row.ticket.channel,
    supportLine: row.ticket.supportLine ?? 1,
    region: row.ticket.location,
    namedQueue: (row.classified?.queueCode as string | null | undefined) ?? null,
  };
}

/** Into its queue, once: only a ticket still registering moves. */
export async function writeQueued(tx: Executor, ticketId: number, queueId: number) {
  await tx
    .update(tickets)
    .set({ queueId, stage: 'queued', queuedAt: sql`coalesce(${tickets.queuedAt}, now())`, updatedAt: new Date() })
    .where(and(eq(tickets.id, ticketId), eq(tickets.stage, 'registering')));
}

/** The competence the ticket's catalog service requires, if any. */
export async function requiredCompetenceOf(tx: Executor, ticketId: number): Promise<string | null> {
  const [row] = await tx
    .select({ required: catalogServices.requiredCompetence })
    .from(tickets)
    .innerJoin(catalogServices, eq(catalogServices.id, tickets.serviceId))
    .where(eq(tickets.id, ticketId));
  return row?.required ?? null;
}

/** What starting the SLA clock reads of a queued ticket. */
export async function slaFactsOf(tx: Executor, ticketId: number) {
  const [ticket] = await tx
    .select({
      serviceId: tickets.serviceId,
      agreementId: tickets.slaAgreementId,
      clientCategory: decidingClientCategory,
      queueGroupId: queues.groupId,
    })
    .from(tickets)
    .innerJoin(clients, eq(clients.id, tickets.clientId))
    .leftJoin(queues, eq(queues.id, tickets.queueId))
    .where(eq(tickets.id, ticketId));
  if (!ticket) throw new Error(`ticket ${ticketId} is not registered`);
  return ticket;
}

const slaColumns = (sla: SlaClockStart) => ({
  slaAgreementId: sla.terms.agreementId,
  responseDueAt: new Date(sla.plans.response.dueAt),
  resolutionDueAt: new Date(sla.plans.resolution.dueAt),
});

export async function writeSlaStart(tx: Executor, ticketId: number, sla: SlaClockStart) {
  await tx
    .update(tickets)
    .set({ ...slaColumns(sla), updatedAt: new Date() })
    .where(eq(tickets.id, ticketId));
}
