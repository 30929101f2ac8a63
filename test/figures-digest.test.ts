/**
 * The managers' digest (#14) on the real engine: its Temporal schedules made idempotently at
 * start, and its workflow mailing each manager the figures once through the outbox, its activity
 * failed once after it sent.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestPeriod } from '../src/domain/figures-digest';
import { digestScheduleId, ensureDigestSchedules } from '../src/services/figures-digest';
import { figuresDigestWorkflow } from '../workflows/figures-digest';
import { startTestDesk } from './support/desk';
import { failOnceAfterWrite } from './support/faults';
import { startSmtpSink } from './support/smtp';

describe('the figures digest', () => {
  let desk: Awaited<ReturnType<typeof startTestDesk>>;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  const calls: Record<string, number> = {};
  const taskQueue = `digest-test-${process.pid}-${Date.now()}`;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    desk = await startTestDesk({
      smtpUrl: smtp.url,
      wrapActivities: (activities) => failOnceAfterWrite(activities, ['sendFiguresDigest'], calls),
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
    await smtp?.close();
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

  it('mails every manager the figures of yesterday once, in Russian and English, though retried after sending', async () => {
    const run = () =>
      desk.temporal.workflow.execute(figuresDigestWorkflow, {
        taskQueue,
        workflowId: `${digestScheduleId('daily', taskQueue)}-by-hand-${Date.now()}`,
        args: [{ kind: 'daily' }],
      });
    // The first attempt sends, then fails as if the worker died; the retry finds every copy sent.
    const first = await run();
    expect(calls.sendFiguresDigest).toBe(2);
    const period = digestPeriod('daily', new Date(), 'Europe/Moscow');
    expect({ from: first.from, to: first.to }).toEqual({
      from: period.from.toISOString(),
      to: period.to.toISOString(),
    });
    expect(first.sent).toEqual([]);
    // Run again (a second schedule action): nothing more is sent either.
    const second = await run();
    expect(second.sent).toEqual([]);
    const toSidorova = smtp.received.filter(
      (m) => m.subject?.startsWith('Показатели за день') && JSON.stringify(m.to).includes('sidorova@desk.local'),
    );
    expect(toSidorova).toHaveLength(1);
    expect(toSidorova[0]!.text).toContain('Решено / Resolved: ');
    expect(toSidorova[0]!.text).toContain('Медиана решения (рабочее время): ');
    const purpose = `figures-digest:daily:${first.from}:sidorova`;
    const rows = await desk.db.execute<{ status: string; recipient: string; body: string }>(
      sql`select status, recipient, body from outbox where ticket_id = 0 and purpose = ${purpose}`,
    );
    expect(rows.map((r) => [r.status, r.recipient])).toEqual([['sent', 'sidorova@desk.local']]);
    expect(rows[0]!.body).toContain('CSI (0–100) / CSI (0–100): ');
  });
});
