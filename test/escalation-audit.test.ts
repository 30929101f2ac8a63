import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDesk } from './support/desk';
import { listen } from './support/http';
import { runId, slaProbe } from './support/sla-probe';

type Desk = Awaited<ReturnType<typeof startTestDesk>>;

/**
 * The escalation audit against the real dev server: one ticket driven through a response
 * breach (escalated to line 2 at once), a wait for the client and a late resolution, on an
 * agreement in seconds on the around-the-clock calendar.
 */
describe('escalation audit: GET /escalations and GET /tickets/:id/breaches', () => {
  let desk: Desk;
  let call: Awaited<ReturnType<typeof listen>>['call'];
  const run = runId();
  let id: number;
  let byHand: number;
  let from: string;

  beforeAll(async () => {
    desk = await startTestDesk();
    ({ call } = await listen(desk.app));
  });
  afterAll(async () => desk?.stop());

  const { serviceWithSla, register, waitForEvent } = slaProbe(() => call, `za${run}`);
  const audit = async (operator: string, query: Record<string, string | number>) =>
    call(
      'GET',
      `/escalations?${new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]))}`,
      {
        operator,
      },
    );
  const period = () => ({ from, to: new Date(Date.now() + 60_000).toISOString() });

  it('drives a ticket through a response breach, an escalation, a pause and a late resolution', async () => {
    from = new Date(Date.now() - 1_000).toISOString();
    const { keyword } = await serviceWithSla({
      responseSeconds: 2,
      resolutionSeconds: 5,
      escalation: [{ afterSeconds: 0, recipients: ['petrov'] }],
    });
    id = await register(keyword);
    await waitForEvent(id, (e) => e.action === 'sla_escalated' && e.data.level === 1);
    expect((await call('POST', `/tickets/${id}/accept`, { operator: 'petrov' })).status).toBe(200);
    const pause = await call('POST', `/tickets/${id}/wait-for-client`, {
      operator: 'petrov',
      body: { reason: 'Ждём модель устройства' },
    });
    expect(pause.status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await call('POST', `/tickets/${id}/resume`, { operator: 'petrov' })).status).toBe(200);
    await waitForEvent(id, (e) => e.action === 'sla_breached' && e.data.target === 'resolution');
    const resolved = await call('POST', `/tickets/${id}/resolve`, {
      operator: 'petrov',
      body: { resolution: 'Заменили разъём', overdueReason: 'overload' },
    });
    expect(resolved.status).toBe(200);
    await waitForEvent(id, (e) => e.action === 'sla_met' && e.data.target === 'resolution');

    // And one escalated by hand, in time.
    const { keyword: other } = await serviceWithSla({ responseSeconds: 600, resolutionSeconds: 600 });
    byHand = await register(other);
    expect((await call('POST', `/tickets/${byHand}/accept`, { operator: 'ivanova' })).status).toBe(200);
    const escalated = await call('POST', `/tickets/${byHand}/escalate`, {
      operator: 'ivanova',
      body: { reason: 'Нужен паяльник' },
    });
    expect(escalated.status).toBe(200);
  });

  it('lists the breaches of the period with levels, who was told, the overdue reason and the state', async () => {
    // Notices are sent alongside the clock: wait until both are recorded as sent.
    await expect
      .poll(
        async () => {
          const rows = (await audit('sidorova', period())).body.items.filter((r: any) => r.ticket.id === id);
          const response = rows.find((r: any) => r.target === 'response');
          return [response?.notified, response?.escalations.map((x: any) => x.notified)];
        },
        { timeout: 15_000, interval: 250 },
      )
      .toEqual([['sidorova'], [['petrov']]]);
    const { body } = await audit('sidorova', period());
    const rows = body.items.filter((r: any) => r.ticket.id === id);
    expect(rows.map((r: any) => [r.kind, r.target, r.state])).toEqual([
      ['breach', 'response', 'met'],
      ['breach', 'resolution', 'met'],
    ]);
    const [response, resolution] = rows;
    expect(response).toMatchObject({
      ticket: { id, stage: expect.any(String), queue: { code: 'repairs' } },
      agreement: { id: expect.any(Number), service: expect.stringMatching(/^sla-za/), clientCategory: 'one_time' },
      supportLine: 1,
      round: 1,
      escalations: [{ level: 1, toLine: 2, queue: 'repairs', moved: true }],
      overdueReason: { code: 'overload', nameRu: 'Перегрузка линии', nameEn: 'Line overloaded' },
    });
    expect(Date.parse(response.at)).toBeGreaterThanOrEqual(Date.parse(response.dueAt));
    expect(response.overrunMs).toBe(Date.parse(response.metAt) - Date.parse(response.dueAt));
    expect(resolution).toMatchObject({ supportLine: 2, escalations: [], notified: ['sidorova'] });

    // Filters, and keyset pages of one row.
    const manual = body.items.filter((r: any) => r.ticket.id === byHand);
    expect(manual).toMatchObject([
      {
        kind: 'escalation',
        target: null,
        escalatedBy: 'ivanova',
        reason: 'Нужен паяльник',
        supportLine: 1,
        state: null,
      },
    ]);
    expect(
      (await audit('sidorova', { ...period(), queue: 'repairs' })).body.items.map((r: any) => r.ticket.id),
    ).toEqual(expect.arrayContaining([id, byHand]));
    const byTarget = (await audit('sidorova', { ...period(), target: 'resolution' })).body.items;
    expect(byTarget.filter((r: any) => r.ticket.id === id).map((r: any) => r.target)).toEqual(['resolution']);
    expect(
      (await audit('sidorova', { ...period(), queue: 'general' })).body.items.some((r: any) => r.ticket.id === id),
    ).toBe(false);
    const seen: number[] = [];
    let after: number | null = null;
    for (let page = 0; page < 20; page++) {
      const answer: any = (await audit('sidorova', { ...period(), limit: 1, ...(after ? { after } : {}) })).body;
      seen.push(...answer.items.map((r: any) => r.id));
      after = answer.next;
      if (after === null) break;
    }
    expect(seen).toEqual(body.items.map((r: any) => r.id));
  });

  it('explains why each target breached, from the timeline of its events', async () => {
    const answer = await call('GET', `/tickets/${id}/breaches`, { operator: 'sidorova' });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ ticketId: id, details: true });
    const target = (kind: string) => answer.body.targets.find((t: any) => t.target === kind);
    const response = target('response');
    expect(response.breaches).toHaveLength(1);
    expect(response.budgetMs).toBe(2_000);
    expect(response.explanation.ru).toMatch(
      /^Нарушено( на \d+ с)?: \d+ с в очереди «Общие вопросы» без принятия, эскалация на 2-ю линию в \d\d:\d\d$/,
    );
    expect(response.explanation.en).toMatch(
      /^Breached( by \d+ s)?: \d+ s in queue “General” not accepted, escalation to line 2 at \d\d:\d\d$/,
    );
    expect(response.markers.map((m: any) => [m.kind, m.notified])).toEqual([
      ['warned', ['sidorova']],
      ['breached', ['sidorova']],
      ['escalated', ['petrov']],
    ]);
    // Met by the accept: the clock stops there.
    expect(response.metAt).toBe(answer.body.targets.find((t: any) => t.target === 'handover').metAt);
    expect(response.intervals.map((i: any) => [i.queue, i.supportLine, i.accepted])).toEqual([
      ['general', 1, false],
      ['repairs', 2, false],
    ]);

    const resolution = target('resolution');
    const waiting = resolution.intervals.filter((i: any) => i.pause === 'waiting_for_client');
    expect(waiting).toHaveLength(1);
    expect(waiting[0]).toMatchObject({ holder: 'petrov', businessMs: 0 });
    expect(waiting[0].wallMs).toBeGreaterThanOrEqual(1_400);
    // The overrun counts from the recorded deadline to the resolution; the time used, from the events' stamps.
    const [lastBreach] = resolution.breaches.slice(-1);
    expect(resolution.overrunMs).toBeGreaterThan(0);
    expect(resolution.overrunMs).toBeLessThanOrEqual(Date.parse(resolution.metAt) - Date.parse(lastBreach.dueAt));
    expect(Math.abs(resolution.usedMs - resolution.overrunMs - 5_000)).toBeLessThan(1_000);
    expect(resolution.explanation.ru).toMatch(/в работе у petrov/);
    expect(resolution.explanation.ru).toMatch(/не в счёт: ожидание клиента \d+ с/);
    expect(resolution.explanation.en).toMatch(/not counted: waiting for the client \d+ s/);
    expect(resolution.markers.map((m: any) => m.kind)).toContain('warned');
    const shares = resolution.elements.reduce((sum: number, e: any) => sum + e.share, 0);
    expect(shares).toBeCloseTo(1);
    // Handed to line 2 under its OLA: a target of its own, met when petrov accepted.
    expect(target('handover')).toMatchObject({ handover: 1, breaches: [], explanation: null });
  });

  it('blind rules: an operator who may not see the ticket gets times, not its agreement, reasons or timeline', async () => {
    const rows = (await audit('ivanova', period())).body.items.filter((r: any) => r.ticket.id === id);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).not.toHaveProperty('agreement');
      expect(row).not.toHaveProperty('reason');
      expect(row.dueAt).toEqual(expect.any(String));
    }
    // Escalated by hand: back in a queue, nobody holds it, so only managers read the reason.
    const manual = (await audit('petrov', period())).body.items.find((r: any) => r.ticket.id === byHand);
    expect(manual).toMatchObject({ kind: 'escalation', escalatedBy: 'ivanova' });
    expect(manual).not.toHaveProperty('reason');
    const blind = await call('GET', `/tickets/${id}/breaches`, { operator: 'ivanova' });
    expect(blind.status).toBe(200);
    expect(blind.body.details).toBe(false);
    for (const t of blind.body.targets) {
      expect(Object.keys(t).sort()).toEqual(['breaches', 'handover', 'metAt', 'startedAt', 'target']);
    }
    // The assignee sees the whole timeline.
    expect((await call('GET', `/tickets/${id}/breaches`, { operator: 'petrov' })).body.details).toBe(true);
  });

  it('refuses bad input naming the field', async () => {
    const now = new Date().toISOString();
    const cases: [Record<string, string | number>, RegExp][] = [
      [{ from: now, to: from }, /querystring\.to must be after querystring\.from/],
      [{ from: now, to: now }, /querystring\.to must be after querystring\.from/],
      [{ from: 'yesterday', to: now }, /querystring\.from/],
      [{ from, to: '2026-13-45T00:00:00Z' }, /querystring\.to/],
      [{ from }, /querystring\.to is required/],
      [{ from: '2025-01-01T00:00:00Z', to: '2026-06-01T00:00:00Z' }, /querystring\.to: the period may be at most/],
      [{ ...period(), queue: `nope-${run}` }, /querystring\.queue/],
      [{ ...period(), target: 'lunch' }, /querystring\.target/],
      [{ ...period(), limit: 0 }, /querystring\.limit/],
      [{ ...period(), after: 1 }, /querystring\.after/],
    ];
    for (const [query, message] of cases) {
      const answer = await audit('sidorova', query);
      expect([answer.status, answer.body.code], JSON.stringify(query)).toEqual([400, 'VALIDATION']);
      expect(answer.body.message).toMatch(message);
    }
    expect((await call('GET', '/tickets/2147483647/breaches', { operator: 'sidorova' })).status).toBe(404);
    expect((await call('GET', '/tickets/0/breaches', { operator: 'sidorova' })).status).toBe(400);
  });
});
