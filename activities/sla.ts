import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Mailer } from '../src/channels/email';
import type { Database } from '../src/db/client';
import { recordTicketEvent, recordTicketEvents, type TicketEventRecord } from '../src/db/events';
import {
  clients,
  olaAgreements,
  operators,
  outbox,
  queues,
  slaAgreements,
  ticketEvents,
  tickets,
} from '../src/db/schema';
import { businessTimeBetween } from '../src/domain/calendar';
import { chooseQueue } from '../src/domain/classify';
import {
  ESCALATION_PROCESS_ID,
  EscalationElement,
  escalationLevelElement,
  TicketElement,
  ticketWorkflowId,
} from '../src/domain/process';
import { planSlaDeadlines, slaTermsOf } from '../src/domain/sla-plan';
import { agreementCalendar } from '../src/repositories/calendars';
import type { Escalated, SlaPlan, SlaTargetKind, SlaTerms } from '../workflows/types';

export interface SlaActivityDependencies {
  db: Database;
  mailer: Mailer;
  logger: Logger;
}

type AgreementRow = typeof slaAgreements.$inferSelect;

/**
 * SLA events in ticket_events: each names its element in escalation.bpmn (pause and restart on
 * reopening: ticket.bpmn). Dedupe keys read `sla:<step>:<target>`, target `response`, `resolution`
 * or `handover:<n>` (none: the agreement's two clocks), so each target's run through the diagram
 * can be told apart; a reopening's round or an SLA change adds a suffix after the target.
 */
export type SlaEventAction =
  | 'sla_started'
  | 'sla_paused'
  | 'sla_resumed'
  | 'sla_restarted'
  | 'sla_warned'
  | 'sla_breached'
  | 'sla_met'
  | 'sla_changed'
  | 'sla_rearmed';

const slaEventElement: Record<SlaEventAction, string> = {
  sla_started: EscalationElement.started,
  sla_paused: TicketElement.waitingForClient,
  sla_resumed: TicketElement.waitingForClient,
  // A reopening starts the resolution clock again: recorded where the ticket is, like the pause.
  sla_restarted: TicketElement.reopen,
  sla_warned: EscalationElement.warning,
  sla_breached: EscalationElement.breached,
  sla_met: EscalationElement.met,
  sla_changed: EscalationElement.clock,
  sla_rearmed: EscalationElement.clock,
};

/**
 * The BPMN steps of a staff notice, by its purpose (`sla-warning:<target>`, `sla-breach:<target>`):
 * the send task and the end event after it. A level's notice is part of its escalation task.
 */
function noticeSteps(purpose: string): { task: string; done: string; key: string } | undefined {
  const [kind, ...target] = purpose.split(':');
  if (kind === 'sla-warning')
    return {
      task: EscalationElement.notifyAssignee,
      done: EscalationElement.warned,
      key: `warning:${target.join(':')}`,
    };
  if (kind === 'sla-breach')
    return {
      task: EscalationElement.notifyManager,
      done: EscalationElement.managerNotified,
      key: `breach:${target.join(':')}`,
    };
  return undefined;
}

/**
 * The SLA clock's side effects. Deadlines are computed here, on the calendar, from instants
 * the workflow passes in (its own time), so a retry computes the same deadline.
 */
