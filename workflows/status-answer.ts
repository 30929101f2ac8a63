import { proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { StatusAnswered, StatusQuestion } from './types';

type Activities = ReturnType<typeof createActivities>;

/** The mail server may be down for a while: the answer waits for it rather than being dropped. */
const answering = proxyActivities<Activities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '10m', maximumAttempts: 50 },
});

/**
 * A client's status question, attached to the ticket it asks about, is answered with the
 * ticket's live status. Its own short workflow (one per question, by article id) rather than a
 * step of the ticket's: the answer is durable and sent once without changing the ticket's history.
 */
export async function answerStatusQuestionWorkflow(question: StatusQuestion): Promise<StatusAnswered> {
  return answering.answerStatusQuestion(question);
}
