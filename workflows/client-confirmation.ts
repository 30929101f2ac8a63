import { proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { ClientConfirmationAsked } from './types';

type Activities = ReturnType<typeof createActivities>;

/** The mail server may be down for a while: the link waits for it rather than being dropped. */
const asking = proxyActivities<Activities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '10m', maximumAttempts: 50 },
});

/**
 * A ticket filed anonymously with a known client's contact: the client is asked, at the contact
 * on file, to confirm it was them. Its own short workflow (one per ticket) rather than a step of
 * the ticket's: durable and sent once, without changing the ticket's history.
 */
export async function askClientConfirmationWorkflow(input: { ticketId: number }): Promise<ClientConfirmationAsked> {
  return asking.askClientConfirmation(input);
}
