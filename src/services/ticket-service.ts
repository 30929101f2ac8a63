import { randomUUID } from 'node:crypto';
import { keyedEntryId } from '../domain/idempotency';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Database } from '../db/client';
import {
  isAssigneeOrManager,
  isManager,
  mayOnQueue,
  maySeeDetails,
  mayUse,
  missingCompetence,
  queueAccessOf,
  type Credential,
} from '../domain/access';
import { isLinkToken } from '../domain/client-link';
import type { PhoneCountry } from '../domain/phone';
import { listOverdueReasons } from '../repositories/catalog';
import { confirmationFactsOf, confirmTicketClient } from '../repositories/clients';
import { findQueue } from '../repositories/queues';
import { agreementById, agreementForTicket } from '../repositories/ticket-sla';
import { findOperator, operatorCompetences, type OperatorIdentity } from '../repositories/staff';
import { findWorkEntry, loadTicketFacts, type TicketFacts } from '../repositories/tickets';
import {
  acceptUpdate,
  changeSlaUpdate,
  escalateUpdate,
  reassignUpdate,
  recordWorkUpdate,
  reopenUpdate,
  resolveComplaintUpdate,
  resolveUpdate,
  returnToQueueUpdate,
  transferUpdate,
  resumeUpdate,
  surveyAnsweredSignal,
  waitForClientUpdate,
} from '../../workflows/ticket';
import { DeskError, notFound } from './errors';
import type { StatusQuestions } from './status-questions';
import type { ClientStatus } from './client-status';
import { createTicketRegistration } from './ticket-registration';
import { createTicketWorkflows } from './ticket-workflow';

export type { NewTicket } from '../api/schemas/tickets';

export type { Registration } from './ticket-workflow';
export type { AttachedQuestion } from './status-questions';

/**
 * The operations operators and clients perform on tickets; each one goes through the ticket's
 * workflow, whose validators decide what the ticket's state allows. Checked here only what the
 * workflow cannot know: the catalog's competence and checklist, the overdue reasons, a closed
 * ticket (its workflow is gone), the survey token.
 */
