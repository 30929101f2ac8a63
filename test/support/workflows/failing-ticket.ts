/**
 * A worker's bug, for test/update-retry.test.ts: the ticket workflow's name on code that fails
 * every workflow task it is given (a plain Error fails the task, not the workflow), as a worker
 * with a broken build would.
 */
export async function ticketWorkflow(): Promise<never> {
  throw new Error('this build of the ticket workflow is broken');
}
