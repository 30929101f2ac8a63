import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { and, eq, isNull, or, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Mailer } from '../src/channels/email';
import type { Database } from '../src/db/client';
import { recordTicketEvent, recordTicketEvents, type TicketEventRecord } from '../src/db/events';
import {
  catalogServices,
  clients,
  outbox,
  queues,
  ticketEvents,
  ticketOffers,
  tickets,
  ticketWorkEntries,
  type ClientCategory,
} from '../src/db/schema';
import { chooseQueue, classifyTicket } from '../src/domain/classify';
import { normalizeEmail, normalizePhone } from '../src/domain/contacts';
import { resolutionNotice } from '../src/domain/notices';
import { EscalationElement, TicketElement, ticketWorkflowId } from '../src/domain/process';
import { quoteFromCatalog } from '../src/domain/quote';
import type { RoutingFacts } from '../src/domain/rules';
import { planSlaDeadlines, slaTermsOf } from '../src/domain/sla-plan';
import {
  agreementCalendarOf,
  agreementOf,
  createRoutingCache,
  decideRouting,
  retrainCategoryModel,
  type ReferenceData,
} from '../src/repositories/routing';
import { loadTicketDetails } from '../src/repositories/tickets';
import {
  TicketFailure,
  type CategoryModelTrained,
  type ClassifiedTicket,
  type ComplaintResolved,
  type IntakeOutcome,
  type Reopened,
  type MoveRequest,
  type ReassignRequest,
  type TransferRequest,
  type Notified,
  type QueuedTicket,
  type RegisteredTicket,
  type Resolved,
  type SlaStart,
  type SlaTerms,
  type SurveyAnswer,
  type TicketDetails,
  type TicketIntake,
  type WorkRecorded,
  type WorkRequest,
} from '../workflows/types';
import { teamCalendarOfTicket } from '../src/repositories/calendars';
import { createSlaActivities } from './sla';

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
  const routing = createRoutingCache(db);

  return {
    ...createSlaActivities({ db, mailer, logger }),
    /**
     * Register → classify → queue in one transaction and one local activity; given `sla`, the
     * SLA clock starts here too (agreement, first deadlines), so the workflow starts its first
     * timer in the same workflow task. A new ticket's row is written once, already queued, from
     * reference data kept in memory (see createRoutingCache), and its events go in one insert.
     * A retry, or a row left by the step-by-step intake of older tickets, goes through the
     * steps, which are idempotent.
     */
    async intakeTicket(intake: TicketIntake, sla?: { startedAt: string }): Promise<IntakeOutcome> {
      const outcome = await db.transaction(async (tx) => {
        const reference = await routing.current(tx);
        return (
          (await intakeNewTicket(tx, reference, intake, sla)) ?? (await intakeStepByStep(tx, reference, intake, sla))
        );
      });
      const { registered, queued } = outcome;
      ticketLog(intake.ticketId).info(
        {
          clientId: registered.clientId,
          newClient: registered.newClient,
          queue: queued.queueCode,
          autoAssignee: queued.autoAssignee,
          slaAgreementId: outcome.sla?.terms.agreementId,
        },
        'ticket registered and queued',
      );
      return outcome;
    },

    /** The client is found by phone or e-mail, created if new; the ticket row is written once. */
    async registerTicket(intake: TicketIntake): Promise<RegisteredTicket> {
      const result = await db.transaction((tx) => registerIn(tx, intake));
      ticketLog(intake.ticketId).info({ clientId: result.clientId, newClient: result.newClient }, 'ticket registered');
      return result;
    },

    async classifyTicket(input: ClassifyInput): Promise<ClassifiedTicket> {
      return db.transaction(async (tx) => classifyIn(tx, await routing.current(tx), input));
    },

    async enqueueTicket(input: EnqueueInput): Promise<QueuedTicket> {
      const queued = await db.transaction(async (tx) => enqueueIn(tx, await routing.current(tx), input));
      ticketLog(input.ticketId).info({ queue: queued.queueCode, autoAssignee: queued.autoAssignee }, 'ticket queued');
      return queued;
    },

    /**
     * Assigns the ticket and quotes price and due date from the catalog service's norm hours on
     * the servicing team's calendar. `acceptance` counts accepts: an escalated ticket is accepted again.
     */
    async acceptTicket(input: { ticketId: number; operatorId: string; acceptance?: number }): Promise<TicketDetails> {
      await db.transaction(async (tx) => {
        const [row] = await tx
          .select({
            acceptedAt: tickets.acceptedAt,
            assigneeId: tickets.assigneeId,
            price: catalogServices.price,
            normHours: catalogServices.normHours,
          })
          .from(tickets)
          .leftJoin(catalogServices, eq(catalogServices.id, tickets.serviceId))
          .where(eq(tickets.id, input.ticketId))
          .for('update', { of: tickets });
        if (!row) throw new Error(`ticket ${input.ticketId} is not registered`);
        if (row.assigneeId && row.assigneeId !== input.operatorId)
          throw new Error(`ticket ${input.ticketId} is assigned to ${row.assigneeId}`);
        const acceptedAt = row.acceptedAt ?? new Date();
        const calendar = await teamCalendarOfTicket(tx, input.ticketId, acceptedAt);
        const quote =
          row.price !== null && row.normHours !== null
            ? quoteFromCatalog({ price: row.price, normHours: row.normHours }, acceptedAt, calendar)
            : null;
        await tx
          .update(tickets)
          .set({
            assigneeId: input.operatorId,
            acceptedAt,
            stage: 'in_work',
            quotedPrice: quote?.price ?? null,
            quotedNormHours: quote ? String(quote.normHours) : null,
            dueAt: quote?.dueAt ?? null,
            offeredTo: null,
            offerExpiresAt: null,
            updatedAt: new Date(),
          })
          .where(
            and(
              eq(tickets.id, input.ticketId),
              or(isNull(tickets.assigneeId), eq(tickets.assigneeId, input.operatorId)),
            ),
          );
        await tx
          .update(ticketOffers)
          .set({
            outcome: sql`case when ${ticketOffers.operatorId} = ${input.operatorId} then 'accepted' else 'withdrawn' end`,
            closedAt: new Date(),
          })
          .where(and(eq(ticketOffers.ticketId, input.ticketId), eq(ticketOffers.outcome, 'offered')));
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

    /** The ticket changes hands; who moved it, from whom and why go on its trail. */
    async reassignTicket(input: ReassignRequest & { ticketId: number; from: string }): Promise<void> {
      await db.transaction(async (tx) => {
        await tx
          .update(tickets)
          .set({ assigneeId: input.toOperatorId, updatedAt: new Date() })
          .where(eq(tickets.id, input.ticketId));
        await recordTicketEvent(tx, {
          ticketId: input.ticketId,
          elementId: TicketElement.accept,
          action: 'reassigned',
          actor: input.actorId,
          data: { from: input.from, to: input.toOperatorId, reason: input.reason },
          dedupeKey: `move:${input.moveId}`,
        });
      });
      ticketLog(input.ticketId).info(
        { from: input.from, to: input.toOperatorId, by: input.actorId },
        'ticket reassigned',
      );
    },

    /** Back to its queue, unassigned: the quote stays, the next accept quotes again. */
    async returnTicketToQueue(input: MoveRequest & { ticketId: number; from: string }): Promise<void> {
      await db.transaction(async (tx) => {
        await tx
          .update(tickets)
          .set({
            assigneeId: null,
            acceptedAt: null,
            stage: 'queued',
            offeredTo: null,
            offerExpiresAt: null,
            updatedAt: new Date(),
          })
          .where(eq(tickets.id, input.ticketId));
        await recordTicketEvent(tx, {
          ticketId: input.ticketId,
          elementId: TicketElement.queue,
          action: 'returned_to_queue',
          actor: input.actorId,
          data: { from: input.from, reason: input.reason },
          dedupeKey: `move:${input.moveId}`,
        });
      });
      ticketLog(input.ticketId).info({ from: input.from, by: input.actorId }, 'ticket returned to its queue');
    },

    /** Into another queue, unassigned. A queue that does not exist fails the move, not the ticket. */
    async transferTicket(input: TransferRequest & { ticketId: number; from: string | null }): Promise<QueuedTicket> {
      const [queue] = await db.select().from(queues).where(eq(queues.id, input.toQueueId));
      if (!queue)
        throw ApplicationFailure.create({
          type: TicketFailure.invalidRequest,
          message: `queue ${input.toQueueId} does not exist`,
          nonRetryable: true,
        });
      await db.transaction(async (tx) => {
        const [before] = await tx
          .select({ queueId: tickets.queueId })
          .from(tickets)
          .where(eq(tickets.id, input.ticketId));
        await tx
          .update(tickets)
          .set({
            queueId: queue.id,
            assigneeId: null,
            acceptedAt: null,
            stage: 'queued',
            offeredTo: null,
            offerExpiresAt: null,
            queuedAt: sql`now()`,
            updatedAt: new Date(),
          })
          .where(eq(tickets.id, input.ticketId));
        await tx
          .update(ticketOffers)
          .set({ outcome: 'withdrawn', closedAt: new Date() })
          .where(and(eq(ticketOffers.ticketId, input.ticketId), eq(ticketOffers.outcome, 'offered')));
        await recordTicketEvent(tx, {
          ticketId: input.ticketId,
          elementId: TicketElement.queue,
          action: 'transferred',
          actor: input.actorId,
          data: {
            fromQueueId: before?.queueId ?? null,
            toQueue: queue.code,
            fromAssignee: input.from,
            reason: input.reason,
          },
          dedupeKey: `move:${input.moveId}`,
        });
      });
      ticketLog(input.ticketId).info({ queue: queue.code, by: input.actorId }, 'ticket transferred');
      return { queueId: queue.id, queueCode: queue.code, groupId: queue.groupId };
    },

    /** Deterministic training on the verdicts so far; a retry stores the same model once. */
    async retrainCategoryModel(): Promise<CategoryModelTrained> {
      const trained = await retrainCategoryModel(db);
      logger.info(trained, 'category model trained');
      return trained;
    },

    /** Work against the norm: the entry, the checklist steps done, and actual/norm stored on the ticket. */
    async recordWork(input: WorkRequest & { ticketId: number }): Promise<WorkRecorded> {
      return db.transaction(async (tx) => {
        await tx
          .insert(ticketWorkEntries)
          .values({
            id: input.entryId,
            ticketId: input.ticketId,
            operatorId: input.operatorId,
            minutes: input.minutes,
            note: input.note,
          })
          .onConflictDoNothing();
        await recordTicketEvent(tx, {
          ticketId: input.ticketId,
          elementId: TicketElement.execute,
          action: 'work_recorded',
          actor: input.operatorId,
          data: {
            entryId: input.entryId,
            minutes: input.minutes,
            ...(input.stepsDone?.length ? { stepsDone: input.stepsDone } : {}),
          },
          dedupeKey: `work:${input.entryId}`,
        });
        const [totals] = await tx
          .select({
            total: sql<number>`coalesce(sum(${ticketWorkEntries.minutes}), 0)::int`,
            norm: tickets.quotedNormHours,
            done: tickets.checklistDone,
          })
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
    async resolveTicket(input: {
      ticketId: number;
      operatorId: string;
      resolution: string;
      round?: number;
      overdueReason?: string;
      overdueNote?: string;
    }): Promise<Resolved> {
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
        await recordTicketEvent(tx, {
          ticketId: input.ticketId,
          elementId: TicketElement.execute,
          action: 'resolved',
          actor: input.operatorId,
          data: { round: input.round ?? 1, ...(input.overdueReason ? { overdueReason: input.overdueReason } : {}) },
          dedupeKey: perRound('resolve', input.round),
          at: row!.resolvedAt!,
        });
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
    async notifyClient(input: { ticketId: number; round?: number }): Promise<Notified> {
      const log = ticketLog(input.ticketId);
      const details = await loadTicketDetails(db, input.ticketId);
      if (!details) throw new Error(`ticket ${input.ticketId} is not registered`);
      const recipient = details.client.email;
      if (!recipient) {
        await recordTicketEvent(db, {
          ticketId: input.ticketId,
          elementId: TicketElement.notify,
          action: 'not_notified',
          data: { reason: 'the client has no e-mail address', preferredChannel: details.client.preferredChannel },
          dedupeKey: perRound('notify', input.round),
        });
        await markAwaitingSurvey(input.ticketId, input.round);
        log.warn('client has no deliverable channel; nothing sent');
        return { channel: null, recipient: null, status: 'no_channel' };
      }
      const token = randomBytes(18).toString('base64url');
      await db
        .update(tickets)
        .set({ surveyToken: token })
        .where(and(eq(tickets.id, input.ticketId), isNull(tickets.surveyToken)));
      const [{ surveyToken }] = (await db
        .select({ surveyToken: tickets.surveyToken })
        .from(tickets)
        .where(eq(tickets.id, input.ticketId))) as [{ surveyToken: string }];
      const purpose = perRound('resolution', input.round);
      const notice = resolutionNotice(
        details,
        new URL(path.posix.join('/survey', String(input.ticketId)) + `?token=${surveyToken}`, publicUrl).toString(),
      );
      const host = new URL(publicUrl).hostname || 'localhost';
      await db
        .insert(outbox)
        .values({
          ticketId: input.ticketId,
          purpose,
          channel: 'email',
          recipient,
          subject: notice.subject,
          body: notice.text,
          messageId: `<ticket-${input.ticketId}.${purpose.replace(':', '-')}@${host}>`,
        })
        .onConflictDoNothing();
      const [message] = await db
        .update(outbox)
        .set({ status: 'sending', attempts: sql`${outbox.attempts} + 1` })
        .where(
          and(
            eq(outbox.ticketId, input.ticketId),
            eq(outbox.purpose, purpose),
            or(eq(outbox.status, 'pending'), eq(outbox.status, 'sending')),
          ),
        )
        .returning();
      if (!message) {
        log.info('resolution notice already sent');
        return { channel: 'email', recipient, status: 'already_sent' };
      }
      try {
        await mailer.send({
          to: message.recipient,
          subject: message.subject,
          text: message.body,
          messageId: message.messageId,
        });
      } catch (error) {
        await db
          .update(outbox)
          .set({ lastError: String(error) })
          .where(eq(outbox.id, message.id));
        throw error;
      }
      await db.transaction(async (tx) => {
        await tx
          .update(outbox)
          .set({ status: 'sent', sentAt: new Date(), lastError: null })
          .where(eq(outbox.id, message.id));
        await recordTicketEvent(tx, {
          ticketId: input.ticketId,
          elementId: TicketElement.notify,
          action: 'notified',
          data: { channel: 'email', recipient },
          dedupeKey: perRound('notify', input.round),
        });
      });
      await markAwaitingSurvey(input.ticketId, input.round);
      log.info({ recipient, via: mailer.target }, 'client notified');
      return { channel: 'email', recipient, status: 'sent' };
    },

    /** The client or an operator reopens the resolved ticket: its assignee works it again. */
    async reopenTicket(input: { ticketId: number; round: number; by: string; reason: string }): Promise<Reopened> {
      const assigneeId = await db.transaction(async (tx) => {
        const [row] = await tx
          .update(tickets)
          .set({ stage: 'in_work', resolvedAt: null, updatedAt: new Date() })
          .where(eq(tickets.id, input.ticketId))
          .returning({ assigneeId: tickets.assigneeId });
        if (!row) throw new Error(`ticket ${input.ticketId} is not registered`);
        await recordTicketEvent(tx, {
          ticketId: input.ticketId,
          elementId: TicketElement.reopen,
          action: 'reopened',
          actor: input.by,
          data: { round: input.round, reason: input.reason },
          dedupeKey: `reopen:${input.round}`,
        });
        return row.assigneeId!;
      });
      ticketLog(input.ticketId).info({ by: input.by, round: input.round }, 'ticket reopened');
      return { ticketId: input.ticketId, round: input.round, assigneeId };
    },

    /** Stores the client's answer; a complaint (or a low score) opens the manager's step. */
    async takeSurveyAnswer(input: { ticketId: number; survey: SurveyAnswer; opensComplaint: boolean }): Promise<void> {
      const { survey } = input;
      await db.transaction(async (tx) => {
        await tx
          .update(tickets)
          .set({
            csat: survey.csat,
            surveyComment: survey.comment ?? null,
            ...(input.opensComplaint ? { stage: 'complaint' as const } : {}),
            updatedAt: new Date(),
          })
          .where(eq(tickets.id, input.ticketId));
        await recordTicketEvent(tx, {
          ticketId: input.ticketId,
          elementId: TicketElement.survey,
          action: 'survey_answered',
          data: { csat: survey.csat, complaint: survey.complaint ?? false },
          dedupeKey: 'survey',
        });
        if (input.opensComplaint) {
          await recordTicketEvent(tx, {
            ticketId: input.ticketId,
            elementId: TicketElement.handleComplaint,
            action: 'complaint_opened',
            data: { csat: survey.csat, explicit: survey.complaint ?? false, comment: survey.comment ?? null },
            dedupeKey: 'complaint_opened',
          });
        }
      });
      if (input.opensComplaint) ticketLog(input.ticketId).warn({ csat: survey.csat }, 'complaint opened');
    },

    async resolveComplaint(input: {
      ticketId: number;
      operatorId: string;
      resolution: string;
    }): Promise<ComplaintResolved> {
      const at = await db.transaction(async (tx) => {
        const recordedAt = new Date();
        await recordTicketEvent(tx, {
          ticketId: input.ticketId,
          elementId: TicketElement.handleComplaint,
          action: 'complaint_resolved',
          actor: input.operatorId,
          data: { resolution: input.resolution },
          dedupeKey: 'complaint_resolved',
          at: recordedAt,
        });
        const [event] = await tx
          .select({ at: ticketEvents.at })
          .from(ticketEvents)
          .where(and(eq(ticketEvents.ticketId, input.ticketId), eq(ticketEvents.dedupeKey, 'complaint_resolved')));
        return event!.at;
      });
      ticketLog(input.ticketId).info({ operatorId: input.operatorId }, 'complaint resolved');
      return { ticketId: input.ticketId, resolvedAt: at.toISOString() };
    },

    /** Stores the survey answer (or that none came) and closes the ticket. */
    async closeTicket(input: { ticketId: number; survey: SurveyAnswer | null }): Promise<void> {
      await db.transaction(async (tx) => {
        await tx
          .update(tickets)
          .set({
            stage: 'closed',
            csat: input.survey?.csat ?? null,
            surveyComment: input.survey?.comment ?? null,
            closedAt: sql`coalesce(${tickets.closedAt}, now())`,
            updatedAt: new Date(),
          })
          .where(eq(tickets.id, input.ticketId));
        if (input.survey) {
          await recordTicketEvent(tx, {
            ticketId: input.ticketId,
            elementId: TicketElement.survey,
            action: 'survey_answered',
            data: { csat: input.survey.csat },
            dedupeKey: 'survey',
          });
        } else {
          await recordTicketEvent(tx, {
            ticketId: input.ticketId,
            elementId: TicketElement.surveyExpired,
            action: 'survey_expired',
            dedupeKey: 'survey',
          });
        }
        await recordTicketEvent(tx, {
          ticketId: input.ticketId,
          elementId: TicketElement.closed,
          action: 'closed',
          dedupeKey: 'closed',
        });
      });
      ticketLog(input.ticketId).info({ csat: input.survey?.csat ?? null }, 'ticket closed');
    },
  };

  /**
   * A new ticket: client found or created, then everything decided in memory and the row
   * written once, classified, queued and under its SLA, with its steps' events in one insert.
   * Undefined when the row already exists (a retry): the caller goes through the steps.
   */
  async function intakeNewTicket(
    tx: Transaction,
    reference: ReferenceData,
    intake: TicketIntake,
    sla: { startedAt: string } | undefined,
  ): Promise<IntakeOutcome | undefined> {
    const { client, newClient } = await findOrCreateClient(tx, intake);
    const clientCategory = client.category as ClientCategory;
    const classification = classifyFacts(reference, {
      subject: intake.subject,
      description: intake.description,
      channel: intake.channel,
      clientCategory,
      productGroup: intake.productGroup ?? null,
      location: intake.location ?? null,
    });
    const { category, priority, service, supportLine } = classification;
    const queue = chooseQueue(
      reference.queues,
      { category, priority, clientCategory, channel: intake.channel, supportLine, region: intake.location ?? null },
      classification.queueCode,
    );
    if (!queue) throw new Error(`no queue takes category ${category} and there is no fallback queue`);
    const slaStart = sla
      ? startSla(reference, service?.id, clientCategory, queue.groupId, new Date(sla.startedAt))
      : undefined;
    const [written] = await tx
      .insert(tickets)
      .values({
        ...registeredRow(intake, client.id),
        stage: 'queued',
        category,
        priority,
        serviceId: service?.id ?? null,
        supportLine,
        queueId: queue.id,
        queuedAt: sql`now()`,
        ...(slaStart
          ? {
              slaAgreementId: slaStart.terms.agreementId,
              responseDueAt: new Date(slaStart.plans.response.dueAt),
              resolutionDueAt: new Date(slaStart.plans.resolution.dueAt),
            }
          : {}),
      })
      .onConflictDoNothing()
      .returning({ id: tickets.id });
    if (!written) return undefined;
    await recordTicketEvents(tx, [
      ...registerEvents(intake, client.id, newClient),
      classifyEvent(intake.ticketId, classification),
      queueEvent(intake.ticketId, queue.code),
      ...(slaStart ? slaStartedEvents(intake.ticketId, slaStart.terms) : []),
    ]);
    const autoAssignee = queue.autoAssign ? await holdForLeastLoaded(tx, intake.ticketId, queue, category) : undefined;
    return {
      registered: { clientId: client.id, clientCategory, newClient },
      classified: { category, priority, serviceCode: service?.code ?? null },
      queued: {
        queueId: queue.id,
        queueCode: queue.code,
        groupId: queue.groupId,
        ...(autoAssignee ? { autoAssignee } : {}),
      },
      ...(sla ? { sla: slaStart ?? null } : {}),
    };
  }

  /** The steps one by one, each idempotent: a retry answers as the first attempt did. */
  async function intakeStepByStep(
    tx: Transaction,
    reference: ReferenceData,
    intake: TicketIntake,
    sla: { startedAt: string } | undefined,
  ): Promise<IntakeOutcome> {
    const registered = await registerIn(tx, intake);
    const classified = await classifyIn(tx, reference, {
      ticketId: intake.ticketId,
      subject: intake.subject,
      description: intake.description,
      clientCategory: registered.clientCategory,
    });
    const queued = await enqueueIn(tx, reference, { ticketId: intake.ticketId, category: classified.category });
    if (!sla) return { registered, classified, queued };
    return {
      registered,
      classified,
      queued,
      sla: await startSlaIn(tx, reference, intake.ticketId, new Date(sla.startedAt)),
    };
  }

  /** The agreement of a queued ticket (the one it has, else its service's), written once, and its first deadlines. */
  async function startSlaIn(
    tx: Transaction,
    reference: ReferenceData,
    ticketId: number,
    startedAt: Date,
  ): Promise<SlaStart | null> {
    const [ticket] = await tx
      .select({
        serviceId: tickets.serviceId,
        agreementId: tickets.slaAgreementId,
        clientCategory: clients.category,
        groupId: queues.groupId,
      })
      .from(tickets)
      .innerJoin(clients, eq(clients.id, tickets.clientId))
      .leftJoin(queues, eq(queues.id, tickets.queueId))
      .where(eq(tickets.id, ticketId));
    if (!ticket) throw new Error(`ticket ${ticketId} is not registered`);
    const agreed =
      ticket.agreementId === null ? undefined : reference.agreements.find((a) => a.id === ticket.agreementId);
    const started = startSla(reference, ticket.serviceId, ticket.clientCategory, ticket.groupId, startedAt, agreed);
    if (!started || ticket.agreementId !== null) return started;
    await tx
      .update(tickets)
      .set({
        slaAgreementId: started.terms.agreementId,
        responseDueAt: new Date(started.plans.response.dueAt),
        resolutionDueAt: new Date(started.plans.resolution.dueAt),
        updatedAt: new Date(),
      })
      .where(eq(tickets.id, ticketId));
    await recordTicketEvents(tx, slaStartedEvents(ticketId, started.terms));
    return started;
  }

  /** Rules first, then the category model's suggestion, else triage; the decision and why go on the ticket's trail. */
  async function classifyIn(
    tx: Transaction,
    reference: ReferenceData,
    input: ClassifyInput,
  ): Promise<ClassifiedTicket> {
    const [ticket] = await tx
      .select({ channel: tickets.channel, productGroup: tickets.productGroup, location: tickets.location })
      .from(tickets)
      .where(eq(tickets.id, input.ticketId));
    if (!ticket) throw new Error(`ticket ${input.ticketId} is not registered`);
    const classification = classifyFacts(reference, { ...input, ...ticket });
    const { category, priority, service, supportLine } = classification;
    await tx
      .update(tickets)
      .set({ category, priority, serviceId: service?.id ?? null, supportLine, updatedAt: new Date() })
      .where(eq(tickets.id, input.ticketId));
    await recordTicketEvents(tx, [classifyEvent(input.ticketId, classification)]);
    return { category, priority, serviceCode: service?.code ?? null };
  }

  /** The queue a rule named, else the first queue whose filter takes the ticket, else the fallback (triage) queue. */
  async function enqueueIn(tx: Transaction, reference: ReferenceData, input: EnqueueInput): Promise<QueuedTicket> {
    const [row] = await tx
      .select({ ticket: tickets, clientCategory: clients.category, classified: ticketEvents.data })
      .from(tickets)
      .innerJoin(clients, eq(clients.id, tickets.clientId))
      .leftJoin(ticketEvents, and(eq(ticketEvents.ticketId, tickets.id), eq(ticketEvents.dedupeKey, 'classify')))
      .where(eq(tickets.id, input.ticketId));
    if (!row) throw new Error(`ticket ${input.ticketId} is not registered`);
    const facts = {
      category: input.category,
      priority: row.ticket.priority ?? 'normal',
      clientCategory: row.clientCategory,
      channel: row.ticket.channel,
      supportLine: row.ticket.supportLine ?? 1,
      region: row.ticket.location,
    };
    const queue = chooseQueue(
      reference.queues,
      facts,
      (row.classified?.queueCode as string | null | undefined) ?? null,
    );
    if (!queue) throw new Error(`no queue takes category ${input.category} and there is no fallback queue`);
    await tx
      .update(tickets)
      .set({
        queueId: queue.id,
        stage: 'queued',
        queuedAt: sql`coalesce(${tickets.queuedAt}, now())`,
        updatedAt: new Date(),
      })
      .where(and(eq(tickets.id, input.ticketId), eq(tickets.stage, 'registering')));
    await recordTicketEvents(tx, [queueEvent(input.ticketId, queue.code)]);
    const autoAssignee = queue.autoAssign
      ? await holdForLeastLoaded(tx, input.ticketId, queue, input.category)
      : undefined;
    return {
      queueId: queue.id,
      queueCode: queue.code,
      groupId: queue.groupId,
      ...(autoAssignee ? { autoAssignee } : {}),
    };
  }

  /**
   * The group's operator with the fewest tickets in work or on offer, below their limit and
   * competent for the category (or with no competences listed) and having the competence the
   * ticket's catalog service requires, if any. The ticket is held for them
   * as an offer in the same transaction, so the next ticket counts it; a retry finds the hold.
   */
  async function holdForLeastLoaded(
    tx: Parameters<Parameters<Database['transaction']>[0]>[0],
    ticketId: number,
    queue: { id: number; groupId: number },
    category: string,
  ) {
    const [held] = await tx
      .select({ operatorId: ticketOffers.operatorId })
      .from(ticketOffers)
      .where(and(eq(ticketOffers.ticketId, ticketId), eq(ticketOffers.outcome, 'offered')));
    if (held) return held.operatorId;
    // One choice at a time per queue: two tickets arriving together do not both see the same lightest load.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('auto-assign'), ${queue.id})`);
    const [chosen] = (await tx.execute(sql`
      select o.id from operators o
      join operator_group_members m on m.operator_id = o.id and m.group_id = ${queue.groupId}
      where (cardinality(o.competences) = 0 or ${category} = any(o.competences))
        and not exists (select 1 from tickets t join catalog_services s on s.id = t.service_id
                        where t.id = ${ticketId} and s.required_competence is not null and not (s.required_competence = any(o.competences)))
      group by o.id, o.ticket_limit
      having (select count(*) from tickets t where t.assignee_id = o.id and t.stage = 'in_work')
           + (select count(*) from ticket_offers f where f.operator_id = o.id and f.outcome = 'offered' and f.expires_at > now()) < o.ticket_limit
      order by (select count(*) from tickets t where t.assignee_id = o.id and t.stage = 'in_work')
             + (select count(*) from ticket_offers f where f.operator_id = o.id and f.outcome = 'offered' and f.expires_at > now()), o.id
      limit 1`)) as unknown as Array<{ id: string }>;
    if (!chosen) return undefined;
    await tx
      .update(tickets)
      .set({ offeredTo: chosen.id, offerExpiresAt: sql`now() + interval '1 hour'` })
      .where(eq(tickets.id, ticketId));
    await tx.insert(ticketOffers).values({
      ticketId,
      queueId: queue.id,
      operatorId: chosen.id,
      expiresAt: sql`now() + interval '1 hour'` as unknown as Date,
      reason: 'auto-assigned by least load',
    });
    return chosen.id;
  }

  /** The survey starts once the client has been told: the diagram's survey step begins here. */
  async function markAwaitingSurvey(ticketId: number, round: number | undefined) {
    await db.transaction(async (tx) => {
      await tx
        .update(tickets)
        .set({ stage: 'awaiting_survey', updatedAt: new Date() })
        .where(and(eq(tickets.id, ticketId), eq(tickets.stage, 'resolved')));
      await recordTicketEvent(tx, {
        ticketId,
        elementId: TicketElement.survey,
        action: 'survey_requested',
        data: { round: round ?? 1 },
        dedupeKey: perRound('survey_requested', round),
      });
    });
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

/** The client is found by phone or e-mail, created if new. */
async function findOrCreateClient(tx: Transaction, intake: TicketIntake) {
  const phone = intake.client.phone ? (normalizePhone(intake.client.phone) ?? null) : null;
  const email = intake.client.email ? (normalizeEmail(intake.client.email) ?? null) : null;
  const findClient = async () => {
    const match = [phone ? eq(clients.phone, phone) : undefined, email ? eq(clients.email, email) : undefined].filter(
      (c) => c !== undefined,
    );
    if (match.length === 0) return undefined;
    const rows = await tx
      .select()
      .from(clients)
      .where(or(...match))
      .orderBy(clients.id)
      .limit(1);
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

/** What registration writes of a ticket, whichever intake path writes the row. */
const registeredRow = (intake: TicketIntake, clientId: number) => ({
  id: intake.ticketId,
  workflowId: ticketWorkflowId(intake.ticketId),
  channel: intake.channel,
  subject: intake.subject,
  description: intake.description,
  clientId,
  productGroup: intake.productGroup ?? null,
  location: intake.location ?? null,
  createdAt: new Date(intake.receivedAt),
});

/** The step-by-step registration: the row as `registering`, classified and queued by the next steps. */
async function registerIn(tx: Transaction, intake: TicketIntake): Promise<RegisteredTicket> {
  const found = await findOrCreateClient(tx, intake);
  const { newClient } = found;
  let client = found.client;
  await tx
    .insert(tickets)
    .values({ ...registeredRow(intake, client.id), stage: 'registering' })
    .onConflictDoNothing();
  const [ticket] = await tx.select({ clientId: tickets.clientId }).from(tickets).where(eq(tickets.id, intake.ticketId));
  if (ticket!.clientId !== client.id) {
    // A retry after the client row changed: keep the client the ticket was registered with.
    [client] = await tx.select().from(clients).where(eq(clients.id, ticket!.clientId));
  }
  await recordTicketEvents(tx, registerEvents(intake, client!.id, newClient));
  return { clientId: client!.id, clientCategory: client!.category as ClientCategory, newClient };
}

/** The rules' and the model's decision, the service and the support line for a ticket's facts. */
function classifyFacts(reference: ReferenceData, facts: RoutingFacts) {
  const decision = decideRouting(reference, facts);
  return {
    ...classifyTicket(decision.rules, decision.suggestion, reference.services, `${facts.subject} ${facts.description}`),
    fired: decision.rules.fired,
  };
}

const registerEvents = (intake: TicketIntake, clientId: number, newClient: boolean): TicketEventRecord[] => [
  {
    ticketId: intake.ticketId,
    elementId: TicketElement.received,
    action: 'received',
    data: { channel: intake.channel },
    dedupeKey: 'received',
    at: new Date(intake.receivedAt),
  },
  {
    ticketId: intake.ticketId,
    elementId: TicketElement.register,
    action: 'registered',
    data: { clientId, newClient },
    dedupeKey: 'register',
  },
];

const classifyEvent = (ticketId: number, c: ReturnType<typeof classifyFacts>): TicketEventRecord => ({
  ticketId,
  elementId: TicketElement.classify,
  action: 'classified',
  data: {
    category: c.category,
    priority: c.priority,
    source: c.source,
    suggestion: c.suggestion,
    service: c.service?.code ?? null,
    supportLine: c.supportLine,
    queueCode: c.queueCode,
    rules: c.fired,
  },
  dedupeKey: 'classify',
});

const queueEvent = (ticketId: number, queueCode: string): TicketEventRecord => ({
  ticketId,
  elementId: TicketElement.queue,
  action: 'queued',
  data: { queue: queueCode },
  dedupeKey: 'queue',
});

/** The agreement for the ticket's service and client (or the one it already has) and both targets' first deadlines. */
function startSla(
  reference: ReferenceData,
  serviceId: number | null | undefined,
  clientCategory: string,
  queueGroupId: number | null,
  startedAt: Date,
  agreed?: ReferenceData['agreements'][number],
): SlaStart | null {
  const agreement = agreed ?? agreementOf(reference, serviceId, clientCategory);
  if (!agreement) return null;
  const terms = slaTermsOf(agreement);
  const calendar = agreementCalendarOf(reference, agreement, queueGroupId, startedAt);
  const plan = (budgetMs: number) =>
    planSlaDeadlines(calendar, {
      from: startedAt,
      budgetMs,
      usedMs: 0,
      warningShare: terms.warningShare,
      escalationAfterMs: terms.escalationAfterMs,
    });
  return { terms, plans: { response: plan(terms.responseMs), resolution: plan(terms.resolutionMs) } };
}

/** The agreement's start and its clock starting for both targets (escalation.bpmn), as `startSla` records them. */
const slaStartedEvents = (ticketId: number, terms: SlaTerms): TicketEventRecord[] => [
  {
    ticketId,
    elementId: EscalationElement.started,
    action: 'sla_started',
    data: {
      agreementId: terms.agreementId,
      responseSeconds: terms.responseMs / 1000,
      resolutionSeconds: terms.resolutionMs / 1000,
    },
    dedupeKey: 'sla:started',
  },
  {
    ticketId,
    elementId: EscalationElement.clock,
    action: 'clock_started',
    data: { targets: ['response', 'resolution'] },
    dedupeKey: 'sla:clock',
  },
];

/** Dedupe keys and outbox purposes of a step that repeats after a reopening; round 1 keeps the original key. */
function perRound(key: string, round: number | undefined): string {
  return round === undefined || round <= 1 ? key : `${key}:${round}`;
}

export type TicketActivities = ReturnType<typeof createActivities>;
