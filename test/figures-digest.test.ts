/**
 * The managers' digest (#14) on the real engine: its Temporal schedules made idempotently at
 * start, and its workflow mailing each manager the figures once through the outbox.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestPeriod } from '../src/domain/figures-digest';
import { digestScheduleId, ensureDigestSchedules } from '../src/services/figures-digest';
import { figuresDigestWorkflow } from '../workflows/figures-digest';
import { startTestDesk } from './support/desk';

describe('the figures digest', () => {
  let desk: Awaited<ReturnType<typeof startTestDesk>>;
  const taskQueue = `digest-test-${process.pid}-${Date.now()}`;

  beforeAll(async () => {
    desk = await startTestDesk({
      taskQueue,
      deskTimeZone: 'Europe/Moscow',
      figuresDigest: { kinds: ['daily', 'weekly'], at: '08:00' },
    });
  });
  afterAll(async () => {
    for (const kind of ['daily', 'weekly'] as const)
      await desk?.temporal.schedule
        .getHandle(digestScheduleId(kind, taskQueue))
        .delete()
        .catch(() => undefined);
    await desk?.stop();
  });

  it('is scheduled daily and on Mondays at 08:00 in the desk’s zone, and made again without error', async () => {
    const daily = await desk.temporal.schedule.getHandle(digestScheduleId('daily', taskQueue)).describe();
    expect(daily.spec.timezone).toBe('Europe/Moscow');
    expect(daily.spec.calendars?.[0]).toMatchObject({
      hour: [{ start: 8, end: 8, step: 1 }],
      minute: [{ start: 0, end: 0, step: 1 }],
    });
    const weekly = await desk.temporal.schedule.getHandle(digestScheduleId('weekly', taskQueue)).describe();
    expect(weekly.spec.calendars?.[0]?.dayOfWeek).toEqual([{ start: 'MONDAY', end: 'MONDAY', step: 1 }]);
    expect(weekly.action).toMatchObject({
      workflowType: 'figuresDigestWorkflow',
      taskQueue,
      args: [{ kind: 'weekly' }],
    });

    // A restart with another time and only the daily digest: the daily one moves, the weekly one goes.
    await ensureDigestSchedules(desk.temporal, taskQueue, { kinds: ['daily'], at: '09:30', timeZone: 'Europe/Moscow' });
    await ensureDigestSchedules(desk.temporal, taskQueue, { kinds: ['daily'], at: '09:30', timeZone: 'Europe/Moscow' });
    const moved = await desk.temporal.schedule.getHandle(digestScheduleId('daily', taskQueue)).describe();
    expect(moved.spec.calendars?.[0]).toMatchObject({
      hour: [{ start: 9, end: 9, step: 1 }],
      minute: [{ start: 30, end: 30, step: 1 }],
    });
    await expect(desk.temporal.schedule.getHandle(digestScheduleId('weekly', taskQueue)).describe()).rejects.toThrow();
  });

  it('mails every manager the figures of yesterday once, in Russian and English', async () => {
    const run = () =>
      desk.temporal.workflow.execute(figuresDigestWorkflow, {
        taskQueue,
        workflowId: `${digestScheduleId('daily', taskQueue)}-by-hand-${Date.now()}`,
        args: [{ kind: 'daily' }],
      });
    const first = await run();
    const period = digestPeriod('daily', new Date(), 'Europe/Moscow');
    expect({ from: first.from, to: first.to }).toEqual({
      from: period.from.toISOString(),
      to: period.to.toISOString(),
    });
    expect(first.sent).toContain('sidorova');
    // Run again (a second schedule action, a retry): each copy of the period is already sent.
    const second = await run();
    expect(second.sent).toEqual([]);
    const purpose = `figures-digest:daily:${first.from}:sidorova`;
    const rows = await desk.db.execute<{ status: string; recipient: string; body: string }>(
      sql`select status, recipient, body from outbox where ticket_id = 0 and purpose = ${purpose}`,
    );
    expect(rows.map((r) => [r.status, r.recipient])).toEqual([['sent', 'sidorova@desk.local']]);
    expect(rows[0]!.body).toContain('Решено / Resolved: ');
    expect(rows[0]!.body).toContain('CSI (0–100) / CSI (0–100): ');
    // Without SMTP_URL the message is saved as a file of the mail folder.
    const file = `${purpose.replace(/[^\w.-]/g, '.')}.eml`;
    expect(readdirSync(desk.mailer.target)).toContain(file);
    expect(readFileSync(path.join(desk.mailer.target, file), 'utf8')).toMatch(/^To: sidorova@desk\.local$/m);
  });
});
