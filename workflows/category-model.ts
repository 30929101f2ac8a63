import { proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { CategoryModelTrained } from './types';

type Activities = ReturnType<typeof createActivities>;

const training = proxyActivities<Activities>({
  startToCloseTimeout: '10m',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '5m', maximumAttempts: 10 },
});

/** Retrains the category model on every operator verdict so far; run on a schedule or on demand. */
export async function retrainCategoryModelWorkflow(): Promise<CategoryModelTrained> {
  return training.retrainCategoryModel();
}
