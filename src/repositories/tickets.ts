import { and, asc, desc, eq, ilike, inArray, notInArray, or, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client';
import {
  catalogServices,
  clientLinkTokens,
  clients,
  intakeKeys,
  queues,
  ticketEvents,
  tickets,
  ticketWorkEntries,
} from '../db/schema';
import { isManager, maySeeDetails, type Actor } from '../domain/access';
import type { TicketDetails, TicketSummary } from '../domain/ticket-details';
import { linkTokenHash } from '../domain/client-link';

export type { TicketSummary };

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
      confirmed: ticket.clientConfirmed,
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

/** A ticket in a search or a client's list: its subject only for those who may see its contents. */
export type TicketListItem = TicketSummary & { subject?: string };

/** Who reads a list: managers, a ticket's assignee and its queue's managers see its subject. */
export type TicketListViewer = Pick<Actor, 'id' | 'role' | 'queueAccess'>;

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
    maySeeDetails(viewer, row) ? { ...toSummary(row), subject } : toSummary(row),
  );
}

/** `%`, `_` and `\` in what the operator typed are literal characters, not patterns. */
const likeContaining = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Tickets not accepted yet: blind to every operator (managers see them). */
const waiting = notInArray(tickets.stage, ['registering', 'queued']);

/**
 * Tickets whose subject contains `text` (trigram index). An operator's search matches only the
 * tickets they hold: a match on any other would tell, three letters at a time, what it is about.
 */
export async function searchTickets(
  db: Database,
  text: string,
  viewer: TicketListViewer,
  page: { limit: number; offset: number },
) {
  const matches = ilike(tickets.subject, likeContaining(text));
  return listVisible(db, isManager(viewer) ? matches : and(matches, eq(tickets.assigneeId, viewer.id)), viewer, page);
}

/** Tickets in a queue the viewer has any access to, or that they hold. */
const listableBy = (viewer: TicketListViewer) => {
  const queueIds = Object.keys(viewer.queueAccess ?? {}).map(Number);
  const held = eq(tickets.assigneeId, viewer.id);
  return queueIds.length ? or(inArray(tickets.queueId, queueIds), held) : held;
};

/**
 * A client's tickets, newest first; an operator's list leaves out those still waiting, as blind
 * queues do, and those of queues they have no access to.
 */
export async function listClientTickets(
  db: Database,
  clientId: number,
  viewer: TicketListViewer,
  page: { limit: number; offset: number },
) {
  const ofClient = eq(tickets.clientId, clientId);
  return listVisible(db, isManager(viewer) ? ofClient : and(ofClient, waiting, listableBy(viewer)), viewer, page);
}

/** Whether `eventId` is an event of the ticket: only such an event can be a page's cursor. */
export async function isEventOf(db: Database, ticketId: number, eventId: number) {
  const [row] = await db
    .select({ id: ticketEvents.id })
    .from(ticketEvents)
    .where(and(eq(ticketEvents.ticketId, ticketId), eq(ticketEvents.id, eventId)));
  return row !== undefined;
}

/**
 * A ticket's events oldest first: all of them, or those of one process; or one page of them,
 * those after a cursor (keyset on time and id: a deep page costs what the first does).
 */
export async function listTicketEvents(
  db: Database,
  ticketId: number,
  options: { processId?: string; page?: { limit: number; after?: number } } = {},
) {
  const after = options.page?.after;
  // The cursor's time is read in SQL: a JavaScript Date would drop its microseconds.
  const afterCursor = sql`(${ticketEvents.at}, ${ticketEvents.id}) > (select e.at, e.id from ticket_events e where e.id = ${after})`;
  const query = db
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
      and(
        eq(ticketEvents.ticketId, ticketId),
        options.processId === undefined ? undefined : eq(ticketEvents.processId, options.processId),
        after === undefined ? undefined : afterCursor,
      ),
    )
    .orderBy(asc(ticketEvents.at), asc(ticketEvents.id))
    .$dynamic();
  const rows = await (options.page ? query.limit(options.page.limit) : query);
  return rows.map((r) => ({ ...r, at: r.at.toISOString() }));
}

