import { and, asc, eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { clients, olaAgreements, queues, slaAgreements, tickets } from '../db/schema';
import { ESCALATION_PROCESS_ID } from '../domain/process';
import { decidingClientCategory } from './clients';

type Executor = Pick<Database, 'select' | 'update' | 'execute'>;

/** The agreement for the ticket's service × its client's category, if there is one. */
export async function agreementForTicket(db: Pick<Database, 'select'>, ticketId: number) {
  const [row] = await db
    .select({ agreement: slaAgreements })
    .from(tickets)
    .innerJoin(clients, eq(clients.id, tickets.clientId))
    .innerJoin(
      slaAgreements,
      and(eq(slaAgreements.serviceId, tickets.serviceId), eq(slaAgreements.clientCategory, decidingClientCategory)),
    )
    .where(eq(tickets.id, ticketId));
  return row?.agreement;
}

export async function agreementById(db: Pick<Database, 'select'>, agreementId: number) {
  const [agreement] = await db.select().from(slaAgreements).where(eq(slaAgreements.id, agreementId));
  return agreement;
}

export async function writeAgreement(tx: Executor, ticketId: number, agreementId: number) {
  await tx.update(tickets).set({ slaAgreementId: agreementId, updatedAt: new Date() }).where(eq(tickets.id, ticketId));
}

/** A client target's deadline shown on the ticket; a handover's is not. */
export async function writeDueAt(tx: Executor, ticketId: number, target: string, due: Date) {
  const column =
    target === 'response' ? { responseDueAt: due } : target === 'resolution' ? { resolutionDueAt: due } : undefined;
  if (!column) return;
  await tx
    .update(tickets)
    .set({ ...column, updatedAt: new Date() })
    .where(eq(tickets.id, ticketId));
}

/** A client target breached: the first breach's instant stays. */
export async function markBreached(tx: Executor, ticketId: number) {
  await tx
    .update(tickets)
    .set({ slaBreachedAt: sql`coalesce(${tickets.slaBreachedAt}, now())` })
    .where(eq(tickets.id, ticketId));
}

export async function clearBreach(tx: Executor, ticketId: number) {
  await tx.update(tickets).set({ slaBreachedAt: null, updatedAt: new Date() }).where(eq(tickets.id, ticketId));
}

/** Waiting for the client (only from in work), or back in work (only from waiting). */
export async function writePaused(tx: Executor, ticketId: number, paused: Date | null) {
  await tx
    .update(tickets)
    .set({ stage: paused ? 'waiting_for_client' : 'in_work', slaPausedAt: paused, updatedAt: new Date() })
    .where(and(eq(tickets.id, ticketId), eq(tickets.stage, paused ? 'in_work' : 'waiting_for_client')));
}

/** The ticket locked for an escalation, with what the next line's queue filter looks at, and its queue. */
export async function lockForEscalation(tx: Executor, ticketId: number) {
  const [ticket] = await tx
    .select({
      supportLine: tickets.supportLine,
      category: tickets.category,
      priority: tickets.priority,
      channel: tickets.channel,
      location: tickets.location,
      clientCategory: decidingClientCategory,
      queueId: tickets.queueId,
    })
    .from(tickets)
    .innerJoin(clients, eq(clients.id, tickets.clientId))
    .where(eq(tickets.id, ticketId))
    .for('update', { of: tickets });
  if (!ticket) throw new Error(`ticket ${ticketId} is not registered`);
  const [queue] = await tx.select().from(queues).where(eq(queues.id, ticket.queueId!));
  if (!queue) throw new Error(`ticket ${ticketId} is in no queue`);
  return { ticket, queue };
}

export const queuesOfLine = (tx: Executor, supportLine: number) =>
  tx.select().from(queues).where(eq(queues.supportLine, supportLine)).orderBy(asc(queues.id));

/** Into the next line's queue, unassigned. */
export async function writeEscalated(tx: Executor, ticketId: number, queue: { id: number; supportLine: number }) {
  await tx
    .update(tickets)
    .set({
      queueId: queue.id,
      supportLine: queue.supportLine,
      stage: 'queued',
      assigneeId: null,
      updatedAt: new Date(),
    })
    .where(eq(tickets.id, ticketId));
}

export async function olaOfLine(tx: Executor, supportLine: number) {
  const [ola] = await tx.select().from(olaAgreements).where(eq(olaAgreements.supportLine, supportLine));
  return ola;
}

/** OLA clocks the ticket started so far: the next handover's number is one more. */
export async function olaHandovers(tx: Executor, ticketId: number): Promise<number> {
  const [{ handovers }] = (await tx.execute(
    sql`select count(*)::int as handovers from ticket_events where ticket_id = ${ticketId} and process_id = ${ESCALATION_PROCESS_ID} and action = 'ola_started'`,
  )) as unknown as [{ handovers: number }];
  return handovers;
}
