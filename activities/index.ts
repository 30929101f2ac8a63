import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { and, eq, isNull, or, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Mailer } from '../src/channels/email';
import type { Database } from '../src/db/client';
import { recordTicketEvent, recordTicketEvents, type TicketEventRecord } from '../src/db/events';
import { catalogServices, clients, outbox, queues, tickets, ticketWorkEntries, type ClientCategory } from '../src/db/schema';
import { chooseQueue, chooseService, classifyTicket as classifyByRules } from '../src/domain/classify';
import { normalizeEmail, normalizePhone } from '../src/domain/contacts';
import { resolutionNotice } from '../src/domain/notices';
import { TicketElement, ticketWorkflowId } from '../src/domain/process';
import { quoteFromCatalog } from '../src/domain/quote';
import { loadTicketDetails } from '../src/repositories/tickets';
import type {
  ClassifiedTicket,
  IntakeOutcome,
  Notified,
  QueuedTicket,
  RegisteredTicket,
  Resolved,
  SurveyAnswer,
  TicketDetails,
  TicketIntake,
  WorkRecorded,
  WorkRequest,
} from '../workflows/types';

export interface ActivityDependencies {
  db: Database;
  mailer: Mailer;
  logger: Logger;
  /** Base of links sent to clients (the survey page). */
  publicUrl: string;
}

