import { randomUUID } from 'node:crypto';
import {
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { and, eq, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database } from '../db/client';
import { catalogServices, operators, overdueReasons, queues, tickets } from '../db/schema';
import { missingCompetence } from '../domain/access';
import { ticketWorkflowId } from '../domain/process';
import type { OperatorIdentity } from '../repositories/staff';
import {
  acceptUpdate,
  changeSlaUpdate,
  escalateUpdate,
  intakeUpdate,
  reassignUpdate,
  recordWorkUpdate,
  reopenUpdate,
  resolveComplaintUpdate,
  resolveUpdate,
  returnToQueueUpdate,
  transferUpdate,
  resumeUpdate,
  slaQuery,
  surveyAnsweredSignal,
  ticketWorkflow,
  waitForClientUpdate,
} from '../../workflows/ticket';
import { TicketFailure, type ClientContact, type IntakeChannel, type IntakeResult } from '../../workflows/types';
import { isErrorCode } from '../domain/errors';
import { DeskError, notFound } from './errors';

export interface NewTicket {
  channel: IntakeChannel;
  subject: string;
  description: string;
  client: ClientContact;
  productGroup?: string;
  location?: string;
}

export type Registration = IntakeResult | { ticketId: number; stage: 'registering' };

/** The operations operators and clients perform on tickets; each one goes through the ticket's workflow. */
export function createTicketService(deps: {
  db: Database;
  temporal: Client;
  taskQueue: string;
  surveyTimeoutMs: number;
  /** How long registration waits for the ticket to be queued before answering 202. */
  intakeWaitMs: number;
  logger: Logger;
  /** Holds a queued ticket for the accepting operator (see QueueService); returns the release for a failed accept. */
  reserveForAccept?: (operator: OperatorIdentity, ticketId: number) => Promise<() => Promise<void>>;
}) {
  const { db, temporal } = deps;

  const handleOf = (ticketId: number): WorkflowHandle<typeof ticketWorkflow> =>
    temporal.workflow.getHandle(ticketWorkflowId(ticketId));

  /** Turns what the workflow refused into the caller's 4xx; anything else stays a server error. */
  const asDeskError = (error: unknown, ticketId: number): unknown => {
    if (error instanceof WorkflowNotFoundError) return notFound(`ticket ${ticketId}`);
    if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
      return new DeskError(
        'ENGINE_TIMEOUT',
        `ticket ${ticketId} did not answer in time; the action may still complete: read the ticket before retrying`,
      );
    }
    if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
      if (isErrorCode(error.cause.type)) return new DeskError(error.cause.type, error.cause.message);
    }
    return error;
  };

  const update = async <T>(
    ticketId: number,
    run: (handle: WorkflowHandle<typeof ticketWorkflow>) => Promise<T>,
  ): Promise<T> => {
    try {
      return await run(handleOf(ticketId));
    } catch (error) {
      throw asDeskError(error, ticketId);
    }
  };

  const move = (actor: OperatorIdentity, reason: string) => ({
    moveId: randomUUID(),
    actorId: actor.id,
    actorIsManager: actor.role === 'manager',
    actorGroupIds: actor.groupIds,
    reason,
  });

  const startTicket = async (ticketId: number, ticket: NewTicket): Promise<Registration> => {
    const workflowId = ticketWorkflowId(ticketId);
    const intake = { ticketId, ...ticket, receivedAt: new Date().toISOString() };
    const queued = temporal.workflow.executeUpdateWithStart(intakeUpdate, {
      startWorkflowOperation: new WithStartWorkflowOperation(ticketWorkflow, {
        workflowId,
        taskQueue: deps.taskQueue,
        args: [{ intake, surveyTimeoutMs: deps.surveyTimeoutMs }],
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      }),
    });
    let timer: NodeJS.Timeout | undefined;
    const stillRegistering = new Promise<'waiting'>((resolve) => {
      timer = setTimeout(() => resolve('waiting'), deps.intakeWaitMs);
    });
    try {
      const outcome = await Promise.race([queued, stillRegistering]);
      if (outcome !== 'waiting') return outcome;
    } finally {
      clearTimeout(timer);
    }
    queued.catch((error) =>
      deps.logger.warn({ ticketId, workflowId, err: error }, 'intake finished after the caller was answered'),
    );
    // The answer took too long; the ticket is durable only if its workflow exists.
    await handleOf(ticketId)
      .describe()
      .catch(() => {
        throw new DeskError('ENGINE_UNAVAILABLE', 'the workflow engine did not take the ticket in time; retry later');
      });
    return { ticketId, stage: 'registering' };
  };

  const ticketState = async (ticketId: number) => {
    const [ticket] = await db
      .select({ stage: tickets.stage, assigneeId: tickets.assigneeId })
      .from(tickets)
      .where(eq(tickets.id, ticketId));
    if (!ticket) throw notFound(`ticket ${ticketId}`);
    return ticket;
  };

  /** A closed ticket's workflow is gone: say so rather than let the engine answer "not found". */
  const refuseIfClosed = (ticketId: number, ticket: { stage: string }, what: string) => {
    if (ticket.stage === 'closed')
      throw new DeskError('TICKET_CLOSED', `ticket ${ticketId} is closed and cannot be ${what}`);
  };

  /** The competence the ticket's catalog service requires and the operator lacks; null when none is missing. */
  const competenceMissing = async (required: string | null, operatorId: string) => {
    if (!required) return null;
    const [operator] = await db
      .select({ competences: operators.competences })
      .from(operators)
      .where(eq(operators.id, operatorId));
    return missingCompetence(required, operator?.competences ?? []);
  };

  /**
   * Refuses an accept by an operator without the competence the ticket's service requires. Asked
   * only where the workflow would let them take it (queued, nobody on it, their queue's group), so
   * "already accepted" or "not in the group" keep their answers. Names the competence, nothing of the ticket.
   */
  const refuseAcceptWithoutCompetence = async (ticketId: number, operator: OperatorIdentity) => {
    const [row] = await db
      .select({
        stage: tickets.stage,
        assigneeId: tickets.assigneeId,
        groupId: queues.groupId,
        required: catalogServices.requiredCompetence,
      })
      .from(tickets)
      .leftJoin(queues, eq(queues.id, tickets.queueId))
      .leftJoin(catalogServices, eq(catalogServices.id, tickets.serviceId))
      .where(eq(tickets.id, ticketId));
    if (
      !row ||
      row.stage !== 'queued' ||
      row.assigneeId !== null ||
      row.groupId === null ||
      !operator.groupIds.includes(row.groupId)
    )
      return;
    const missing = await competenceMissing(row.required, operator.id);
    if (missing)
      throw new DeskError(
        'MISSING_COMPETENCE',
        `operator ${operator.id} lacks the competence "${missing}" that ticket ${ticketId} requires`,
      );
  };

  const surveyedTicket = async (ticketId: number, token: string) => {
    const [ticket] = await db
      .select({ stage: tickets.stage, token: tickets.surveyToken })
      .from(tickets)
      .where(eq(tickets.id, ticketId));
    if (!ticket) throw notFound(`ticket ${ticketId}`);
    if (!ticket.token || ticket.token !== token)
      throw new DeskError('BAD_SURVEY_TOKEN', 'the survey token does not match this ticket');
    return ticket;
  };

  return {
    /** Starts the ticket's workflow and answers once it is queued (or 202 if that takes longer). */
    async register(ticket: NewTicket): Promise<Registration> {
      for (let attempt = 1; ; attempt++) {
        const [{ ticketId }] = (await db.execute(
          sql`select nextval('ticket_number_seq')::int as "ticketId"`,
        )) as unknown as [{ ticketId: number }];
        try {
          return await startTicket(ticketId, ticket);
        } catch (error) {
          if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
          const [known] = await db.select({ id: tickets.id }).from(tickets).where(eq(tickets.id, ticketId));
          if (known || attempt >= 3) throw new DeskError('DUPLICATE', `ticket ${ticketId} already exists`);
          // Temporal remembers a ticket this database does not (its data was reset): take the next number.
          deps.logger.warn(
            { ticketId, workflowId: ticketWorkflowId(ticketId) },
            'workflow id taken by a ticket unknown to the database; skipping the number',
          );
        }
      }
    },

    /** Only the operator a ticket is on offer to may accept it while the offer is open. */
    async accept(ticketId: number, operator: OperatorIdentity) {
      await refuseAcceptWithoutCompetence(ticketId, operator);
      const release = deps.reserveForAccept ? await deps.reserveForAccept(operator, ticketId) : async () => {};
      try {
        return await update(ticketId, (h) =>
          h.executeUpdate(acceptUpdate, { args: [{ operatorId: operator.id, operatorGroupIds: operator.groupIds }] }),
        );
      } catch (error) {
        await release();
        throw error;
      }
    },

    /** The new assignee must have the competence the ticket's service requires. */
    async reassign(ticketId: number, actor: OperatorIdentity, to: OperatorIdentity, reason: string) {
      const [row] = await db
        .select({ required: catalogServices.requiredCompetence })
        .from(tickets)
        .leftJoin(catalogServices, eq(catalogServices.id, tickets.serviceId))
        .where(eq(tickets.id, ticketId));
      const missing = row ? await competenceMissing(row.required, to.id) : null;
      if (missing)
        throw new DeskError(
          'ASSIGNEE_MISSING_COMPETENCE',
          `operator ${to.id} lacks the competence "${missing}" that ticket ${ticketId} requires`,
        );
      return update(ticketId, (h) =>
        h.executeUpdate(reassignUpdate, {
          args: [{ ...move(actor, reason), toOperatorId: to.id, toOperatorGroupIds: to.groupIds }],
        }),
      );
    },

    returnToQueue: (ticketId: number, actor: OperatorIdentity, reason: string) =>
      update(ticketId, (h) => h.executeUpdate(returnToQueueUpdate, { args: [move(actor, reason)] })),

    transfer: (ticketId: number, actor: OperatorIdentity, toQueueId: number, reason: string) =>
      update(ticketId, (h) => h.executeUpdate(transferUpdate, { args: [{ ...move(actor, reason), toQueueId }] })),

    /** Work against the norm; checklist steps named must be steps of the ticket's catalog service. */
    async recordWork(
      ticketId: number,
      operator: OperatorIdentity,
      work: { minutes: number; note: string; stepsDone?: string[] },
    ) {
      if (work.stepsDone?.length) {
        const [row] = await db
          .select({ checklist: catalogServices.checklist })
          .from(tickets)
          .leftJoin(catalogServices, eq(catalogServices.id, tickets.serviceId))
          .where(eq(tickets.id, ticketId));
        if (!row) throw notFound(`ticket ${ticketId}`);
        const unknown = work.stepsDone.filter((step) => !(row.checklist ?? []).includes(step));
        if (unknown.length > 0)
          throw new DeskError(
            'VALIDATION',
            `body.stepsDone: ${unknown.map((s) => `"${s}"`).join(', ')} not in the service checklist (${(row.checklist ?? []).join('; ') || 'none'})`,
          );
      }
      return update(ticketId, (h) =>
        h.executeUpdate(recordWorkUpdate, { args: [{ entryId: randomUUID(), operatorId: operator.id, ...work }] }),
      );
    },

    /** Resolves the ticket; after its deadline the workflow refuses it without a reason from the managed list. */
    async resolve(
      ticketId: number,
      operator: OperatorIdentity,
      request: { resolution: string; overdueReason?: string; overdueNote?: string },
    ) {
      if (request.overdueReason) {
        const [reason] = await db
          .select()
          .from(overdueReasons)
          .where(and(eq(overdueReasons.code, request.overdueReason), eq(overdueReasons.active, true)));
        if (!reason) {
          const known = await db
            .select({ code: overdueReasons.code })
            .from(overdueReasons)
            .where(eq(overdueReasons.active, true));
          throw new DeskError(
            'VALIDATION',
            `body.overdueReason "${request.overdueReason}" is not one of ${known.map((r) => r.code).join(', ')}`,
          );
        }
      }
      return update(ticketId, (h) =>
        h.executeUpdate(resolveUpdate, { args: [{ operatorId: operator.id, ...request }] }),
      );
    },

    waitForClient: (ticketId: number, operator: OperatorIdentity, reason: string) =>
      update(ticketId, (h) => h.executeUpdate(waitForClientUpdate, { args: [{ operatorId: operator.id, reason }] })),

    resume: (ticketId: number, operator: OperatorIdentity) =>
      update(ticketId, (h) => h.executeUpdate(resumeUpdate, { args: [{ operatorId: operator.id }] })),

    escalate: (ticketId: number, operator: OperatorIdentity, reason: string) =>
      update(ticketId, (h) =>
        h.executeUpdate(escalateUpdate, {
          args: [{ operatorId: operator.id, isManager: operator.role === 'manager', reason }],
        }),
      ),

    async changeSla(ticketId: number, operator: OperatorIdentity, agreementId: number) {
      if (operator.role !== 'manager')
        throw new DeskError(
          TicketFailure.notManager,
          `only a manager changes a ticket's SLA; ${operator.id} is not one`,
        );
      return update(ticketId, (h) =>
        h.executeUpdate(changeSlaUpdate, { args: [{ operatorId: operator.id, agreementId }] }),
      );
    },

    sla: (ticketId: number) => update(ticketId, (h) => h.query(slaQuery)),

    /** The client's CSAT answer; the token from the notification proves it is theirs. */
    async answerSurvey(
      ticketId: number,
      answer: { token: string; csat: number; comment?: string; complaint?: boolean },
    ) {
      const ticket = await surveyedTicket(ticketId, answer.token);
      if (ticket.stage !== 'awaiting_survey')
        throw new DeskError('SURVEY_CLOSED', `ticket ${ticketId} is ${ticket.stage}, not awaiting a survey answer`);
      await update(ticketId, (h) =>
        h.signal(surveyAnsweredSignal, { csat: answer.csat, comment: answer.comment, complaint: answer.complaint }),
      );
    },

    /**
     * Reopens a resolved ticket while its survey waits: by the client (the survey token proves
     * it) or by an operator who is the assignee or a manager.
     */
    async reopen(ticketId: number, by: { operator: OperatorIdentity } | { token: string }, reason: string) {
      let who: string;
      if ('operator' in by) {
        const ticket = await ticketState(ticketId);
        if (by.operator.role !== 'manager' && ticket.assigneeId !== by.operator.id) {
          throw new DeskError(
            TicketFailure.notAssignee,
            `only the assignee (${ticket.assigneeId}) or a manager may reopen ticket ${ticketId}`,
          );
        }
        refuseIfClosed(ticketId, ticket, 'reopened');
        who = by.operator.id;
      } else {
        refuseIfClosed(ticketId, await surveyedTicket(ticketId, by.token), 'reopened');
        who = 'client';
      }
      return update(ticketId, (h) => h.executeUpdate(reopenUpdate, { args: [{ by: who, reason }] }));
    },

    /** A manager closes the complaint the survey opened; the ticket then closes. */
    async resolveComplaint(ticketId: number, operator: OperatorIdentity, resolution: string) {
      if (operator.role !== 'manager')
        throw new DeskError('NOT_MANAGER', `complaints are handled by managers; ${operator.id} is not one`);
      refuseIfClosed(ticketId, await ticketState(ticketId), 'given a complaint resolution');
      return update(ticketId, (h) =>
        h.executeUpdate(resolveComplaintUpdate, { args: [{ operatorId: operator.id, resolution }] }),
      );
    },
  };
}

export type TicketService = ReturnType<typeof createTicketService>;