/**
 * What the ticket service checks before it asks the workflow: the stage and holder, the queue,
 * and what the catalog service asks of whoever works it (competence, checklist).
 */
export async function loadTicketFacts(db: Database, ticketId: number) {
  const [row] = await db
    .select({
      stage: tickets.stage,
      category: tickets.category,
      assigneeId: tickets.assigneeId,
      surveyToken: tickets.surveyToken,
      queueId: tickets.queueId,
      requiredCompetence: catalogServices.requiredCompetence,
      checklist: catalogServices.checklist,
    })
    .from(tickets)
    .leftJoin(catalogServices, eq(catalogServices.id, tickets.serviceId))
    .where(eq(tickets.id, ticketId));
  return row;
}

export type TicketFacts = NonNullable<Awaited<ReturnType<typeof loadTicketFacts>>>;

/** Ticket numbers come from their own sequence, taken before the workflow starts (its id is the number). */
export async function nextTicketNumber(db: Database): Promise<number> {
  const [{ ticketId }] = (await db.execute(sql`select nextval('ticket_number_seq')::int as "ticketId"`)) as unknown as [
    { ticketId: number },
  ];
  return ticketId;
}

/**
 * The ticket number a filing's Idempotency-Key stands for (src/db/schema/tickets.ts intakeKeys): a
 * number taken for it now (`fresh`), or the one the first request with the key took; `reused` when
 * that request was another. Two requests with one key at once: the second waits for the first's row.
 */
export async function claimIntakeKey(
  db: Database,
  key: string,
  requestHash: string,
): Promise<{ ticketId: number; fresh: boolean } | 'reused'> {
  const [taken] = await db
    .insert(intakeKeys)
    .values({ key, requestHash, ticketId: sql`nextval('ticket_number_seq')` })
    .onConflictDoNothing()
    .returning({ ticketId: intakeKeys.ticketId });
  if (taken) return { ticketId: taken.ticketId, fresh: true };
  const [earlier] = await db.select().from(intakeKeys).where(eq(intakeKeys.key, key));
  if (!earlier) throw new Error('an Idempotency-Key neither taken nor found');
  return earlier.requestHash === requestHash ? { ticketId: earlier.ticketId, fresh: false } : 'reused';
}

/** What the intake answered of a ticket, as its row now says (a filing sent again); none while it is registering. */
export async function registrationOf(db: Database, ticketId: number) {
  const [row] = await db
    .select({
      ticketId: tickets.id,
      stage: tickets.stage,
      category: tickets.category,
      priority: tickets.priority,
      serviceCode: catalogServices.code,
      queueId: queues.id,
      queueCode: queues.code,
    })
    .from(tickets)
    .leftJoin(catalogServices, eq(catalogServices.id, tickets.serviceId))
    .leftJoin(queues, eq(queues.id, tickets.queueId))
    .where(eq(tickets.id, ticketId));
  if (!row || row.stage === 'registering' || row.category === null || row.priority === null || row.queueId === null)
    return undefined;
  const { queueId, queueCode, category, priority, ...rest } = row;
  return { ...rest, category, priority, queue: { id: queueId, code: queueCode! } };
}

export async function ticketExists(db: Database, ticketId: number): Promise<boolean> {
  const rows = await db.select({ id: tickets.id }).from(tickets).where(eq(tickets.id, ticketId));
  return rows.length > 0;
}

/** True when `token` is the secret of a status link one of this ticket's notices carried. */
export async function isStatusLinkToken(db: Database, ticketId: number, token: string): Promise<boolean> {
  const [row] = await db
    .select({ ticketId: clientLinkTokens.ticketId })
    .from(clientLinkTokens)
    .where(and(eq(clientLinkTokens.tokenHash, linkTokenHash(token)), eq(clientLinkTokens.ticketId, ticketId)));
  return row !== undefined;
}

/** A work entry by its id (an Idempotency-Key's, src/domain/idempotency.ts), if recorded. */
export async function findWorkEntry(db: Database, entryId: string) {
  const [row] = await db
    .select({ minutes: ticketWorkEntries.minutes, note: ticketWorkEntries.note })
    .from(ticketWorkEntries)
    .where(eq(ticketWorkEntries.id, entryId));
  return row;
}