/** The ticket's side effects, built from their dependencies; every one is safe to retry. */
export function createActivities({ db, mailer, logger, publicUrl }: ActivityDependencies) {
  const ticketLog = (ticketId: number) => logger.child({ ticketId, workflowId: ticketWorkflowId(ticketId) });

  return {
    /**
     * Register → classify → queue as one local activity and one transaction, the ticket row
     * written once, already queued, and the four steps' BPMN events in one insert. The benchmark
     * showed intake's time going to three transactions and to three versions of the row, each
     * adding entries to every index of `tickets`. A retry (or a row left by the step-by-step
     * intake of older tickets) goes through the steps, which are idempotent.
     */
    async intakeTicket(intake: TicketIntake): Promise<IntakeOutcome> {
      const outcome = await db.transaction((tx) =>
        withEvents(tx, async (events) => {
          const fresh = await intakeIn(tx, intake, events);
          if (fresh) return fresh;
          const registered = await registerIn(tx, intake, events);
          const classified = await classifyIn(tx, { ticketId: intake.ticketId, subject: intake.subject, description: intake.description, clientCategory: registered.clientCategory }, events);
          const queued = await enqueueIn(tx, { ticketId: intake.ticketId, category: classified.category }, events);
          return { registered, classified, queued };
        }),
      );
      const log = ticketLog(intake.ticketId);
      log.info({ clientId: outcome.registered.clientId, newClient: outcome.registered.newClient }, 'ticket registered');
      log.info({ queue: outcome.queued.queueCode }, 'ticket queued');
      return outcome;
    },

    /** The client is found by phone or e-mail, created if new; the ticket row is written once. */
    async registerTicket(intake: TicketIntake): Promise<RegisteredTicket> {
      const result = await db.transaction((tx) => withEvents(tx, (events) => registerIn(tx, intake, events)));
      ticketLog(intake.ticketId).info({ clientId: result.clientId, newClient: result.newClient }, 'ticket registered');
      return result;
    },

    async classifyTicket(input: ClassifyInput): Promise<ClassifiedTicket> {
      return db.transaction((tx) => withEvents(tx, (events) => classifyIn(tx, input, events)));
    },

    async enqueueTicket(input: EnqueueInput): Promise<QueuedTicket> {
      const queued = await db.transaction((tx) => withEvents(tx, (events) => enqueueIn(tx, input, events)));
      ticketLog(input.ticketId).info({ queue: queued.queueCode }, 'ticket queued');
      return queued;
    },

    /** Assigns the ticket and quotes price and due date from the catalog service's norm hours. */
    async acceptTicket(input: { ticketId: number; operatorId: string }): Promise<TicketDetails> {
      await db.transaction(async (tx) => {
        const [row] = await tx
          .select({ acceptedAt: tickets.acceptedAt, assigneeId: tickets.assigneeId, price: catalogServices.price, normHours: catalogServices.normHours })
          .from(tickets)
          .leftJoin(catalogServices, eq(catalogServices.id, tickets.serviceId))
          .where(eq(tickets.id, input.ticketId))
          .for('update', { of: tickets });
        if (!row) throw new Error(`ticket ${input.ticketId} is not registered`);
        if (row.assigneeId && row.assigneeId !== input.operatorId) throw new Error(`ticket ${input.ticketId} is assigned to ${row.assigneeId}`);
        const acceptedAt = row.acceptedAt ?? new Date();
        const quote = row.price !== null && row.normHours !== null ? quoteFromCatalog({ price: row.price, normHours: row.normHours }, acceptedAt) : null;
        await tx
          .update(tickets)
          .set({
            assigneeId: input.operatorId,
            acceptedAt,
            stage: 'in_work',
            quotedPrice: quote?.price ?? null,
            quotedNormHours: quote ? String(quote.normHours) : null,
            dueAt: quote?.dueAt ?? null,
            updatedAt: new Date(),
          })
          .where(and(eq(tickets.id, input.ticketId), or(isNull(tickets.assigneeId), eq(tickets.assigneeId, input.operatorId))));
        await recordTicketEvent(tx, {
          ticketId: input.ticketId,
          elementId: TicketElement.accept,
          action: 'accepted',
          actor: input.operatorId,
          data: { price: quote?.price ?? null, dueAt: quote?.dueAt.toISOString() ?? null },
          dedupeKey: 'accept',
          at: acceptedAt,
        });
      });
      ticketLog(input.ticketId).info({ operatorId: input.operatorId }, 'ticket accepted');
      return (await loadTicketDetails(db, input.ticketId))!;
    },

    async recordWork(input: WorkRequest & { ticketId: number }): Promise<WorkRecorded> {
      return db.transaction(async (tx) => {
        await tx
          .insert(ticketWorkEntries)
          .values({ id: input.entryId, ticketId: input.ticketId, operatorId: input.operatorId, minutes: input.minutes, note: input.note })
          .onConflictDoNothing();
        await recordTicketEvent(tx, {
          ticketId: input.ticketId,
          elementId: TicketElement.execute,
          action: 'work_recorded',
          actor: input.operatorId,
          data: { entryId: input.entryId, minutes: input.minutes },
          dedupeKey: `work:${input.entryId}`,
        });
        const [totals] = await tx
          .select({ total: sql<number>`coalesce(sum(${ticketWorkEntries.minutes}), 0)::int`, norm: tickets.quotedNormHours })
          .from(tickets)
          .leftJoin(ticketWorkEntries, eq(ticketWorkEntries.ticketId, tickets.id))
          .where(eq(tickets.id, input.ticketId))
          .groupBy(tickets.quotedNormHours);
        return {
          entryId: input.entryId,
          totalMinutes: totals?.total ?? input.minutes,
          normMinutes: totals?.norm == null ? null : Math.round(Number(totals.norm) * 60),
        };
      });
    },

    async resolveTicket(input: { ticketId: number; operatorId: string; resolution: string }): Promise<Resolved> {
      const resolvedAt = await db.transaction(async (tx) => {
        const [row] = await tx
          .update(tickets)
          .set({ resolution: input.resolution.trim(), resolvedAt: sql`coalesce(${tickets.resolvedAt}, now())`, stage: 'resolved', updatedAt: new Date() })
          .where(eq(tickets.id, input.ticketId))
          .returning({ resolvedAt: tickets.resolvedAt });
        await recordTicketEvent(tx, { ticketId: input.ticketId, elementId: TicketElement.execute, action: 'resolved', actor: input.operatorId, dedupeKey: 'resolve', at: row!.resolvedAt! });
        return row!.resolvedAt!;
      });
      ticketLog(input.ticketId).info({ operatorId: input.operatorId }, 'ticket resolved');
      return { ticketId: input.ticketId, resolvedAt: resolvedAt.toISOString() };
    },

    /**
     * Tells the client the work is done, with the survey link. The message is put in the outbox
     * once; a retry after it was sent sends nothing. Only a crash between the SMTP server's
     * acceptance and marking the row sent can resend it, with the same Message-ID.
     */
    async notifyClient(input: { ticketId: number }): Promise<Notified> {
      const log = ticketLog(input.ticketId);
      const details = await loadTicketDetails(db, input.ticketId);
      if (!details) throw new Error(`ticket ${input.ticketId} is not registered`);
      const recipient = details.client.email;
      if (!recipient) {
        await recordTicketEvent(db, { ticketId: input.ticketId, elementId: TicketElement.notify, action: 'not_notified', data: { reason: 'the client has no e-mail address', preferredChannel: details.client.preferredChannel }, dedupeKey: 'notify' });
        await markAwaitingSurvey(input.ticketId);
        log.warn('client has no deliverable channel; nothing sent');
        return { channel: null, recipient: null, status: 'no_channel' };
      }
      const token = randomBytes(18).toString('base64url');
      await db.update(tickets).set({ surveyToken: token }).where(and(eq(tickets.id, input.ticketId), isNull(tickets.surveyToken)));
      const [{ surveyToken }] = (await db.select({ surveyToken: tickets.surveyToken }).from(tickets).where(eq(tickets.id, input.ticketId))) as [{ surveyToken: string }];
      const notice = resolutionNotice(details, new URL(path.posix.join('/survey', String(input.ticketId)) + `?token=${surveyToken}`, publicUrl).toString());
      const host = new URL(publicUrl).hostname || 'localhost';
      await db
        .insert(outbox)
        .values({ ticketId: input.ticketId, purpose: 'resolution', channel: 'email', recipient, subject: notice.subject, body: notice.text, messageId: `<ticket-${input.ticketId}.resolution@${host}>` })
        .onConflictDoNothing();
      const [message] = await db
        .update(outbox)
        .set({ status: 'sending', attempts: sql`${outbox.attempts} + 1` })
        .where(and(eq(outbox.ticketId, input.ticketId), eq(outbox.purpose, 'resolution'), or(eq(outbox.status, 'pending'), eq(outbox.status, 'sending'))))
        .returning();
      if (!message) {
        log.info('resolution notice already sent');
        return { channel: 'email', recipient, status: 'already_sent' };
      }
      try {
        await mailer.send({ to: message.recipient, subject: message.subject, text: message.body, messageId: message.messageId });
      } catch (error) {
        await db.update(outbox).set({ lastError: String(error) }).where(eq(outbox.id, message.id));
        throw error;
      }
      await db.transaction(async (tx) => {
        await tx.update(outbox).set({ status: 'sent', sentAt: new Date(), lastError: null }).where(eq(outbox.id, message.id));
        await recordTicketEvent(tx, { ticketId: input.ticketId, elementId: TicketElement.notify, action: 'notified', data: { channel: 'email', recipient }, dedupeKey: 'notify' });
      });
      await markAwaitingSurvey(input.ticketId);
      log.info({ recipient, via: mailer.target }, 'client notified');
      return { channel: 'email', recipient, status: 'sent' };
    },

    /** Stores the survey answer (or that none came) and closes the ticket. */
    async closeTicket(input: { ticketId: number; survey: SurveyAnswer | null }): Promise<void> {
      await db.transaction(async (tx) => {
        await tx
          .update(tickets)
          .set({ stage: 'closed', csat: input.survey?.csat ?? null, surveyComment: input.survey?.comment ?? null, closedAt: sql`coalesce(${tickets.closedAt}, now())`, updatedAt: new Date() })
          .where(eq(tickets.id, input.ticketId));
        if (input.survey) {
          await recordTicketEvent(tx, { ticketId: input.ticketId, elementId: TicketElement.survey, action: 'survey_answered', data: { csat: input.survey.csat }, dedupeKey: 'survey' });
        } else {
          await recordTicketEvent(tx, { ticketId: input.ticketId, elementId: TicketElement.surveyExpired, action: 'survey_expired', dedupeKey: 'survey' });
        }
        await recordTicketEvent(tx, { ticketId: input.ticketId, elementId: TicketElement.closed, action: 'closed', dedupeKey: 'closed' });
      });
      ticketLog(input.ticketId).info({ csat: input.survey?.csat ?? null }, 'ticket closed');
    },
  };

  async function markAwaitingSurvey(ticketId: number) {
    await db.update(tickets).set({ stage: 'awaiting_survey', updatedAt: new Date() }).where(and(eq(tickets.id, ticketId), eq(tickets.stage, 'resolved')));
  }
}

