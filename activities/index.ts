import { createCallActivities } from './calls';
import { createClientConfirmationActivities } from './client-confirmation';
import type { ActivityDependencies } from './context';
import { createDigestActivities } from './digest';
import { createIntakeActivities } from './intake';
import { createNotifyActivities } from './notify';
import { createRetrainingActivities } from './retraining';
import { createSlaActivities } from './sla';
import { createStatusAnswerActivities } from './status-answers';
import { createSurveyActivities } from './survey';
import { createWorkActivities } from './work';

export type { ActivityDependencies };

/**
 * The ticket's side effects, built from their dependencies; every one is safe to retry. Each
 * step's file opens a transaction, calls repositories and logs; the workflow proxies this
 * object's type, and recorded histories name its keys: names and signatures do not change.
 */
export function createActivities(deps: ActivityDependencies) {
  return {
    ...createSlaActivities(deps),
    ...createIntakeActivities(deps),
    ...createWorkActivities(deps),
    ...createRetrainingActivities(deps),
    ...createNotifyActivities(deps),
    ...createSurveyActivities(deps),
    ...createStatusAnswerActivities(deps),
    ...createCallActivities(deps),
    ...createClientConfirmationActivities(deps),
    ...createDigestActivities(deps),
  };
}

export type TicketActivities = ReturnType<typeof createActivities>;
