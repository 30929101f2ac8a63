import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox, ticketEvents, tickets } from '../src/db/schema';
import { EscalationElement, TicketElement, ticketWorkflowId } from '../src/domain/process';
import { stageQuery } from '../workflows/ticket';
import { startTestDesk } from './support/desk';
import { listen } from './support/http';
import type { SlaStatus } from '../workflows/types';
import { recordHistory as keepHistory } from './support/histories';
import { runId, slaProbe } from './support/sla-probe';

type Desk = Awaited<ReturnType<typeof startTestDesk>>;
type Target = SlaStatus['targets'][number];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * What happens to running SLA clocks when the terms change, the client is waited for, or the
 * ticket is reopened — against the real dev server, agreements in seconds on the 24x7 calendar.
 */
describe('SLA clocks across an SLA change, a wait for the client and a reopening', () => {
  let desk: Desk;
  let call: Awaited<ReturnType<typeof listen>>['call'];
  const run = runId();

  beforeAll(async () => {
    desk = await startTestDesk();
    ({ call } = await listen(desk.app));
  });
  afterAll(async () => desk?.stop());

  const { serviceWithSla, register, events, waitForEvents } = slaProbe(() => call, `zt${run}`, {
    price: '100.00',
    normHours: 1,
  });

  const recordHistory = (id: number, topic: string) => keepHistory(desk, id, topic);
  const resolution = async (id: number): Promise<Target> =>
    (await call('GET', `/tickets/${id}/sla`, { operator: 'sidorova' })).body.targets.find(
      (t: Target) => t.kind === 'resolution',
    );
  const breachedAt = async (id: number) =>
    (await desk.db.select({ at: tickets.slaBreachedAt }).from(tickets).where(eq(tickets.id, id)))[0]!.at;
  const dedupeKeys = async (id: number, action: string) =>
    (
      await desk.db
        .select({ key: ticketEvents.dedupeKey, action: ticketEvents.action })
        .from(ticketEvents)
        .where(eq(ticketEvents.ticketId, id))
    )
      .filter((e) => e.action === action)
      .map((e) => e.key)
      .sort();

  it('on an SLA change keeps the time used, arms again the warning and breach the new terms have not reached, and keeps the old breach on record', async () => {
    const { code, keyword } = await serviceWithSla({ responseSeconds: 600, resolutionSeconds: 2, warningShare: 0.5 });
    const longer = await call('PUT', `/catalog/services/${code}/sla/regular`, {
      operator: 'sidorova',
      body: { responseSeconds: 600, resolutionSeconds: 10, warningShare: 0.6, calendarCode: '24x7' },
    });
    const id = await register(keyword);
    expect((await call('POST', `/tickets/${id}/accept`, { operator: 'ivanova' })).status).toBe(200);
    await waitForEvents(id, (e) => e.action === 'sla_breached');
    expect(await resolution(id)).toMatchObject({ warned: true, breached: true });
    expect(await breachedAt(id)).not.toBeNull();

    const changedAt = Date.now();
    const changed = await call('POST', `/tickets/${id}/sla`, {
      operator: 'sidorova',
      body: { agreementId: longer.body.id },
    });
    expect(changed.status).toBe(200);
    const after = changed.body.targets.find((t: Target) => t.kind === 'resolution') as Target;
    // 10 s, warned at 6 s: neither reached with the ~2–4 s used, so both are armed again; the status says so.
    expect(after).toMatchObject({ budgetMs: 10_000, warned: false, breached: false, running: true, met: false });
    expect(after.usedMs).toBeGreaterThanOrEqual(2_000);
    expect(after.usedMs).toBeLessThan(6_000);
    expect(await breachedAt(id)).toBeNull();
    const rearmed = (await waitForEvents(id, (e) => e.action === 'sla_rearmed'))[0]!;
    expect(rearmed).toMatchObject({
      elementId: EscalationElement.clock,
      actor: 'sidorova',
      data: { agreementId: longer.body.id, targets: [{ target: 'resolution', warned: false, breached: false }] },
    });

    // They fire again at the new instants: 6 s and 10 s of clock time, counted on from the time used.
    const warnings = await waitForEvents(id, (e) => e.action === 'sla_warned', 2);
    const breaches = await waitForEvents(id, (e) => e.action === 'sla_breached', 2);
    expect(Date.parse(warnings[1]!.at) - changedAt).toBeGreaterThanOrEqual(6_000 - after.usedMs - 300);
    expect(Date.parse(breaches[1]!.at) - changedAt).toBeGreaterThanOrEqual(10_000 - after.usedMs - 300);
    expect(Date.parse(breaches[1]!.at) - changedAt).toBeLessThan(10_000 - after.usedMs + 3_000);
    expect(await resolution(id)).toMatchObject({ warned: true, breached: true });
    expect(await breachedAt(id)).not.toBeNull();
    // The first breach stays on the record beside the second, each under its own key.
    expect(await dedupeKeys(id, 'sla_breached')).toEqual([
      'sla:breached:resolution',
      'sla:breached:resolution:change1',
    ]);
    await recordHistory(id, 'sla-change-rearm');
  });

  it('warns at once when the time used is past the new terms’ warning share; nothing is armed again', async () => {
    const { code, keyword } = await serviceWithSla({ responseSeconds: 600, resolutionSeconds: 60, warningShare: 0.9 });
    const shorter = await call('PUT', `/catalog/services/${code}/sla/regular`, {
      operator: 'sidorova',
      body: { responseSeconds: 600, resolutionSeconds: 30, warningShare: 0.05, calendarCode: '24x7' },
    });
    const id = await register(keyword);
    expect((await call('POST', `/tickets/${id}/accept`, { operator: 'ivanova' })).status).toBe(200);
    await sleep(2_000);
    const changed = await call('POST', `/tickets/${id}/sla`, {
      operator: 'sidorova',
      body: { agreementId: shorter.body.id },
    });
    expect(changed.body.targets.find((t: Target) => t.kind === 'resolution')).toMatchObject({
      warned: false,
      breached: false,
      budgetMs: 30_000,
    });
    // 5 % of 30 s is 1.5 s, already used: the warning comes now, not again later.
    await waitForEvents(id, (e) => e.action === 'sla_warned');
    expect(await dedupeKeys(id, 'sla_rearmed')).toEqual([]);
    expect(
      (await call('POST', `/tickets/${id}/resolve`, { operator: 'ivanova', body: { resolution: 'Готово' } })).status,
    ).toBe(200);
  });

  it('waiting for the client stops the resolution clock with its escalation levels, not the first response', async () => {
    const { keyword } = await serviceWithSla({
      responseSeconds: 600,
      resolutionSeconds: 1,
      warningShare: 0.5,
      escalation: [{ afterSeconds: 4, recipients: ['petrov'] }],
    });
    const id = await register(keyword);
    // Not accepted yet: the first response is the desk's to give, it cannot wait for the client.
    const early = await call('POST', `/tickets/${id}/wait-for-client`, {
      operator: 'ivanova',
      body: { reason: 'ждём фото' },
    });
    expect(early.status).toBe(409);
    const status = (await call('GET', `/tickets/${id}/sla`, { operator: 'sidorova' })).body.targets as Target[];
    expect(status.find((t) => t.kind === 'response')).toMatchObject({ running: true, met: false });

    expect((await call('POST', `/tickets/${id}/accept`, { operator: 'ivanova' })).status).toBe(200);
    await waitForEvents(id, (e) => e.action === 'sla_breached');
    await sleep(1_500);
    const paused = await call('POST', `/tickets/${id}/wait-for-client`, {
      operator: 'ivanova',
      body: { reason: 'Ждём ответа клиента' },
    });
    expect(paused.status).toBe(200);
    const used = (paused.body.targets as Target[]).find((t) => t.kind === 'resolution')!.usedMs;
    // Paused past the instant the first level was due (4 s after the breach): it does not run.
    await sleep(Math.max(0, 1_000 + 4_000 - used) + 1_500);
    expect((await events(id)).some((e) => e.action === 'sla_escalated')).toBe(false);
    // The manual hand-over waits too: the ticket is with the client.
    expect((await call('POST', `/tickets/${id}/escalate`, { operator: 'ivanova', body: { reason: 'x' } })).status).toBe(
      409,
    );

    const resumedAt = Date.now();
    expect((await call('POST', `/tickets/${id}/resume`, { operator: 'ivanova' })).status).toBe(200);
    const [escalated] = await waitForEvents(id, (e) => e.action === 'sla_escalated');
    // What was left of the level's delay, not the whole delay again.
    const left = 1_000 + 4_000 - used;
    expect(Date.parse(escalated!.at) - resumedAt).toBeGreaterThanOrEqual(left - 300);
    expect(Date.parse(escalated!.at) - resumedAt).toBeLessThan(left + 1_000);
    expect(escalated!.data).toMatchObject({ level: 1, target: 'resolution', fromLine: 1, toLine: 2 });
  });

  it('runs the resolution clock again after a reopening with the time it had used; warnings and breaches apply again, per round', async () => {
    const { keyword } = await serviceWithSla({ responseSeconds: 600, resolutionSeconds: 5, warningShare: 0.5 });
    const id = await register(keyword);
    expect((await call('POST', `/tickets/${id}/accept`, { operator: 'ivanova' })).status).toBe(200);
    await waitForEvents(id, (e) => e.action === 'sla_warned');
    expect(
      (await call('POST', `/tickets/${id}/resolve`, { operator: 'ivanova', body: { resolution: 'Ответили' } })).status,
    ).toBe(200);
    const firstRound = await resolution(id);
    expect(firstRound).toMatchObject({ met: true, breached: false, round: 1, running: false });
    expect(firstRound.usedMs).toBeGreaterThanOrEqual(2_500);
    expect(firstRound.usedMs).toBeLessThan(5_000);
    await expect
      .poll(() => desk.temporal.workflow.getHandle(ticketWorkflowId(id)).query(stageQuery), { timeout: 20_000 })
      .toBe('awaiting_survey');
    // Longer than what was left of the 5 s: if the time between resolution and reopening counted, the breach would come at once.
    await sleep(5_000 - firstRound.usedMs + 1_500);
    expect((await events(id)).some((e) => e.action === 'sla_breached')).toBe(false);

    const reopenedAt = Date.now();
    expect(
      (await call('POST', `/tickets/${id}/reopen`, { operator: 'ivanova', body: { reason: 'Клиент перезвонил' } }))
        .status,
    ).toBe(200);
    const [restarted] = await waitForEvents(id, (e) => e.action === 'sla_restarted');
    expect(restarted).toMatchObject({
      elementId: TicketElement.reopen,
      data: { round: 2, target: 'resolution', usedMs: firstRound.usedMs, budgetMs: 5_000 },
    });
    // Round 2: past its warning share already, so warned at once; breached when the 5 s are used up.
    const [, warned2] = await waitForEvents(id, (e) => e.action === 'sla_warned', 2);
    expect(warned2!.data.round).toBe(2);
    const [breached] = await waitForEvents(id, (e) => e.action === 'sla_breached');
    expect(breached!.data.round).toBe(2);
    expect(Date.parse(breached!.at) - reopenedAt).toBeGreaterThanOrEqual(5_000 - firstRound.usedMs - 300);
    expect(await resolution(id)).toMatchObject({ round: 2, warned: true, breached: true, running: true, met: false });

    const noReason = await call('POST', `/tickets/${id}/resolve`, {
      operator: 'ivanova',
      body: { resolution: 'Исправили' },
    });
    expect(noReason.status).toBe(400);
    expect(
      (
        await call('POST', `/tickets/${id}/resolve`, {
          operator: 'ivanova',
          body: { resolution: 'Исправили', overdueReason: 'underestimated' },
        })
      ).status,
    ).toBe(200);
    const met = await waitForEvents(id, (e) => e.action === 'sla_met' && e.data.target === 'resolution', 2);
    expect(met.map((e) => [e.data.late, e.data.round])).toEqual([
      [false, undefined],
      [true, 2],
    ]);
    expect(await dedupeKeys(id, 'sla_warned')).toEqual(['sla:warned:resolution', 'sla:warned:resolution:2']);
    // Each round's notices are sent: the assignee's warnings, the managers' breach of round 2.
    await expect
      .poll(
        async () =>
          (await desk.db.select({ purpose: outbox.purpose }).from(outbox).where(eq(outbox.ticketId, id)))
            .map((m) => m.purpose)
            .filter((p) => p.startsWith('sla-'))
            .sort(),
        { timeout: 10_000 },
      )
      .toEqual([
        'sla-breach:resolution:2:sidorova',
        'sla-warning:resolution:2:ivanova',
        'sla-warning:resolution:ivanova',
      ]);
    await recordHistory(id, 'sla-reopen-round');
  });
});