type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

interface ClassifyInput {
  ticketId: number;
  subject: string;
  description: string;
  clientCategory: ClientCategory;
}

interface EnqueueInput {
  ticketId: number;
  category: string;
}

/** Runs a step that collects its events, then records them in one statement. */
async function withEvents<T>(tx: Transaction, step: (events: TicketEventRecord[]) => Promise<T>): Promise<T> {
  const events: TicketEventRecord[] = [];
  const result = await step(events);
  await recordTicketEvents(tx, events);
  return result;
}

/** The client is found by phone or e-mail, created if new. */
async function findOrCreateClient(tx: Transaction, intake: TicketIntake) {
  const phone = intake.client.phone ? normalizePhone(intake.client.phone) ?? null : null;
  const email = intake.client.email ? normalizeEmail(intake.client.email) ?? null : null;
  const findClient = async () => {
    const match = [phone ? eq(clients.phone, phone) : undefined, email ? eq(clients.email, email) : undefined].filter((c) => c !== undefined);
    if (match.length === 0) return undefined;
    const rows = await tx.select().from(clients).where(or(...match)).orderBy(clients.id).limit(1);
    return rows[0];
  };
  const found = await findClient();
  if (found) return { client: found, newClient: false };
  const inserted = await tx
    .insert(clients)
    .values({ name: intake.client.name ?? null, phone, email })
    .onConflictDoNothing()
    .returning();
  const client = inserted[0] ?? (await findClient());
  if (!client) throw new Error(`client of ticket ${intake.ticketId} could not be found or created`);
  return { client, newClient: inserted.length > 0 };
}

