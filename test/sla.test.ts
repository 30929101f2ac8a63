import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox, tickets } from '../src/db/schema';
import { EscalationElement, TicketElement } from '../src/domain/process';
import { startTestDesk } from './support/desk';
import { failOnceAfterWrite } from './support/faults';
import { listen } from './support/http';
import { recordHistory as keepHistory } from './support/histories';
import { runId, slaProbe } from './support/sla-probe';

type Desk = Awaited<ReturnType<typeof startTestDesk>>;

/**
 * SLA clocks against the real dev server: agreements measured in seconds on the
 * around-the-clock test calendar, so deadlines are a few seconds after the ticket starts.
 */
describe('SLA clocks: warning, breach, escalation, waiting for the client, an SLA change', () => {
  let desk: Desk;
  let call: Awaited<ReturnType<typeof listen>>['call'];
  const run = runId();
  const calls: Record<string, number> = {};

  beforeAll(async () => {
    // The first escalation and the first staff notice fail after their writes: retries must not move or send twice.
    desk = await startTestDesk({
      wrapActivities: (activities) => failOnceAfterWrite(activities, ['escalateTicket', 'notifyStaff'], calls),
    });
    ({ call } = await listen(desk.app));
  });
  afterAll(async () => desk?.stop());

  const { serviceWithSla, register, sla, events, waitForEvent } = slaProbe(() => call, `zq${run}`);

  const recordHistory = (id: number, topic: string) => keepHistory(desk, id, topic);

  it('warns, breaches and escalates three levels up the support lines, never early', async () => {
    const { keyword } = await serviceWithSla({
      responseSeconds: 2,
      resolutionSeconds: 120,
      warningShare: 0.5,
      escalation: [
        { afterSeconds: 0, recipients: ['ivanova'] },
        { afterSeconds: 2, recipients: ['petrov'] },
        { afterSeconds: 4, recipients: ['sidorova'] },
      ],
    });
    const id = await register(keyword);
    const started = await waitForEvent(id, (e) => e.action === 'sla_started');
    const level3 = await waitForEvent(id, (e) => e.elementId === EscalationElement.level3);
    const trail = (await events(id)).filter((e) => e.action.startsWith('sla_'));
    expect(trail.map((e) => `${e.elementId}:${e.action}`)).toEqual([
      `${EscalationElement.started}:sla_started`,
      `${EscalationElement.warning}:sla_warned`,
      `${EscalationElement.breached}:sla_breached`,
      `${EscalationElement.level1}:sla_escalated`,
      `${EscalationElement.level2}:sla_escalated`,
      `${EscalationElement.level3}:sla_escalated`,
    ]);
    const at = (action: string, element?: string) =>
      Date.parse(trail.find((e) => e.action === action && (!element || e.elementId === element))!.at);
    // Timers never fire before their instant: warning at half of the 2 s, levels 0, 2 and 4 s after the deadline.
    const dueAt = Date.parse(trail.find((e) => e.action === 'sla_breached')!.data.dueAt);
    expect(dueAt - Date.parse(started.at)).toBeGreaterThan(1_000);
    expect(at('sla_warned')).toBeGreaterThanOrEqual(dueAt - 1_000);
    expect(at('sla_breached')).toBeGreaterThanOrEqual(dueAt);
    expect(at('sla_escalated', EscalationElement.level1)).toBeGreaterThanOrEqual(dueAt);
    expect(at('sla_escalated', EscalationElement.level2)).toBeGreaterThanOrEqual(dueAt + 2_000);
    expect(Date.parse(level3.at)).toBeGreaterThanOrEqual(dueAt + 4_000);
    expect(trail.map((e) => e.data.target)).toEqual([
      undefined,
      'response',
      'response',
      'response',
      'response',
      'response',
    ]);
    expect(trail.slice(3).map((e) => [e.data.fromLine, e.data.toLine, e.data.moved])).toEqual([
      [1, 2, true],
      [2, 3, true],
      [3, 3, false],
    ]);

    expect(calls.escalateTicket).toBeGreaterThanOrEqual(4);
    // Each alarm keeps the instant it was due; the worker's metrics say how late each fired (counted once per alarm).
    const warned = trail.find((e) => e.action === 'sla_warned')!;
    expect(Date.parse(warned.at)).toBeGreaterThanOrEqual(Date.parse(warned.data.plannedAt));
    expect(Date.parse(trail.find((e) => e.action === 'sla_breached')!.data.plannedAt)).toBe(dueAt);
    const metrics = (await call('GET', '/metrics')).text;
    const lagCount = (alarm: string) =>
      Number(new RegExp(`^desk_sla_timer_lag_seconds_count\\{alarm="${alarm}"\\} (\\d+)$`, 'm').exec(metrics)?.[1]);
    expect([lagCount('warning'), lagCount('breach'), lagCount('escalation')]).toEqual([1, 1, 3]);
    const [row] = await desk.db.select().from(tickets).where(eq(tickets.id, id));
    expect(row).toMatchObject({ supportLine: 3, stage: 'queued', assigneeId: null });
    expect(row!.slaBreachedAt).not.toBeNull();
    const queues = await call('GET', '/queues', { operator: 'sidorova' });
    expect(queues.body.find((q: { id: number }) => q.id === row!.queueId).code).toBe('experts');

    // Who heard of it: the managers on the warning (nobody had accepted) and the breach, each level's recipients.
    await expect
      .poll(
        async () =>
          (await desk.db.select({ purpose: outbox.purpose }).from(outbox).where(eq(outbox.ticketId, id)))
            .map((m) => m.purpose)
            .sort(),
        { timeout: 10_000 },
      )
      .toEqual([
        'sla-breach:response:sidorova',
        'sla-escalation:response:1:ivanova',
        'sla-escalation:response:2:petrov',
        'sla-escalation:response:3:sidorova',
        'sla-warning:response:sidorova',
      ]);

    // The first line can no longer take it; the third line can, and the response is met, late.
    expect((await call('POST', `/tickets/${id}/accept`, { operator: 'ivanova' })).status).toBe(403);
    const accepted = await call('POST', `/tickets/${id}/accept`, { operator: 'sidorova' });
    expect(accepted.status).toBe(200);
    const met = await waitForEvent(id, (e) => e.action === 'sla_met' && e.data.target === 'response');
    expect(met.data.late).toBe(true);
    const status = await sla(id);
    expect(status.supportLine).toBe(3);
    expect(status.targets.filter((t: { kind: string }) => t.kind === 'handover')).toHaveLength(2);
    expect(status.targets.every((t: { kind: string; met: boolean }) => t.kind === 'resolution' || t.met)).toBe(true);
    await recordHistory(id, 'sla-escalation');
  });

  it('stops the clock while waiting for the client and recomputes the deadline on resume; late resolution needs a reason', async () => {
    const { keyword } = await serviceWithSla({ responseSeconds: 60, resolutionSeconds: 4, warningShare: 0.9 });
    const id = await register(keyword);
    // Blind until accepted: the agreement and its budgets would name the service and the client's category.
    const blind = (await call('GET', `/tickets/${id}/sla`, { operator: 'petrov' })).body;
    expect(blind).not.toHaveProperty('agreementId');
    expect(blind.targets.length).toBeGreaterThan(0);
    expect(blind.targets.every((t: object) => !('budgetMs' in t) && !('usedMs' in t))).toBe(true);
    expect((await call('POST', `/tickets/${id}/accept`, { operator: 'ivanova' })).status).toBe(200);
    const held = (await call('GET', `/tickets/${id}/sla`, { operator: 'ivanova' })).body;
    expect(held).toMatchObject({
      agreementId: expect.any(Number),
      targets: expect.arrayContaining([expect.objectContaining({ budgetMs: 60_000 })]),
    });
    await new Promise((r) => setTimeout(r, 1_000));

    expect(
      (await call('POST', `/tickets/${id}/wait-for-client`, { operator: 'sidorova', body: { reason: 'x' } })).status,
    ).toBe(403);
    expect(
      (await call('POST', `/tickets/${id}/wait-for-client`, { operator: 'ivanova', body: { reason: ' ' } })).status,
    ).toBe(400);
    const resolutionOf = (status: { targets: { kind: string; running: boolean }[] }) =>
      status.targets.find((t) => t.kind === 'resolution')!;
    // Read just before the pause, so the answer is still fresh after it: the pause is seen at once all the same.
    expect(resolutionOf((await call('GET', `/tickets/${id}/sla`, { operator: 'ivanova' })).body).running).toBe(true);
    const paused = await call('POST', `/tickets/${id}/wait-for-client`, {
      operator: 'ivanova',
      body: { reason: 'Ждём фото серийного номера' },
    });
    expect(paused.status).toBe(200);
    expect(resolutionOf((await call('GET', `/tickets/${id}/sla`, { operator: 'ivanova' })).body).running).toBe(false);
    const used = paused.body.targets.find((t: { kind: string }) => t.kind === 'resolution').usedMs;
    expect(used).toBeGreaterThanOrEqual(900);
    expect(used).toBeLessThan(3_000);
    expect((await call('GET', `/tickets/${id}`, { operator: 'ivanova' })).body).toMatchObject({
      stage: 'waiting_for_client',
      sla: { pausedAt: expect.any(String) },
    });
    expect(
      (await call('POST', `/tickets/${id}/resolve`, { operator: 'ivanova', body: { resolution: 'x' } })).status,
    ).toBe(409);

    // Paused past the original deadline: nothing breaches.
    await new Promise((r) => setTimeout(r, 4_500));
    expect((await events(id)).some((e) => e.action === 'sla_breached')).toBe(false);

    const resumedAt = Date.now();
    const resumed = await call('POST', `/tickets/${id}/resume`, { operator: 'ivanova' });
    expect(resumed.status).toBe(200);
    expect((await call('POST', `/tickets/${id}/resume`, { operator: 'ivanova' })).status).toBe(409);
    const breached = await waitForEvent(id, (e) => e.action === 'sla_breached');
    // The remaining 4 s − used, counted from the resume.
    expect(Date.parse(breached.at) - resumedAt).toBeGreaterThanOrEqual(4_000 - used - 300);
    const trail = (await events(id)).filter((e) => e.action.startsWith('sla_'));
    expect(trail.map((e) => `${e.elementId}:${e.action}`)).toEqual([
      `${EscalationElement.started}:sla_started`,
      `${EscalationElement.met}:sla_met`,
      `${TicketElement.waitingForClient}:sla_paused`,
      `${TicketElement.waitingForClient}:sla_resumed`,
      `${EscalationElement.warning}:sla_warned`,
      `${EscalationElement.breached}:sla_breached`,
    ]);
    expect(trail[2]!.data).toMatchObject({ reason: 'Ждём фото серийного номера' });
    // Accepted by then: the warning goes to the assignee, the breach to the managers.
    await expect
      .poll(
        async () =>
          (await desk.db.select({ purpose: outbox.purpose }).from(outbox).where(eq(outbox.ticketId, id)))
            .map((m) => m.purpose)
            .sort(),
        { timeout: 10_000 },
      )
      .toEqual(['sla-breach:resolution:sidorova', 'sla-warning:resolution:ivanova']);

    const noReason = await call('POST', `/tickets/${id}/resolve`, {
      operator: 'ivanova',
      body: { resolution: 'Ответили клиенту' },
    });
    expect(noReason.status).toBe(400);
    expect(noReason.body.message).toMatch(/past its resolution deadline.*overdueReason is required/);
    const unknown = await call('POST', `/tickets/${id}/resolve`, {
      operator: 'ivanova',
      body: { resolution: 'Ответили клиенту', overdueReason: 'bad-luck' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/overdueReason "bad-luck" is not one of .*client-unreachable/);
    const reasons = await call('GET', '/overdue-reasons', { operator: 'ivanova' });
    expect(reasons.body.map((r: { code: string }) => r.code)).toContain('client-unreachable');
    const late = await call('POST', `/tickets/${id}/resolve`, {
      operator: 'ivanova',
      body: { resolution: 'Ответили клиенту', overdueReason: 'client-unreachable', overdueNote: 'не отвечал два дня' },
    });
    expect(late.status).toBe(200);
    const [row] = await desk.db.select().from(tickets).where(eq(tickets.id, id));
    expect(row).toMatchObject({
      overdueReason: 'client-unreachable',
      overdueNote: 'не отвечал два дня',
      solvedLine: 1,
    });
    const met = await waitForEvent(id, (e) => e.action === 'sla_met' && e.data.target === 'resolution');
    expect(met.data.late).toBe(true);
    await recordHistory(id, 'sla-pause');
  });

  it('keeps the time used when a manager changes the SLA mid-way', async () => {
    const { code, keyword, agreementId } = await serviceWithSla({ responseSeconds: 60, resolutionSeconds: 3 });
    const longer = await call('PUT', `/catalog/services/${code}/sla/regular`, {
      operator: 'sidorova',
      body: { responseSeconds: 60, resolutionSeconds: 10, calendarCode: '24x7' },
    });
    const id = await register(keyword);
    expect((await call('POST', `/tickets/${id}/accept`, { operator: 'ivanova' })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_200));

    expect(
      (await call('POST', `/tickets/${id}/sla`, { operator: 'ivanova', body: { agreementId: longer.body.id } })).status,
    ).toBe(403);
    const changedAt = Date.now();
    const changed = await call('POST', `/tickets/${id}/sla`, {
      operator: 'sidorova',
      body: { agreementId: longer.body.id },
    });
    expect(changed.status).toBe(200);
    expect(changed.body.agreementId).not.toBe(agreementId);
    const resolution = changed.body.targets.find((t: { kind: string }) => t.kind === 'resolution');
    expect(resolution).toMatchObject({ budgetMs: 10_000, breached: false, running: true });
    expect(resolution.usedMs).toBeGreaterThanOrEqual(1_100);

    // Past the old 3 s deadline, within the new 10 s: no breach.
    await new Promise((r) => setTimeout(r, 3_000));
    const status = await sla(id);
    const due = Date.parse(status.targets.find((t: { kind: string }) => t.kind === 'resolution').dueAt);
    expect(due - changedAt).toBeGreaterThan(10_000 - resolution.usedMs - 1_000);
    expect(due - changedAt).toBeLessThan(10_000 - resolution.usedMs + 1_000);
    expect((await events(id)).map((e) => e.action)).not.toContain('sla_breached');
    expect((await events(id)).map((e) => e.action)).toContain('sla_changed');

    const onTime = await call('POST', `/tickets/${id}/resolve`, {
      operator: 'ivanova',
      body: { resolution: 'Готово' },
    });
    expect(onTime.status).toBe(200);
    const met = await waitForEvent(id, (e) => e.action === 'sla_met' && e.data.target === 'resolution');
    expect(met.data.late).toBe(false);
  });
});
