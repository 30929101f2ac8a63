import { afterAll, describe, expect, it } from 'vitest';
import { EscalationElement } from '../src/domain/process';
import { startSplitDesk, type startTestDesk } from './support/desk';
import { listen } from './support/http';
import { recordHistory } from './support/histories';
import { runId, slaProbe } from './support/sla-probe';

type Desk = Awaited<ReturnType<typeof startTestDesk>>;

/**
 * Found by `npm run chaos`: a deadline that passes while no worker runs has its timer fire on
 * the server, and the accept (or resolution) sent meanwhile comes in the same workflow task as
 * that timer. The handler ran first and met the target "in time", and the timer then found it
 * met: no breach on the record, no notice to the managers, for a ticket taken after its deadline.
 */
describe('an SLA deadline that passes while the worker is down', () => {
  const desks: Desk[] = [];
  afterAll(async () => {
    for (const desk of desks) await desk.stop().catch(() => {});
  });

  it('is breached, late, before the accept that comes with its timer meets the response', async () => {
    const { api, worker, startWorker } = await startSplitDesk('late');
    desks.push(api, worker);
    const { call } = await listen(api.app);
    const { serviceWithSla, register, events } = slaProbe(() => call, `zl${runId()}`);
    const { keyword } = await serviceWithSla({ responseSeconds: 3, resolutionSeconds: 600, warningShare: 0.5 });
    const id = await register(keyword);
    await expect
      .poll(async () => (await events(id)).some((e) => e.action === 'sla_warned'), { timeout: 20_000 })
      .toBe(true);

    await worker.stop();
    const started = (await events(id)).find((e) => e.action === 'sla_started')!;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(started.at) + 4_500 - Date.now())));
    // Sent while no worker runs: it waits in the engine with the fired timer.
    const accepting = call('POST', `/tickets/${id}/accept`, { operator: 'sidorova' });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const again = await startWorker();
    desks.push(again);
    const accepted = await accepting;
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);

    const trail = (await events(id)).filter((e) => e.action.startsWith('sla_') && e.data.target === 'response');
    expect(trail.map((e) => `${e.elementId}:${e.action}`)).toEqual([
      `${EscalationElement.warning}:sla_warned`,
      `${EscalationElement.breached}:sla_breached`,
      `${EscalationElement.met}:sla_met`,
    ]);
    const breached = trail[1]!;
    expect(Date.parse(breached.at)).toBeGreaterThanOrEqual(Date.parse(breached.data.dueAt));
    expect(trail[2]!.data.late).toBe(true);
    await recordHistory(again, id, 'sla-breach-with-late-accept');
  }, 90_000);
});