const servicesOf = (tx: Transaction, category: string) =>
  tx
    .select({ id: catalogServices.id, code: catalogServices.code, category: catalogServices.category, keywords: catalogServices.keywords, isCategoryDefault: catalogServices.isCategoryDefault })
    .from(catalogServices)
    .where(eq(catalogServices.category, category))
    .orderBy(catalogServices.id);

const receivedEvents = (intake: TicketIntake, clientId: number, newClient: boolean): TicketEventRecord[] => [
  { ticketId: intake.ticketId, elementId: TicketElement.received, action: 'received', data: { channel: intake.channel }, dedupeKey: 'received', at: new Date(intake.receivedAt) },
  { ticketId: intake.ticketId, elementId: TicketElement.register, action: 'registered', data: { clientId, newClient }, dedupeKey: 'register' },
];

/** A new ticket's row written once, classified and queued; undefined if the row already exists. */
async function intakeIn(tx: Transaction, intake: TicketIntake, events: TicketEventRecord[]): Promise<IntakeOutcome | undefined> {
  const { client, newClient } = await findOrCreateClient(tx, intake);
  const clientCategory = client.category as ClientCategory;
  const { category, priority, matched } = classifyByRules({ subject: intake.subject, description: intake.description, clientCategory });
  const service = chooseService(await servicesOf(tx, category), category, `${intake.subject} ${intake.description}`);
  const queue = chooseQueue(await tx.select().from(queues), category);
  if (!queue) throw new Error(`no queue takes category ${category} and there is no fallback queue`);
  const [written] = await tx
    .insert(tickets)
    .values({
      id: intake.ticketId,
      workflowId: ticketWorkflowId(intake.ticketId),
      channel: intake.channel,
      subject: intake.subject,
      description: intake.description,
      clientId: client.id,
      stage: 'queued',
      category,
      priority,
      serviceId: service?.id ?? null,
      queueId: queue.id,
      queuedAt: sql`now()`,
      createdAt: new Date(intake.receivedAt),
    })
    .onConflictDoNothing()
    .returning({ id: tickets.id });
  if (!written) return undefined;
  events.push(
    ...receivedEvents(intake, client.id, newClient),
    { ticketId: intake.ticketId, elementId: TicketElement.classify, action: 'classified', data: { category, priority, matched, service: service?.code ?? null }, dedupeKey: 'classify' },
    { ticketId: intake.ticketId, elementId: TicketElement.queue, action: 'queued', data: { queue: queue.code }, dedupeKey: 'queue' },
  );
  return {
    registered: { clientId: client.id, clientCategory, newClient },
    classified: { category, priority, serviceCode: service?.code ?? null },
    queued: { queueId: queue.id, queueCode: queue.code, groupId: queue.groupId },
  };
}

