import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { and, eq, isNull, or, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Mailer } from '../src/channels/email';
import type { Database } from '../src/db/client';
import { recordTicketEvent } from '../src/db/events';
import { catalogServices, clients, outbox, queues, tickets, ticketWorkEntries, type ClientCategory } from '../src/db/schema';
import { chooseQueue, chooseService, classifyTicket as classifyByRules } from '../src/domain/classify';
import { normalizeEmail, normalizePhone } from '../src/domain/contacts';
import { resolutionNotice } from '../src/domain/notices';
import { TicketElement, ticketWorkflowId } from '../src/domain/process';
import { quoteFromCatalog } from '../src/domain/quote';
import { teamCalendarOfTicket } from '../src/repositories/calendars';
import { loadTicketDetails } from '../src/repositories/tickets';
import { createSlaActivities } from './sla';
import type {
  ClassifiedTicket,
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
    ...createSlaActivities({ db, mailer, logger }),

    /** The client is found by phone or e-mail, created if new; the ticket row is written once. */
    async registerTicket(intake: TicketIntake): Promise<RegisteredTicket> {
      const phone = intake.client.phone ? normalizePhone(intake.client.phone) ?? null : null;
      const email = intake.client.email ? normalizeEmail(intake.client.email) ?? null : null;
      const result = await db.transaction(async (tx) => {
        const findClient = async () => {
          const match = [phone ? eq(clients.phone, phone) : undefined, email ? eq(clients.email, email) : undefined].filter((c) => c !== undefined);
          if (match.length === 0) return undefined;
          const rows = await tx.select().from(clients).where(or(...match)).orderBy(clients.id).limit(1);
          return rows[0];
        };
        let client = await findClient();
        let newClient = false;
        if (!client) {
          const inserted = await tx
            .insert(clients)
            .values({ name: intake.client.name ?? null, phone, email })
            .onConflictDoNothing()
            .returning();
          client = inserted[0] ?? (await findClient());
          newClient = inserted.length > 0;
        }
        if (!client) throw new Error(`client of ticket ${intake.ticketId} could not be found or created`);
        await tx
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
          .onConflictDoNothing();
        const [ticket] = await tx.select({ clientId: tickets.clientId }).from(tickets).where(eq(tickets.id, intake.ticketId));
        if (ticket!.clientId !== client.id) {
          // A retry after the client row changed: keep the client the ticket was registered with.
          [client] = await tx.select().from(clients).where(eq(clients.id, ticket!.clientId));
        }
        await recordTicketEvent(tx, { ticketId: intake.ticketId, elementId: TicketElement.received, action: 'received', data: { channel: intake.channel }, dedupeKey: 'received', at: new Date(intake.receivedAt) });
        await recordTicketEvent(tx, { ticketId: intake.ticketId, elementId: TicketElement.register, action: 'registered', data: { clientId: client!.id, newClient }, dedupeKey: 'register' });
        return { clientId: client!.id, clientCategory: client!.category as ClientCategory, newClient };
      });
      ticketLog(intake.ticketId).info({ clientId: result.clientId, newClient: result.newClient }, 'ticket registered');
      return result;
    },

    async classifyTicket(input: { ticketId: number; subject: string; description: string; clientCategory: ClientCategory }): Promise<ClassifiedTicket> {
      const { category, priority, matched } = classifyByRules(input);
      const services = await db
        .select({ id: catalogServices.id, code: catalogServices.code, category: catalogServices.category, keywords: catalogServices.keywords, isCategoryDefault: catalogServices.isCategoryDefault })
        .from(catalogServices)
        .where(and(eq(catalogServices.category, category), eq(catalogServices.active, true)))
        .orderBy(catalogServices.id);
      const service = chooseService(services, category, `${input.subject} ${input.description}`);
      await db.transaction(async (tx) => {
        await tx.update(tickets).set({ category, priority, serviceId: service?.id ?? null, updatedAt: new Date() }).where(eq(tickets.id, input.ticketId));
        await recordTicketEvent(tx, { ticketId: input.ticketId, elementId: TicketElement.classify, action: 'classified', data: { category, priority, matched, service: service?.code ?? null }, dedupeKey: 'classify' });
      });
      return { category, priority, serviceCode: service?.code ?? null };
    },

    async enqueueTicket(input: { ticketId: number; category: string }): Promise<QueuedTicket> {
      const allQueues = await db.select().from(queues);
      const queue = chooseQueue(allQueues, input.category);
      if (!queue) throw new Error(`no queue takes category ${input.category} and there is no fallback queue`);
      await db.transaction(async (tx) => {
        await tx
          .update(tickets)
          .set({ queueId: queue.id, supportLine: queue.supportLine, stage: 'queued', queuedAt: sql`coalesce(${tickets.queuedAt}, now())`, updatedAt: new Date() })
          .where(and(eq(tickets.id, input.ticketId), eq(tickets.stage, 'registering')));
        await recordTicketEvent(tx, { ticketId: input.ticketId, elementId: TicketElement.queue, action: 'queued', data: { queue: queue.code }, dedupeKey: 'queue' });
      });
      ticketLog(input.ticketId).info({ queue: queue.code }, 'ticket queued');
      return { queueId: queue.id, queueCode: queue.code, groupId: queue.groupId };
    },

    /**
     * Assigns the ticket and quotes price and due date from the catalog service's norm hours on
     * the servicing team's calendar. `acceptance` counts accepts: an escalated ticket is accepted again.
     */
    async acceptTicket(input: { ticketId: number; operatorId: string; acceptance?: number }): Promise<TicketDetails> {
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
        const calendar = await teamCalendarOfTicket(tx, input.ticketId, acceptedAt);
        const quote = row.price !== null && row.normHours !== null ? quoteFromCatalog({ price: row.price, normHours: row.normHours }, acceptedAt, calendar) : null;
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
          dedupeKey: (input.acceptance ?? 1) > 1 ? `accept:${input.acceptance}` : 'accept',
          at: (input.acceptance ?? 1) > 1 ? new Date() : acceptedAt,
        });
      });
      ticketLog(input.ticketId).info({ operatorId: input.operatorId }, 'ticket accepted');
      return (await loadTicketDetails(db, input.ticketId))!;
    },

    /** Work against the norm: the entry, the checklist steps done, and actual/norm stored on the ticket. */
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
          data: { entryId: input.entryId, minutes: input.minutes, ...(input.stepsDone?.length ? { stepsDone: input.stepsDone } : {}) },
          dedupeKey: `work:${input.entryId}`,
        });
        const [totals] = await tx
          .select({ total: sql<number>`coalesce(sum(${ticketWorkEntries.minutes}), 0)::int`, norm: tickets.quotedNormHours, done: tickets.checklistDone })
          .from(tickets)
          .leftJoin(ticketWorkEntries, eq(ticketWorkEntries.ticketId, tickets.id))
          .where(eq(tickets.id, input.ticketId))
          .groupBy(tickets.quotedNormHours, tickets.checklistDone);
        const totalMinutes = totals?.total ?? input.minutes;
        const normMinutes = totals?.norm == null ? null : Math.round(Number(totals.norm) * 60);
        const normRatio = normMinutes ? Math.round((totalMinutes / normMinutes) * 1000) / 1000 : null;
        const checklistDone = [...new Set([...(totals?.done ?? []), ...(input.stepsDone ?? [])])];
        await tx
          .update(tickets)
          .set({ workNormRatio: normRatio === null ? null : String(normRatio), checklistDone, updatedAt: new Date() })
          .where(eq(tickets.id, input.ticketId));
        return { entryId: input.entryId, totalMinutes, normMinutes, normRatio, checklistDone };
      });
    },

    /** Resolves the ticket, recording the line that solved it and, when late, the overdue reason. */
    async resolveTicket(input: { ticketId: number; operatorId: string; resolution: string; overdueReason?: string; overdueNote?: string }): Promise<Resolved> {
      const resolvedAt = await db.transaction(async (tx) => {
        const [row] = await tx
          .update(tickets)
          .set({
            resolution: input.resolution.trim(),
            resolvedAt: sql`coalesce(${tickets.resolvedAt}, now())`,
            stage: 'resolved',
            solvedLine: sql`${tickets.supportLine}`,
            overdueReason: input.overdueReason ?? null,
            overdueNote: input.overdueNote?.trim() || null,
            updatedAt: new Date(),
          })
          .where(eq(tickets.id, input.ticketId))
          .returning({ resolvedAt: tickets.resolvedAt });
        await recordTicketEvent(tx, { ticketId: input.ticketId, elementId: TicketElement.execute, action: 'resolved', actor: input.operatorId, data: input.overdueReason ? { overdueReason: input.overdueReason } : {}, dedupeKey: 'resolve', at: row!.resolvedAt! });
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

export type TicketActivities = ReturnType<typeof createActivities>;