export function createSlaActivities({ db, mailer, logger }: SlaActivityDependencies) {
  const ticketLog = (ticketId: number) => logger.child({ ticketId, workflowId: ticketWorkflowId(ticketId) });

  const agreementFor = async (ticketId: number): Promise<AgreementRow | undefined> => {
    const [row] = await db
      .select({ agreement: slaAgreements })
      .from(tickets)
      .innerJoin(clients, eq(clients.id, tickets.clientId))
      .innerJoin(
        slaAgreements,
        and(eq(slaAgreements.serviceId, tickets.serviceId), eq(slaAgreements.clientCategory, clients.category)),
      )
      .where(eq(tickets.id, ticketId));
    return row?.agreement;
  };

  /** Recipients' e-mail addresses: named operators, or every manager. */
  const staffAddresses = async (to: { operatorIds?: string[]; managers?: boolean }) => {
    if (!to.managers && !to.operatorIds?.length) return [];
    const rows = await db
      .select({ id: operators.id, email: operators.email })
      .from(operators)
      .where(to.managers ? eq(operators.role, 'manager') : inArray(operators.id, to.operatorIds!));
    return rows.filter((r): r is { id: string; email: string } => !!r.email);
  };

  return {
    /** The agreement for the ticket's service × client category; null when there is none. */
    async startSla(input: { ticketId: number }): Promise<SlaTerms | null> {
      const agreement = await agreementFor(input.ticketId);
      if (!agreement) return null;
      await db.transaction(async (tx) => {
        await tx
          .update(tickets)
          .set({ slaAgreementId: agreement.id, updatedAt: new Date() })
          .where(eq(tickets.id, input.ticketId));
        await recordTicketEvents(tx, [
          {
            ticketId: input.ticketId,
            elementId: EscalationElement.started,
            action: 'sla_started',
            data: {
              agreementId: agreement.id,
              responseSeconds: agreement.responseSeconds,
              resolutionSeconds: agreement.resolutionSeconds,
            },
            dedupeKey: 'sla:started',
          },
          {
            ticketId: input.ticketId,
            elementId: EscalationElement.clock,
            action: 'clock_started',
            data: { targets: ['response', 'resolution'] },
            dedupeKey: 'sla:clock',
          },
        ]);
      });
      return slaTermsOf(agreement);
    },

    /** A manager puts the ticket under another agreement; the workflow keeps the time already used. */
    async changeSla(input: {
      ticketId: number;
      agreementId: number;
      actor: string;
      change: number;
    }): Promise<SlaTerms | null> {
      const [agreement] = await db.select().from(slaAgreements).where(eq(slaAgreements.id, input.agreementId));
      if (!agreement) return null;
      await db.transaction(async (tx) => {
        await tx
          .update(tickets)
          .set({ slaAgreementId: agreement.id, updatedAt: new Date() })
          .where(eq(tickets.id, input.ticketId));
        await recordTicketEvent(tx, {
          ticketId: input.ticketId,
          elementId: slaEventElement.sla_changed,
          action: 'sla_changed',
          actor: input.actor,
          data: { agreementId: agreement.id },
          dedupeKey: `sla:changed:${input.change}`,
        });
      });
      return slaTermsOf(agreement);
    },

    /** Business time the target's clock ran between two instants, on the agreement's calendar. */
    async measureSlaTime(input: {
      ticketId: number;
      agreementId: number | null;
      from: string;
      to: string;
    }): Promise<number> {
      const calendar = await agreementCalendar(db, input.ticketId, input.agreementId, new Date(input.from));
      return businessTimeBetween(calendar, new Date(input.from), new Date(input.to));
    },

    /**
     * Warning, due and escalation instants of a target whose clock runs from `from` with `usedMs`
     * already spent. Each is a point on the clock's own business time: the warning at its share of
     * the budget, the breach at the budget, escalation level n its delay after the breach (after
     * `breachedAtUsedMs` once breached), so a pause stops the escalation levels too and a resume
     * goes on with what was left of their delay.
     */
    async planSlaTarget(input: {
      ticketId: number;
      agreementId: number | null;
      target: SlaTargetKind;
      from: string;
      budgetMs: number;
      usedMs: number;
      warningShare: number;
      escalationAfterMs: number[];
      breachedAtUsedMs?: number;
    }): Promise<SlaPlan> {
      const from = new Date(input.from);
      const calendar = await agreementCalendar(db, input.ticketId, input.agreementId, from);
      const plan = planSlaDeadlines(calendar, { ...input, from });
      const due = new Date(plan.dueAt);
      const column =
        input.target === 'response'
          ? { responseDueAt: due }
          : input.target === 'resolution'
            ? { resolutionDueAt: due }
            : undefined;
      if (column)
        await db
          .update(tickets)
          .set({ ...column, updatedAt: new Date() })
          .where(eq(tickets.id, input.ticketId));
      return plan;
    },

    /**
     * One SLA event on the record; a breach and a pause are also marked on the ticket. Stamped
     * with the time it is written, so a late timer shows as late.
     */
    async recordSlaEvent(input: {
      ticketId: number;
      action: SlaEventAction;
      target?: SlaTargetKind;
      actor?: string;
      data?: Record<string, unknown>;
      dedupeKey: string;
      /** With `sla_rearmed`: no client target is breached under the new terms any more, so the ticket is not shown breached. */
      clearBreach?: boolean;
    }): Promise<void> {
      const at = new Date();
      await db.transaction(async (tx) => {
        if (input.action === 'sla_breached' && input.target !== 'handover') {
          await tx
            .update(tickets)
            .set({ slaBreachedAt: sql`coalesce(${tickets.slaBreachedAt}, now())` })
            .where(eq(tickets.id, input.ticketId));
        }
        if (input.action === 'sla_rearmed' && input.clearBreach) {
          await tx
            .update(tickets)
            .set({ slaBreachedAt: null, updatedAt: new Date() })
            .where(eq(tickets.id, input.ticketId));
        }
        if (input.action === 'sla_paused') {
          await tx
            .update(tickets)
            .set({ stage: 'waiting_for_client', slaPausedAt: at, updatedAt: new Date() })
            .where(and(eq(tickets.id, input.ticketId), eq(tickets.stage, 'in_work')));
        }
        if (input.action === 'sla_resumed') {
          await tx
            .update(tickets)
            .set({ stage: 'in_work', slaPausedAt: null, updatedAt: new Date() })
            .where(and(eq(tickets.id, input.ticketId), eq(tickets.stage, 'waiting_for_client')));
        }
        await recordTicketEvent(tx, {
          ticketId: input.ticketId,
          elementId: slaEventElement[input.action],
          action: input.action,
          actor: input.actor ?? null,
          data: { ...(input.target ? { target: input.target } : {}), ...input.data },
          dedupeKey: input.dedupeKey,
          at,
        });
      });
      ticketLog(input.ticketId).info({ action: input.action, target: input.target }, 'SLA event');
    },

    /**
     * Moves the ticket to the queue of the next support line (1 → 2 → 3), unassigned, and
     * records the escalation: by level after a breach, or by hand with the operator's reason.
     */
    async escalateTicket(input: {
      ticketId: number;
      level: number | null;
      target?: SlaTargetKind;
      actor?: string;
      reason?: string;
      dedupeKey: string;
    }): Promise<Escalated> {
      return db.transaction(async (tx) => {
        const [ticket] = await tx
          .select({
            supportLine: tickets.supportLine,
            category: tickets.category,
            priority: tickets.priority,
            channel: tickets.channel,
            location: tickets.location,
            clientCategory: clients.category,
            queueId: tickets.queueId,
            stage: tickets.stage,
          })
          .from(tickets)
          .innerJoin(clients, eq(clients.id, tickets.clientId))
          .where(eq(tickets.id, input.ticketId))
          .for('update', { of: tickets });
        if (!ticket) throw new Error(`ticket ${input.ticketId} is not registered`);
        const [current] = await tx.select().from(queues).where(eq(queues.id, ticket.queueId!));
        if (!current) throw new Error(`ticket ${input.ticketId} is in no queue`);
        // A retry after the move finds the event written: answer as the first attempt did.
        const [already] = await tx
          .select({ data: ticketEvents.data })
          .from(ticketEvents)
          .where(and(eq(ticketEvents.ticketId, input.ticketId), eq(ticketEvents.dedupeKey, input.dedupeKey)));
        let queue = current;
        let moved = already ? already.data.moved === true : false;
        if (!already && ticket.supportLine < 3) {
          const nextLine = await tx
            .select()
            .from(queues)
            .where(eq(queues.supportLine, ticket.supportLine + 1))
            .orderBy(asc(queues.id));
          const facts = {
            category: ticket.category ?? '',
            priority: ticket.priority ?? 'normal',
            clientCategory: ticket.clientCategory,
            channel: ticket.channel,
            supportLine: ticket.supportLine + 1,
            region: ticket.location,
          };
          const target = chooseQueue(nextLine, facts) ?? nextLine[0];
          if (target) {
            await tx
              .update(tickets)
              .set({
                queueId: target.id,
                supportLine: target.supportLine,
                stage: 'queued',
                assigneeId: null,
                updatedAt: new Date(),
              })
              .where(eq(tickets.id, input.ticketId));
            queue = target;
            moved = true;
          }
        }
        const [ola] = moved
          ? await tx.select().from(olaAgreements).where(eq(olaAgreements.supportLine, queue.supportLine))
          : [];
        if (!already) {
          const escalated: TicketEventRecord = {
            ticketId: input.ticketId,
            elementId: input.level === null ? EscalationElement.escalateManually : escalationLevelElement(input.level),
            action: 'sla_escalated',
            actor: input.actor ?? null,
            data: {
              level: input.level,
              target: input.target ?? null,
              reason: input.reason ?? null,
              fromLine: ticket.supportLine,
              toLine: queue.supportLine,
              queue: queue.code,
              moved,
            },
            dedupeKey: input.dedupeKey,
          };
          const step = (
            elementId: string,
            action: string,
            suffix: string,
            data: Record<string, unknown> = {},
          ): TicketEventRecord => ({
            ticketId: input.ticketId,
            elementId,
            action,
            actor: input.actor ?? null,
            data,
            dedupeKey: `${input.dedupeKey}:${suffix}`,
          });
          // By hand: the operator's request (the message event), the handover, and its end. After level 3: the end of escalation.
          const events =
            input.level === null
              ? [
                  step(EscalationElement.manual, 'handover_requested', 'requested', { reason: input.reason ?? null }),
                  escalated,
                  step(EscalationElement.escalatedManually, 'handed_over', 'done', { toLine: queue.supportLine }),
                ]
              : input.level >= 3
                ? [
                    escalated,
                    step(EscalationElement.escalated, 'levels_exhausted', 'done', { supportLine: queue.supportLine }),
                  ]
                : [escalated];
          // The line taking the ticket starts its OLA clock: the workflow counts its handovers the same way (one per move under an OLA).
          if (ola) {
            const [{ handovers }] = (await tx.execute(
              sql`select count(*)::int as handovers from ticket_events where ticket_id = ${input.ticketId} and process_id = ${ESCALATION_PROCESS_ID} and action = 'ola_started'`,
            )) as unknown as [{ handovers: number }];
            const clock = `handover:${handovers + 1}`;
            const data = {
              target: 'handover',
              handover: handovers + 1,
              supportLine: queue.supportLine,
              handoverSeconds: ola.handoverSeconds,
            };
            events.push(
              {
                ticketId: input.ticketId,
                elementId: EscalationElement.started,
                action: 'ola_started',
                data,
                dedupeKey: `sla:started:${clock}`,
              },
              {
                ticketId: input.ticketId,
                elementId: EscalationElement.clock,
                action: 'clock_started',
                data,
                dedupeKey: `sla:clock:${clock}`,
              },
            );
          }
          await recordTicketEvents(tx, events);
        }
        ticketLog(input.ticketId).info({ level: input.level, toLine: queue.supportLine, moved }, 'ticket escalated');
        return {
          moved,
          supportLine: queue.supportLine,
          queue: { id: queue.id, code: queue.code },
          groupId: queue.groupId,
          handover: ola ? { ms: ola.handoverSeconds * 1000, recipients: ola.recipients } : null,
        };
      });
    },

    /**
     * Tells staff about an SLA event by e-mail: the assignee on a warning, the managers on a
     * breach, a level's recipients on escalation. One outbox row per (event, recipient).
     */
    async notifyStaff(input: {
      ticketId: number;
      purpose: string;
      to: { operatorIds?: string[]; managers?: boolean };
      subject: string;
      text: string;
    }): Promise<{ sent: string[] }> {
      const notice = noticeSteps(input.purpose);
      if (notice)
        await recordTicketEvent(db, {
          ticketId: input.ticketId,
          elementId: notice.task,
          action: 'notice_sending',
          data: { purpose: input.purpose },
          dedupeKey: `sla:notify-${notice.key}`,
        });
      const recipients = await staffAddresses(input.to);
      const sent: string[] = [];
      for (const recipient of recipients) {
        const purpose = `${input.purpose}:${recipient.id}`;
        await db
          .insert(outbox)
          .values({
            ticketId: input.ticketId,
            purpose,
            channel: 'email',
            recipient: recipient.email,
            subject: input.subject,
            body: input.text,
            messageId: `<ticket-${input.ticketId}.${purpose.replace(/[^\w.-]/g, '.')}@desk>`,
          })
          .onConflictDoNothing();
        const [message] = await db
          .update(outbox)
          .set({ status: 'sending', attempts: sql`${outbox.attempts} + 1` })
          .where(and(eq(outbox.ticketId, input.ticketId), eq(outbox.purpose, purpose), ne(outbox.status, 'sent')))
          .returning();
        if (!message) continue;
        await mailer.send({
          to: message.recipient,
          subject: message.subject,
          text: message.body,
          messageId: message.messageId,
        });
        await db.update(outbox).set({ status: 'sent', sentAt: new Date() }).where(eq(outbox.id, message.id));
        sent.push(recipient.id);
      }
      if (notice) {
        const [row] = await db
          .select({ recipients: sql<string[]>`coalesce(array_agg(${outbox.purpose}), '{}')` })
          .from(outbox)
          .where(
            and(
              eq(outbox.ticketId, input.ticketId),
              sql`${outbox.purpose} like ${`${input.purpose}:%`}`,
              eq(outbox.status, 'sent'),
            ),
          );
        const to = (row?.recipients ?? []).map((purpose) => purpose.slice(input.purpose.length + 1));
        await recordTicketEvent(db, {
          ticketId: input.ticketId,
          elementId: notice.done,
          action: 'notice_sent',
          data: { purpose: input.purpose, to },
          dedupeKey: `sla:notified-${notice.key}`,
        });
      }
      return { sent };
    },
  };
}