async function registerIn(tx: Transaction, intake: TicketIntake, events: TicketEventRecord[]): Promise<RegisteredTicket> {
  const { client: found, newClient } = await findOrCreateClient(tx, intake);
  let client = found;
  const [written] = await tx
    .insert(tickets)
    .values({
      id: intake.ticketId,
      workflowId: ticketWorkflowId(intake.ticketId),
      channel: intake.channel,
      subject: intake.subject,
      description: intake.description,
      clientId: client.id,
      stage: 'registering',
      createdAt: new Date(intake.receivedAt),
    })
    .onConflictDoNothing()
    .returning({ clientId: tickets.clientId });
  // Nothing written: a retry, and the row from the first attempt tells which client it has.
  const [ticket] = written ? [written] : await tx.select({ clientId: tickets.clientId }).from(tickets).where(eq(tickets.id, intake.ticketId));
  if (ticket!.clientId !== client.id) {
    // A retry after the client row changed: keep the client the ticket was registered with.
    [client] = await tx.select().from(clients).where(eq(clients.id, ticket!.clientId));
  }
  events.push(...receivedEvents(intake, client!.id, newClient));
  return { clientId: client!.id, clientCategory: client!.category as ClientCategory, newClient };
}

async function classifyIn(tx: Transaction, input: ClassifyInput, events: TicketEventRecord[]): Promise<ClassifiedTicket> {
  const { category, priority, matched } = classifyByRules(input);
  const service = chooseService(await servicesOf(tx, category), category, `${input.subject} ${input.description}`);
  await tx.update(tickets).set({ category, priority, serviceId: service?.id ?? null, updatedAt: new Date() }).where(eq(tickets.id, input.ticketId));
  events.push({ ticketId: input.ticketId, elementId: TicketElement.classify, action: 'classified', data: { category, priority, matched, service: service?.code ?? null }, dedupeKey: 'classify' });
  return { category, priority, serviceCode: service?.code ?? null };
}

async function enqueueIn(tx: Transaction, input: EnqueueInput, events: TicketEventRecord[]): Promise<QueuedTicket> {
  const queue = chooseQueue(await tx.select().from(queues), input.category);
  if (!queue) throw new Error(`no queue takes category ${input.category} and there is no fallback queue`);
  await tx
    .update(tickets)
    .set({ queueId: queue.id, stage: 'queued', queuedAt: sql`coalesce(${tickets.queuedAt}, now())`, updatedAt: new Date() })
    .where(and(eq(tickets.id, input.ticketId), eq(tickets.stage, 'registering')));
  events.push({ ticketId: input.ticketId, elementId: TicketElement.queue, action: 'queued', data: { queue: queue.code }, dedupeKey: 'queue' });
  return { queueId: queue.id, queueCode: queue.code, groupId: queue.groupId };
}

export type TicketActivities = ReturnType<typeof createActivities>;
