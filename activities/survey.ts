import { recordedEvent, recordTicketEvent, recordTicketEvents } from '../src/db/events';
import {
  closedEvents,
  COMPLAINT_RESOLVED_KEY,
  complaintOpenedEvent,
  complaintResolvedEvent,
  reopenedEvent,
  surveyAnsweredEvent,
} from '../src/domain/ticket-events';
import { assigneeOf, writeClosed, writeReopened, writeSurveyAnswer } from '../src/repositories/ticket-writes';
import type { ComplaintResolved, Reopened, SurveyAnswer } from '../workflows/types';
import { ticketLogger, type ActivityDependencies } from './context';

/** After the resolution: the client reopens, answers the survey or complains; then the ticket closes. */
export function createSurveyActivities({ db, logger }: Pick<ActivityDependencies, 'db' | 'logger'>) {
  const ticketLog = ticketLogger(logger);

  return {
    /** The client or an operator reopens the resolved ticket: its assignee works it again. */
    async reopenTicket(input: { ticketId: number; round: number; by: string; reason: string }): Promise<Reopened> {
      const assigneeId = await db.transaction(async (tx) => {
        // Run again after its first attempt committed (as a resolve may be): the ticket may be
        // resolved again since, and a second write would put it back in work.
        const event = reopenedEvent(input.ticketId, input);
        if (await recordedEvent(tx, input.ticketId, event.dedupeKey)) return (await assigneeOf(tx, input.ticketId))!;
        const assignee = await writeReopened(tx, input.ticketId);
        await recordTicketEvent(tx, event);
        return assignee;
      });
      ticketLog(input.ticketId).info({ by: input.by, round: input.round }, 'ticket reopened');
      return { ticketId: input.ticketId, round: input.round, assigneeId };
    },

    /** Stores the client's answer; a complaint (or a low score) opens the manager's step. */
    async takeSurveyAnswer(input: { ticketId: number; survey: SurveyAnswer; opensComplaint: boolean }): Promise<void> {
      const { survey } = input;
      await db.transaction(async (tx) => {
        await writeSurveyAnswer(tx, input.ticketId, survey, input.opensComplaint);
        await recordTicketEvent(
          tx,
          surveyAnsweredEvent(input.ticketId, { csat: survey.csat, complaint: survey.complaint ?? false }),
        );
        if (input.opensComplaint) {
          await recordTicketEvent(
            tx,
            complaintOpenedEvent(input.ticketId, {
              csat: survey.csat,
              explicit: survey.complaint ?? false,
              comment: survey.comment ?? null,
            }),
          );
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
        await recordTicketEvent(
          tx,
          complaintResolvedEvent(input.ticketId, input.operatorId, input.resolution, new Date()),
        );
        // A retry answers with the instant the first attempt recorded.
        return (await recordedEvent(tx, input.ticketId, COMPLAINT_RESOLVED_KEY))!.at;
      });
      ticketLog(input.ticketId).info({ operatorId: input.operatorId }, 'complaint resolved');
      return { ticketId: input.ticketId, resolvedAt: at.toISOString() };
    },

    /** Stores the survey answer (or that none came) and closes the ticket. */
    async closeTicket(input: { ticketId: number; survey: SurveyAnswer | null }): Promise<void> {
      await db.transaction(async (tx) => {
        await writeClosed(tx, input.ticketId, input.survey);
        await recordTicketEvents(tx, closedEvents(input.ticketId, input.survey));
      });
      ticketLog(input.ticketId).info({ csat: input.survey?.csat ?? null }, 'ticket closed');
    },
  };
}
