import { allHandlersFinished, condition, log, setHandler } from '@temporalio/workflow';
import type { TicketOutcome, TicketWorkflowInput } from '../types';
import { channels, db } from './proxies';
import * as message from './messages';
import { Continuation } from './continuation';
import { TicketVersion } from './patches';
import { SlaClock } from './sla-clock';
import { TicketState } from './state';
import { intakeTicket, TicketSteps } from './steps';

/**
 * register → classify → queue → accept → execute → notify → survey, one workflow per ticket
 * (processes/ticket.bpmn). While the survey waits the ticket may be reopened (back to execute,
 * then notified again); a low score or a complaint goes to a manager before the ticket closes.
 */
export async function ticketWorkflow(input: TicketWorkflowInput): Promise<TicketOutcome> {
  const { intake, surveyTimeoutMs, continued } = input;
  const { ticketId } = intake;
  const version = new TicketVersion();
  const ticket = new TicketState(ticketId);
  const clock = new SlaClock(ticket, version);
  const steps = new TicketSteps(ticket, clock, version);
  const continuation = new Continuation(input, ticket, clock, version);
  // A run that continued as new goes on where the previous one stood, before any message is handled.
  if (continued) {
    ticket.restore(continued.ticket);
    clock.restore(continued.clock);
  }

  setHandler(message.stageQuery, () => ticket.stage);
  setHandler(message.slaQuery, () => clock.status());
  setHandler(message.intakeUpdate, () => steps.queued());
  setHandler(message.acceptUpdate, ({ operatorId }) => steps.acceptBy(operatorId), {
    validator: (request) => ticket.mayAccept(request),
  });
  setHandler(message.recordWorkUpdate, (request) => steps.recordWork(request), {
    validator: ({ operatorId }) => ticket.mayWork(operatorId),
  });
  setHandler(message.reassignUpdate, (request) => steps.reassign(request), {
    validator: (request) => ticket.mayReassign(request),
  });
  setHandler(message.returnToQueueUpdate, (request) => steps.returnToQueue(request), {
    validator: (request) => ticket.mayMove(request, ['in_work']),
  });
  setHandler(message.transferUpdate, (request) => steps.transfer(request), {
    validator: (request) => ticket.mayTransfer(request),
  });
  setHandler(message.resolveUpdate, (request) => steps.resolve(request), {
    validator: (request) => ticket.mayResolve(request, clock.overdueAt()),
  });
  setHandler(message.waitForClientUpdate, (request) => steps.waitForClient(request), {
    validator: (request) => ticket.mayWaitForClient(request, version.slaClocks),
  });
  setHandler(message.resumeUpdate, (request) => steps.resume(request), {
    validator: ({ operatorId }) => ticket.mayResume(operatorId),
  });
  setHandler(message.escalateUpdate, (request) => steps.escalate(request), {
    validator: (request) => ticket.mayEscalate(request, version.slaClocks),
  });
  setHandler(message.changeSlaUpdate, (request) => steps.changeSla(request), {
    validator: ({ agreementId }) => ticket.mayChangeSla(agreementId, version.slaClocks && !!clock.terms),
  });
  setHandler(message.surveyAnsweredSignal, (survey) => ticket.surveyAnswered(survey));
  setHandler(message.reopenUpdate, (request) => steps.reopen(request), {
    validator: ({ reason }) => ticket.mayReopen(reason),
  });
  setHandler(message.articleUpdate, (notice) => steps.takeArticle(notice));
  setHandler(message.resolveComplaintUpdate, (request) => steps.resolveComplaint(request), {
    validator: ({ resolution }) => ticket.mayResolveComplaint(resolution),
  });

  if (!continued) {
    // ticket_received → register → classify → queue; the SLA clock starts (planned by intake on the newest code).
    const slaStartedAt = Date.now();
    const { classified, queued: placed, sla } = await intakeTicket(intake, version, slaStartedAt);
    ticket.queuedIn(classified, placed);
    log.info('ticket queued', { ticketId, queue: placed.queueCode, category: classified.category });
    if (version.intakeWithSla) clock.start(slaStartedAt, sla ?? null);
    else if (version.slaClocks) clock.start(Date.now());
    // A queue set to auto-assign names its least-loaded competent operator, who accepts at once.
    if (placed.autoAssignee && version.autoAssign) await steps.acceptBy(placed.autoAssignee);
  }

  for (let surveyUntil = continued?.surveyUntil; ; surveyUntil = undefined) {
    if (surveyUntil === undefined) {
      // accept → execute (⇄ waiting_for_client) run in the handlers above, until the resolution.
      await continuation.waitFor(() => ticket.resolved, 'execute');
      ticket.stage = 'resolved';
      await clock.running;

      // notify → survey, which a reopening (back to execute) may interrupt.
      await channels.notifyClient({ ticketId, round: ticket.round });
      ticket.stage = 'awaiting_survey';

      if (!version.reopenAndComplaint) {
        const answered = await condition(() => ticket.answer !== undefined, surveyTimeoutMs);
        await db.closeTicket({ ticketId, survey: answered ? ticket.answer! : null });
        break;
      }

      ticket.reopenable = true;
      surveyUntil = Date.now() + surveyTimeoutMs;
    }
    const surveyRound = ticket.round;
    const answered = await continuation.waitFor(
      () => ticket.answer !== undefined || ticket.reopening || ticket.round !== surveyRound,
      'survey',
      surveyUntil,
    );
    // A reopening under way wins over the survey timer that fired meanwhile.
    await condition(() => !ticket.reopening);
    if (ticket.round !== surveyRound) continue;

    // survey_outcome: a low score or a complaint goes to handle_complaint; no answer in time is survey_expired.
    if (answered) await steps.takeSurveyAnswer();
    await db.closeTicket({ ticketId, survey: answered ? ticket.answer! : null });
    break;
  }
  ticket.stage = 'closed';

  await condition(allHandlersFinished);
  return { ticketId, csat: ticket.answer?.csat ?? null };
}
