import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../src/db/schema';
import { ticketWorkflowId } from '../src/domain/process';
import { startTestDesk } from './support/desk';
import { recordHistory } from './support/histories';
import { listen } from './support/http';
import { runId, slaProbe } from './support/sla-probe';
import { ticketDriver } from './support/tickets';

type Desk = Awaited<ReturnType<typeof startTestDesk>>;

/**
 * A ticket whose history grows (many actions, articles, a reopening) continues as new before
 * Temporal's limits, here at a low limit of the desk's own, and goes on where it stood: its
 * stage, assignee, SLA clock (time used, a deadline that falls in a later run), the counters its
 * event keys are made of, the survey's deadline and the reopening's round.
 */
describe('a long-lived ticket continues as new', () => {
  let desk: Desk;
  let call: Awaited<ReturnType<typeof listen>>['call'];
  let driver: ReturnType<typeof ticketDriver>;
  const run = runId();

  beforeAll(async () => {
    desk = await startTestDesk({ ticketHistoryLimit: 40 });
    ({ call } = await listen(desk.app));
    driver = ticketDriver(desk, call);
  });
  afterAll(async () => desk?.stop());

  const { serviceWithSla, register, events, sla, waitForEvent } = slaProbe(() => call, `zl${run}`);
  const runsOf = async (id: number) => {
    const runs: { runId: string; status: string }[] = [];
    for await (const execution of desk.temporal.workflow.list({ query: `WorkflowId = '${ticketWorkflowId(id)}'` }))
      runs.push({ runId: execution.runId, status: execution.status.name });
    return runs;
  };
  const act = async (id: number, path: string, body?: object) => {
    const answer = await call('POST', `/tickets/${id}/${path}`, { operator: 'ivanova', body });
    expect(answer.status, `${path}: ${answer.text}`).toBeLessThan(300);
    return answer.body;
  };

  it('keeps its state, SLA clock and event keys across runs, in work and while the survey waits', async () => {
    const { keyword } = await serviceWithSla({ responseSeconds: 600, resolutionSeconds: 6, warningShare: 0.95 });
    const id = await register(keyword);
    await act(id, 'accept');

    // Eight rounds of work and waiting for the client: far past the limit of 40 events.
    for (let i = 1; i <= 8; i++) {
      await act(id, 'work', { minutes: 5, note: `шаг ${i} / step ${i}` });
      await act(id, 'wait-for-client', { reason: `Ждём ответа ${i} / Waiting for reply ${i}` });
      await act(id, 'resume');
    }
    await expect.poll(async () => (await runsOf(id)).length, { timeout: 5_000 }).toBeGreaterThan(2);
    const inWork = await runsOf(id);
    expect(inWork.filter((r) => r.status === 'RUNNING')).toHaveLength(1);
    expect(inWork.filter((r) => r.status !== 'RUNNING').every((r) => r.status === 'CONTINUED_AS_NEW')).toBe(true);

    // Still the same ticket: stage, assignee, every pause and resume kept (their keys count on across runs).
    expect((await call('GET', `/tickets/${id}`, { operator: 'ivanova' })).body).toMatchObject({
      stage: 'in_work',
      assigneeId: 'ivanova',
    });
    const trail = await events(id);
    expect(trail.filter((e) => e.action === 'sla_paused')).toHaveLength(8);
    expect(trail.filter((e) => e.action === 'sla_resumed')).toHaveLength(8);
    const used = (await sla(id)).targets.find((t: { kind: string }) => t.kind === 'resolution').usedMs;
    expect(used).toBeGreaterThan(0);

    // The resolution deadline falls in a later run: its timer was carried over and fires once.
    await waitForEvent(id, (e) => e.action === 'sla_breached', 20_000);
    const refused = await call('POST', `/tickets/${id}/resolve`, {
      operator: 'ivanova',
      body: { resolution: 'Готово / Done' },
    });
    expect(refused.status).toBe(400);
    await act(id, 'resolve', { resolution: 'Готово / Done', overdueReason: 'client-unreachable' });

    // While the survey waits, the client's messages (not replies that reopen) grow the history: another run, still awaiting its survey.
    await driver.reaches(id, 'awaiting_survey');
    const before = (await runsOf(id)).length;
    for (let i = 1; i <= 12; i++)
      await desk.articles.attachArticle(
        {
          ticketId: id,
          channel: 'email',
          direction: 'in',
          sender: `client-${run}-${id}@example.com`,
          subject: `Уточнение ${i}`,
          body: `Ещё одна подробность ${i} / One more detail ${i}`,
          dedupeKey: `long-${run}-${id}-${i}`,
        },
        { mayReopen: false },
      );
    await expect.poll(async () => (await runsOf(id)).length, { timeout: 5_000 }).toBeGreaterThan(before);
    expect(await driver.stage(id)).toBe('awaiting_survey');

    // The reopening counts its round on from the saved one; the survey of round 2 closes the ticket.
    await driver.reopenAsOperator(id, 'ivanova');
    expect(await driver.stage(id)).toBe('in_work');
    await act(id, 'resolve', { resolution: 'Готово снова / Done again', overdueReason: 'client-unreachable' });
    await driver.answer(id, { csat: 5 });
    expect(await driver.closed(id)).toEqual({ ticketId: id, csat: 5 });

    const final = await events(id);
    // One breach per round at most (round 2 starts past its budget, so it breaches at once, once).
    const breaches = final.filter((e) => e.action === 'sla_breached').map((e) => e.data.round ?? 1);
    expect(breaches).toEqual([...new Set(breaches)]);
    expect(breaches[0]).toBe(1);
    expect(final.filter((e) => e.action === 'reopened')).toHaveLength(1);
    expect(final.filter((e) => e.action === 'closed')).toHaveLength(1);
    const notices = await desk.db
      .select({ purpose: outbox.purpose })
      .from(outbox)
      .where(and(eq(outbox.ticketId, id), like(outbox.purpose, 'resolution%')));
    expect(notices.map((n) => n.purpose).sort()).toEqual(['resolution', 'resolution:2']);
    const runs = await runsOf(id);
    expect(runs.filter((r) => r.status === 'COMPLETED')).toHaveLength(1);
    // For the replay test: a run that continued as new in work, and the last run, continued from a survey that waited.
    await recordHistory(
      desk,
      id,
      'continued-as-new-first-run',
      inWork.find((r) => r.status === 'CONTINUED_AS_NEW')!.runId,
    );
    await recordHistory(desk, id, 'continued-as-new-last-run');
  });
});
