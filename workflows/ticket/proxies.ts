/** The ticket's activities as the workflow calls them: by their types, with the timeouts and retries of each kind. */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { createActivities } from '../../activities';

type Activities = ReturnType<typeof createActivities>;

/** Database steps are short: run them as local activities, retried until the database answers. */
export const db = proxyLocalActivities<Activities>({
  startToCloseTimeout: '15s',
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '30s' },
});

/**
 * Talking to the outside world may be slow or down for a while: tried again at most a minute
 * apart, so a notice goes out within a minute of its server's return (with 5 minutes, the chaos
 * run's SMTP outages of a minute left notices waiting up to 5 minutes after each came back).
 */
export const channels = proxyActivities<Activities>({
  startToCloseTimeout: '60s',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m' },
});

export type StaffNoticeRequest = Parameters<typeof channels.notifyStaff>[0];
