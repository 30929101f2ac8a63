/**
 * Bare workflows for the benchmark's floor: what Temporal alone costs on this machine.
 * Timeouts and retries are the ticket workflow's, so only our own work differs.
 */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { createFloorActivities } from '../floor-activities';

type FloorActivities = ReturnType<typeof createFloorActivities>;

const local = proxyLocalActivities<FloorActivities>({
  startToCloseTimeout: '15s',
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '30s' },
});

const remote = proxyActivities<FloorActivities>({
  startToCloseTimeout: '60s',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '5m' },
});

export async function emptyWorkflow(): Promise<number> {
  return 0;
}

export async function threeActivitiesWorkflow(): Promise<number> {
  return remote.step(await remote.step(await remote.step(0)));
}

/** The shape of a ticket's intake: register → classify → queue as three local activities. */
export async function threeLocalActivitiesWorkflow(): Promise<number> {
  return local.step(await local.step(await local.step(0)));
}
