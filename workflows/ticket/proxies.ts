/** The ticket's activities as the workflow calls them: by their types, with the timeouts and retries of each kind. */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { createActivities } from '../../activities';

type Activities = ReturnType<typeof createActivities>;

/** Database steps are short: run them as local activities, retried until the database answers. */
export const db = proxyLocalActivities<Activities>({
  startToCloseTimeout: '15s',
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '30s' },
});

/** Talking to the outside world may be slow or down for a while. */
export const channels = proxyActivities<Activities>({
  startToCloseTimeout: '60s',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '5m' },
});

export type StaffNoticeRequest = Parameters<typeof channels.notifyStaff>[0];
