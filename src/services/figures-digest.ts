import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { figuresDigestWorkflow } from '../../workflows/figures-digest';
import { digestKinds, type DigestKind } from '../domain/figures-digest';

/** One schedule per kind and task queue: its id is also the id of each run's workflow (with the run's time). */
export const digestScheduleId = (kind: DigestKind, taskQueue: string) => `figures-digest-${kind}-${taskQueue}`;

/**
 * The digest schedules as configured, made idempotently at start: a schedule that exists gets the
 * configured time, zone and task queue; a kind not configured any more is deleted. Daily runs
 * every day at `at` (local, HH:MM, in `timeZone`), weekly on Mondays at `at`.
 */
export async function ensureDigestSchedules(
  temporal: Client,
  taskQueue: string,
  setting: { kinds: readonly DigestKind[]; at: string; timeZone: string },
): Promise<void> {
  const [hour, minute] = setting.at.split(':').map(Number) as [number, number];
  for (const kind of digestKinds) {
    const scheduleId = digestScheduleId(kind, taskQueue);
    if (!setting.kinds.includes(kind)) {
      try {
        await temporal.schedule.getHandle(scheduleId).delete();
      } catch (error) {
        if (!(error instanceof ScheduleNotFoundError)) throw error;
      }
      continue;
    }
    const options = {
      scheduleId,
      spec: {
        calendars: [{ hour, minute, ...(kind === 'weekly' ? { dayOfWeek: 'MONDAY' as const } : {}) }],
        timezone: setting.timeZone,
      },
      action: {
        type: 'startWorkflow' as const,
        workflowType: figuresDigestWorkflow,
        args: [{ kind }] as [{ kind: DigestKind }],
        taskQueue,
        workflowId: scheduleId,
      },
      // A run missed while the desk was down is run when it is back, within a day; the outbox sends each copy once.
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
    };
    try {
      await temporal.schedule.create(options);
    } catch (error) {
      if (!(error instanceof ScheduleAlreadyRunning)) throw error;
      await temporal.schedule.getHandle(scheduleId).update((previous) => ({
        ...previous,
        spec: options.spec,
        action: options.action,
        policies: options.policies,
      }));
    }
  }
}
