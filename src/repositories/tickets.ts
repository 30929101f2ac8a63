import { and, asc, count, desc, eq, ilike, notInArray, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client';
import { catalogServices, clients, priorityRank, queues, ticketEvents, tickets } from '../db/schema';
import type { TicketDetails } from '../../workflows/types';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Everything about a ticket: what the assignee (and only they) sees. */
export async function loadTicketDetails(db: Database, ticketId: number): Promise<TicketDetails | undefined> {
  const [row] = await db
    .select({ ticket: tickets, client: clients, service: catalogServices })
    .from(tickets)
    .innerJoin(clients, eq(clients.id, tickets.clientId))
    .leftJoin(catalogServices, eq(catalogServices.id, tickets.serviceId))
    .where(eq(tickets.id, ticketId));
  if (!row) return undefined;
  const { ticket, client, service } = row;
  return {
    id: ticket.id,
    stage: ticket.stage,
    channel: ticket.channel,
    subject: ticket.subject,
    description: ticket.description,
    category: ticket.category,
    priority: ticket.priority,
    queueId: ticket.queueId,
    assigneeId: ticket.assigneeId,
    acceptedAt: iso(ticket.acceptedAt),
    dueAt: iso(ticket.dueAt),
    supportLine: ticket.supportLine,
    solvedLine: ticket.solvedLine,
    sla: {
      agreementId: ticket.slaAgreementId,
      responseDueAt: iso(ticket.responseDueAt),
      resolutionDueAt: iso(ticket.resolutionDueAt),
      breachedAt: iso(ticket.slaBreachedAt),
      pausedAt: iso(ticket.slaPausedAt),
      overdueReason: ticket.overdueReason,
      overdueNote: ticket.overdueNote,
    },
    workNormRatio: ticket.workNormRatio === null ? null : Number(ticket.workNormRatio),
    checklist: service?.checklist ?? [],
    checklistDone: ticket.checklistDone,
    quotedPrice: ticket.quotedPrice,
    quotedNormHours: ticket.quotedNormHours === null ? null : Number(ticket.quotedNormHours),
    resolution: ticket.resolution,
    resolvedAt: iso(ticket.resolvedAt),
    csat: ticket.csat,
    createdAt: ticket.createdAt.toISOString(),
    client: {
      id: client.id,
      name: client.name,
      phone: client.phone,
      email: client.email,
      category: client.category,
      preferredChannel: client.preferredChannel,
    },
    service: service
      ? {
          code: service.code,
          nameRu: service.nameRu,
          nameEn: service.nameEn,
          price: service.price,
          normHours: Number(service.normHours),
        }
      : null,
  };
}

/** What anyone may see of a ticket before accepting it: enough to choose, nothing to cherry-pick by. */
export interface TicketSummary {
  id: number;
  stage: string;
  channel: string;
  category: string | null;
  priority: string | null;
  queueId: number | null;
  assigneeId: string | null;
  createdAt: string;
}

export async function loadTicketSummary(db: Database, ticketId: number) {
  const [row] = await db.select(summaryColumns).from(tickets).where(eq(tickets.id, ticketId));
  return row ? toSummary(row) : undefined;
}

const summaryColumns = {
  id: tickets.id,
  stage: tickets.stage,
  channel: tickets.channel,
  category: tickets.category,
  priority: tickets.priority,
  queueId: tickets.queueId,
  assigneeId: tickets.assigneeId,
  createdAt: tickets.createdAt,
};

const toSummary = (row: { createdAt: Date } & Omit<TicketSummary, 'createdAt'>): TicketSummary => ({
  ...row,
  createdAt: row.createdAt.toISOString(),
});

/**
 * A queue's waiting tickets by priority, then age (the order of tickets_queue_order_idx), each
 * with its SLA response due time; `next` offers by priority, then that due time. Blind: nothing
 * of the subject, text or client.
 */
export async function listQueuedTickets(db: Database, queueId: number, options: { limit: number; offset: number }) {
  const rows = await db
    .select({
      id: tickets.id,
      stage: tickets.stage,
      category: tickets.category,
      priority: tickets.priority,
      channel: tickets.channel,
      queueId: tickets.queueId,
      ageSeconds: sql<number>`greatest(0, extract(epoch from now() - coalesce(${tickets.queuedAt}, ${tickets.createdAt})))::int`,
      offered: sql<boolean>`coalesce(${tickets.offerExpiresAt} > now(), false)`,
      responseDueAt: tickets.responseDueAt,
    })
    .from(tickets)
    .where(and(eq(tickets.queueId, queueId), eq(tickets.stage, 'queued')))
    .orderBy(priorityRank(tickets.priority), asc(tickets.createdAt), asc(tickets.id))
    .limit(options.limit)
    .offset(options.offset);
  return rows.map(({ responseDueAt, ...row }) => ({
    ...row,
    slaDueAt: responseDueAt ? responseDueAt.toISOString() : null,
  }));
}

/** A ticket in a search or a client's list: its subject only for those who may see its contents. */
export type TicketListItem = TicketSummary & { subject?: string };

export interface TicketListViewer {
  operatorId: string;
  isManager: boolean;
}

const listColumns = { ...summaryColumns, subject: tickets.subject };

/** Newest first; the subject is dropped from tickets the viewer may not see the contents of. */
async function listVisible(
  db: Database,
  where: SQL | undefined,
  viewer: TicketListViewer,
  page: { limit: number; offset: number },
): Promise<TicketListItem[]> {
  const rows = await db
    .select(listColumns)
    .from(tickets)
    .where(where)
    .orderBy(desc(tickets.createdAt), desc(tickets.id))
    .limit(page.limit)
    .offset(page.offset);
  return rows.map(({ subject, ...row }) =>
    viewer.isManager || row.assigneeId === viewer.operatorId ? { ...toSummary(row), subject } : toSummary(row),
  );
}

/** `%`, `_` and `\` in what the operator typed are literal characters, not patterns. */
const likeContaining = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Tickets whose subject contains `text` (trigram index). An operator's search leaves out
 * tickets not yet accepted: a match would tell what a blind ticket is about.
 */
export async function searchTickets(
  db: Database,
  text: string,
  viewer: TicketListViewer,
  page: { limit: number; offset: number },
) {
  const matches = ilike(tickets.subject, likeContaining(text));
  return listVisible(
    db,
    viewer.isManager ? matches : and(matches, notInArray(tickets.stage, ['registering', 'queued'])),
    viewer,
    page,
  );
}

/** A client's tickets, newest first. */
export async function listClientTickets(
  db: Database,
  clientId: number,
  viewer: TicketListViewer,
  page: { limit: number; offset: number },
) {
  return listVisible(db, eq(tickets.clientId, clientId), viewer, page);
}

export async function clientExists(db: Database, clientId: number): Promise<boolean> {
  const rows = await db.select({ id: clients.id }).from(clients).where(eq(clients.id, clientId));
  return rows.length > 0;
}

export async function listQueues(db: Database) {
  const waiting = db
    .select({ queueId: tickets.queueId, waiting: count().as('waiting') })
    .from(tickets)
    .where(eq(tickets.stage, 'queued'))
    .groupBy(tickets.queueId)
    .as('waiting');
  const rows = await db
    .select({
      id: queues.id,
      code: queues.code,
      name: queues.name,
      groupId: queues.groupId,
      categories: queues.categories,
      waiting: waiting.waiting,
    })
    .from(queues)
    .leftJoin(waiting, eq(waiting.queueId, queues.id))
    .orderBy(asc(queues.id));
  return rows.map((r) => ({ ...r, waiting: Number(r.waiting ?? 0) }));
}

export async function findQueue(db: Database, queueId: number) {
  const [row] = await db.select().from(queues).where(eq(queues.id, queueId));
  return row;
}

/** A ticket's events oldest first: all of them, or those of one process. */
export async function listTicketEvents(db: Database, ticketId: number, options: { processId?: string } = {}) {
  const rows = await db
    .select({
      id: ticketEvents.id,
      elementId: ticketEvents.elementId,
      action: ticketEvents.action,
      actor: ticketEvents.actor,
      data: ticketEvents.data,
      at: ticketEvents.at,
    })
    .from(ticketEvents)
    .where(
      options.processId === undefined
        ? eq(ticketEvents.ticketId, ticketId)
        : and(eq(ticketEvents.ticketId, ticketId), eq(ticketEvents.processId, options.processId)),
    )
    .orderBy(asc(ticketEvents.at), asc(ticketEvents.id));
  return rows.map((r) => ({ ...r, at: r.at.toISOString() }));
}