export function createTicketService(deps: {
  db: Database;
  temporal: Client;
  taskQueue: string;
  surveyTimeoutMs: number;
  /** The client's status links (src/services/client-status.ts): they open the survey as well. */
  statusLinks?: Pick<ClientStatus, 'opens'>;
  ticketHistoryLimit?: number;
  intakeWaitMs: number;
  logger: Logger;
  /** Holds a queued ticket for the accepting operator (see QueueService); returns the release for a failed accept. */
  reserveForAccept?: (operator: OperatorIdentity, ticketId: number) => Promise<() => Promise<void>>;
  /** A message about a ticket the client already has is attached to it instead of registered. */
  statusQuestions?: StatusQuestions;
  /** The country bare phone numbers are read in (PHONE_DEFAULT_COUNTRY). */
  phoneCountry?: PhoneCountry;
}) {
  const { db } = deps;
  const { update, readSla, start } = createTicketWorkflows(deps);
  const registration = createTicketRegistration({ ...deps, start });
  /** The status page's link answers the survey too (the client holds it from every notice). */
  const statusLinkOpens = async (ticketId: number, token: string) =>
    (await deps.statusLinks?.opens(ticketId, token)) ?? false;

  const factsOf = async (ticketId: number): Promise<TicketFacts> => {
    const facts = await loadTicketFacts(db, ticketId);
    if (!facts) throw notFound(`ticket ${ticketId}`);
    return facts;
  };

  const move = (actor: OperatorIdentity, reason: string) => ({
    moveId: randomUUID(),
    actorId: actor.id,
    actorAccess: queueAccessOf(actor),
    reason,
  });

  /** A closed ticket's workflow is gone: say so rather than let the engine answer "not found". */
  const refuseIfClosed = (ticketId: number, ticket: { stage: string }, what: string) => {
    if (ticket.stage === 'closed')
      throw new DeskError('TICKET_CLOSED', `ticket ${ticketId} is closed and cannot be ${what}`);
  };

  /** The competence the ticket's catalog service requires and this operator lacks; null when none is missing. */
  const competenceMissing = async (facts: TicketFacts | undefined, operatorId: string) =>
    facts?.requiredCompetence
      ? missingCompetence(facts.requiredCompetence, await operatorCompetences(db, operatorId))
      : null;

  /**
   * The client's link proves the ticket is theirs until the ticket closes (its survey is over).
   * Compared in constant time; no such ticket, a wrong token and an expired one get one answer,
   * so the link tells a guesser nothing, not even whether the ticket exists.
   */
  const tokenChecked = async (ticketId: number, token: string) => {
    const facts = await loadTicketFacts(db, ticketId);
    const opens =
      (facts?.surveyToken && isLinkToken(facts.surveyToken, token)) || (await statusLinkOpens(ticketId, token));
    if (!facts || facts.stage === 'closed' || !opens)
      throw new DeskError(
        'BAD_SURVEY_TOKEN',
        'this link is not valid: it does not belong to this ticket, or the ticket’s survey is over',
      );
    return facts;
  };

  /** The client's category applies once confirmed: a ticket still in work moves to its agreement. */
  const applyClientAgreement = async (ticketId: number, actor: string) => {
    const facts = await confirmationFactsOf(db, ticketId);
    const agreement = await agreementForTicket(db, ticketId);
    if (!facts || !agreement || facts.agreementId === null || agreement.id === facts.agreementId) return null;
    if (!['queued', 'in_work', 'waiting_for_client'].includes(facts.stage)) return null;
    try {
      await update(ticketId, (h) =>
        h.executeUpdate(changeSlaUpdate, { args: [{ operatorId: actor, agreementId: agreement.id }] }),
      );
      return agreement.id;
    } catch (error) {
      // Resolved meanwhile, say: the ticket keeps the terms it ran under.
      if (!(error instanceof DeskError)) throw error;
      deps.logger.warn({ ticketId, code: error.code }, 'confirmed client: the agreement was not changed');
      return null;
    }
  };

  const takeSurveyAnswer = async (
    ticketId: number,
    ticket: TicketFacts,
    answer: { csat: number; nps?: number; comment?: string; complaint?: boolean },
  ) => {
    if (ticket.stage !== 'awaiting_survey')
      throw new DeskError('SURVEY_CLOSED', `ticket ${ticketId} is ${ticket.stage}, not awaiting a survey answer`);
    await update(ticketId, (h) =>
      h.signal(surveyAnsweredSignal, {
        csat: answer.csat,
        comment: answer.comment,
        complaint: answer.complaint,
        ...(answer.nps === undefined ? {} : { nps: answer.nps }),
      }),
    );
  };

  return {
    ...registration,

    /**
     * Only the operator a ticket is on offer to may accept it while the offer is open. Competence
     * is asked only where the workflow would let them take it (queued, nobody on it, `take` on its
     * queue), so "already accepted" or "no access" keep their answers; the refusal names the
     * competence, nothing of the ticket.
     */
    async accept(ticketId: number, operator: OperatorIdentity) {
      const facts = await loadTicketFacts(db, ticketId);
      const access = queueAccessOf(operator);
      if (facts?.stage === 'queued' && facts.assigneeId === null && mayOnQueue(access, facts.queueId, 'take')) {
        const missing = await competenceMissing(facts, operator.id);
        if (missing)
          throw new DeskError(
            'MISSING_COMPETENCE',
            `operator ${operator.id} lacks the competence "${missing}" that ticket ${ticketId} requires`,
          );
      }
      const release = deps.reserveForAccept ? await deps.reserveForAccept(operator, ticketId) : async () => {};
      try {
        return await update(ticketId, (h) =>
          h.executeUpdate(acceptUpdate, { args: [{ operatorId: operator.id, access }] }),
        );
      } catch (error) {
        await release();
        throw error;
      }
    },

    /** The new assignee must be a known operator with the competence the ticket's service requires. */
    async reassign(ticketId: number, actor: OperatorIdentity, toOperatorId: string, reason: string) {
      const to = await findOperator(db, toOperatorId);
      if (!to) throw new DeskError('VALIDATION', `body.toOperatorId "${toOperatorId}" is not a known operator`);
      const missing = await competenceMissing(await loadTicketFacts(db, ticketId), to.id);
      if (missing)
        throw new DeskError(
          'ASSIGNEE_MISSING_COMPETENCE',
          `operator ${to.id} lacks the competence "${missing}" that ticket ${ticketId} requires`,
        );
      return update(ticketId, (h) =>
        h.executeUpdate(reassignUpdate, {
          args: [{ ...move(actor, reason), toOperatorId: to.id, toOperatorAccess: queueAccessOf(to) }],
        }),
      );
    },

    returnToQueue: (ticketId: number, actor: OperatorIdentity, reason: string) =>
      update(ticketId, (h) => h.executeUpdate(returnToQueueUpdate, { args: [move(actor, reason)] })),

    async transfer(ticketId: number, actor: OperatorIdentity, toQueueId: number, reason: string) {
      if (!(await findQueue(db, toQueueId)))
        throw new DeskError('VALIDATION', `body.toQueueId ${toQueueId} is not a queue`);
      return update(ticketId, (h) =>
        h.executeUpdate(transferUpdate, { args: [{ ...move(actor, reason), toQueueId }] }),
      );
    },

    /**
     * Work against the norm; checklist steps named must be steps of the ticket's catalog service.
     * The assignee is checked before the steps, and in words that name neither assignee nor
     * checklist: a wrong step must not tell an operator who does not hold a (blind) ticket its service.
     */
    async recordWork(
      ticketId: number,
      operator: OperatorIdentity,
      work: { minutes: number; note: string; stepsDone?: string[] },
      idempotencyKey?: string,
    ) {
      // With a key the entry's id comes from it (the operator's own key, per ticket): a retry inserts nothing new.
      const entryId = idempotencyKey ? keyedEntryId(ticketId, operator.id, idempotencyKey) : randomUUID();
      if (idempotencyKey) {
        const earlier = await findWorkEntry(db, entryId);
        if (earlier && (earlier.minutes !== work.minutes || earlier.note !== work.note))
          throw new DeskError(
            'IDEMPOTENCY_KEY_REUSED',
            `Idempotency-Key ${JSON.stringify(idempotencyKey)} was sent with other work on ticket ${ticketId} (${earlier.minutes} min); use a new key for new work`,
          );
      }
      if (work.stepsDone?.length) {
        const facts = await factsOf(ticketId);
        if (facts.assigneeId !== operator.id)
          throw new DeskError(
            'NOT_ASSIGNEE',
            `only the operator who accepted ticket ${ticketId} may record work on it`,
          );
        const checklist = facts.checklist ?? [];
        const unknown = work.stepsDone.filter((step) => !checklist.includes(step));
        if (unknown.length > 0)
          throw new DeskError(
            'VALIDATION',
            `body.stepsDone: ${unknown.map((s) => `"${s}"`).join(', ')} not in the service checklist (${checklist.join('; ') || 'none'})`,
          );
      }
      return update(ticketId, (h) =>
        h.executeUpdate(recordWorkUpdate, {
          args: [{ entryId, operatorId: operator.id, ...work }],
          // Temporal answers an update sent again with its id as it answered the first.
          ...(idempotencyKey ? { updateId: `work-${entryId}` } : {}),
        }),
      );
    },

    /** Resolves the ticket; after its deadline the workflow refuses it without a reason from the managed list. */
    async resolve(
      ticketId: number,
      operator: OperatorIdentity,
      request: { resolution: string; overdueReason?: string; overdueNote?: string },
    ) {
      if (request.overdueReason) {
        const known = (await listOverdueReasons(db)).filter((r) => r.active).map((r) => r.code);
        if (!known.includes(request.overdueReason))
          throw new DeskError(
            'VALIDATION',
            `body.overdueReason "${request.overdueReason}" is not one of ${known.join(', ')}`,
          );
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
          args: [{ operatorId: operator.id, access: queueAccessOf(operator), reason }],
        }),
      ),

    /** Who may is the access table's: `manage` on the ticket's queue (managers manage every queue). */
    async changeSla(ticketId: number, operator: OperatorIdentity, agreementId: number) {
      // The workflow refuses an unknown agreement too, but cannot name the request's field.
      if (!(await agreementById(db, agreementId)))
        throw new DeskError('VALIDATION', `body.agreementId: no SLA agreement ${agreementId}`);
      return update(ticketId, (h) =>
        h.executeUpdate(changeSlaUpdate, { args: [{ operatorId: operator.id, agreementId }] }),
      );
    },

    /**
     * The ticket's SLA clocks. Blind until accepted: anyone but the assignee and the queue's managers gets
     * them without the agreement and the budgets, which the catalog maps to a service and a
     * client category.
     */
    async sla(ticketId: number, viewer: OperatorIdentity) {
      const facts = await factsOf(ticketId);
      const status = await readSla(ticketId);
      if (maySeeDetails(viewer, facts)) return status;
      return {
        supportLine: status.supportLine,
        targets: status.targets.map((t) => ({
          kind: t.kind,
          running: t.running,
          warned: t.warned,
          breached: t.breached,
          escalations: t.escalations,
          met: t.met,
          dueAt: t.dueAt,
          round: t.round,
        })),
      };
    },

    /** The client's CSAT answer; the token from the notification proves it is theirs. */
    async answerSurvey(
      ticketId: number,
      answer: { token: string; csat: number; nps?: number; comment?: string; complaint?: boolean },
    ) {
      await takeSurveyAnswer(ticketId, await tokenChecked(ticketId, answer.token), answer);
    },

    /**
     * The client's CSAT answer from a rating button in their chat: the channel (the chat linked
     * to the ticket's client, checked by the caller) proves it is theirs, as the token does.
     */
    async answerSurveyFromChat(ticketId: number, csat: number) {
      await takeSurveyAnswer(ticketId, await factsOf(ticketId), { csat });
    },

    /**
     * Reopens a resolved ticket while its survey waits: by the client (the survey token proves
     * it) or by an operator who is the assignee or a manager.
     */
    async reopen(ticketId: number, by: { operator?: OperatorIdentity; token?: string }, reason: string) {
      let who: string;
      if (by.operator) {
        const ticket = await factsOf(ticketId);
        if (!isAssigneeOrManager(by.operator, ticket))
          throw new DeskError(
            'NOT_ASSIGNEE',
            `only the assignee (${ticket.assigneeId}) or a manager may reopen ticket ${ticketId}`,
          );
        refuseIfClosed(ticketId, ticket, 'reopened');
        who = by.operator.id;
      } else {
        if (!by.token)
          throw new DeskError(
            'VALIDATION',
            'body.token is required when the caller is not signed in and shows no API token',
          );
        refuseIfClosed(ticketId, await tokenChecked(ticketId, by.token), 'reopened');
        who = 'client';
      }
      return update(ticketId, (h) => h.executeUpdate(reopenUpdate, { args: [{ by: who, reason }] }));
    },

    /**
     * The ticket's client is confirmed: by the client, with the link sent to the contact on file
     * (no such ticket, a wrong token, one already used and a closed ticket get one answer), or by
     * the ticket's assignee or a manager who identified the filer. From then on the ticket runs
     * under the client's category: an open ticket moves to the client's agreement.
     */
    async confirmClient(
      ticketId: number,
      by: { operator?: OperatorIdentity; credential?: Credential; token?: string },
    ) {
      let actor: string;
      if (by.operator && by.credential && mayUse(by.operator, by.credential, 'act_on_ticket').ok) {
        const facts = await factsOf(ticketId);
        if (!isAssigneeOrManager(by.operator, facts))
          throw new DeskError(
            'NOT_ASSIGNEE',
            `only the assignee or a manager may confirm the client of ticket ${ticketId}`,
          );
        actor = by.operator.id;
      } else {
        const facts = await confirmationFactsOf(db, ticketId);
        if (!by.token || !facts?.tokenHash || facts.stage === 'closed' || !isLinkToken(facts.tokenHash, by.token))
          throw new DeskError(
            'BAD_CONFIRMATION_TOKEN',
            'this link is not valid: it does not belong to this ticket, it was used already, or the ticket is closed',
          );
        actor = 'client';
      }
      const confirmed = await confirmTicketClient(db, ticketId);
      if (confirmed) deps.logger.info({ ticketId, by: actor }, 'the ticket’s client is confirmed');
      const agreementId = confirmed ? await applyClientAgreement(ticketId, actor) : null;
      return { ticketId, clientConfirmed: true as const, ...(agreementId ? { slaAgreementId: agreementId } : {}) };
    },

    /** A manager closes the complaint the survey opened; the ticket then closes. */
    async resolveComplaint(ticketId: number, operator: OperatorIdentity, resolution: string) {
      if (!isManager(operator))
        throw new DeskError('NOT_MANAGER', `complaints are handled by managers; ${operator.id} is not one`);
      refuseIfClosed(ticketId, await factsOf(ticketId), 'given a complaint resolution');
      const result = await update(ticketId, (h) =>
        h.executeUpdate(resolveComplaintUpdate, { args: [{ operatorId: operator.id, resolution }] }),
      );
      return { ticketId: result.ticketId, resolvedAt: result.resolvedAt };
    },
  };
}

export type TicketService = ReturnType<typeof createTicketService>;
