import { proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { DigestKind } from '../src/domain/figures-digest';
import type { FiguresDigestSent } from './types';

type Activities = ReturnType<typeof createActivities>;

const digest = proxyActivities<Activities>({
  startToCloseTimeout: '5m',
  retry: { initialInterval: '10s', backoffCoefficient: 2, maximumInterval: '10m', maximumAttempts: 20 },
});

/** The managers' digest of the last whole day or week before this run started (its schedule fires it). */
export async function figuresDigestWorkflow(input: { kind: DigestKind }): Promise<FiguresDigestSent> {
  // The workflow's clock, fixed by its history: a retry of the activity after midnight still reports the same period.
  return digest.sendFiguresDigest({ kind: input.kind, at: new Date().toISOString() });
}
