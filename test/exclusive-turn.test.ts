import { Worker } from '@temporalio/worker';
import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ticketWorkflowId } from '../src/domain/process';
import { TicketPatch } from '../workflows/ticket/patches';
import { startSplitDesk, type startTestDesk } from './support/desk';
import { recordHistory } from './support/histories';
import { listen } from './support/http';
import { ticketDriver } from './support/tickets';

type Desk = Awaited<ReturnType<typeof startTestDesk>>;

/**
 * Found by the second full chaos run (seed 726240): updates sent while no worker ran reach the
 * next worker in one workflow task, and every handler waiting for the clock's exclusive turn
 * woke in the same pass of the conditions. Their local activities then ran at once, and ten
 * tickets' histories no longer replayed ("[TMPRL1100] Update machine does not handle this
 * event"). Here two work entries wait in the engine while the worker is down; a row lock on
 * the ticket holds the first one's write, so a second write in flight at the same time would
 * be seen waiting beside it.
 */
describe('two updates delivered in one workflow task', () => {
  const desks: Desk[] = [];
  const sql = postgres(inject('databaseUrl'), { max: 2, onnotice: () => {} });
  afterAll(async () => {
    for (const desk of desks) await desk.stop().catch(() => {});
    await sql.end({ timeout: 5 });
  });

  it('write one after the other, and the history replays', async () => {
    const { api, worker, startWorker } = await startSplitDesk('turn');
    desks.push(api, worker);
    const { call } = await listen(api.app);
    const driver = ticketDriver(api, call);
    const id = await driver.register({
      subject: 'Не печатает принтер',
      description: 'Принтер в бухгалтерии не печатает',
      client: { email: `turn-${Math.random().toString(36).slice(2, 8)}@example.com` },
    });
    await driver.accept(id, 'ivanova');

    await worker.stop();
    const work = (note: string) =>
      call('POST', `/tickets/${id}/work`, { operator: 'ivanova', body: { minutes: 10, note } });
    const entries = [work('Проверен драйвер'), work('Заменён картридж')];
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    const blocked = async (holder: number) => {
      const [{ count }] = await sql<[{ count: number }]>`
        select count(*)::int as count from pg_stat_activity where ${holder} = any(pg_blocking_pids(pid))`;
      return count;
    };
    const waiting: number[] = [];
    await sql.begin(async (tx) => {
      const [{ holder }] = await tx<[{ holder: number }]>`
        select pg_backend_pid() as holder from tickets where id = ${id} for update`;
      desks.push(await startWorker());
      await expect.poll(() => blocked(holder), { timeout: 30_000, interval: 100 }).toBeGreaterThan(0);
      // Long enough for a second local activity, had it started, to reach the lock too.
      for (let i = 0; i < 20; i++) {
        waiting.push(await blocked(holder));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });
    expect(Math.max(...waiting)).toBe(1);

    const answers = await Promise.all(entries);
    expect(answers.map((a) => a.status)).toEqual([201, 201]);
    const [{ entries: written }] = await sql<[{ entries: number }]>`
      select count(*)::int as entries from ticket_work_entries where ticket_id = ${id}`;
    expect(written).toBe(2);

    const history = await api.temporal.workflow.getHandle(ticketWorkflowId(id)).fetchHistory();
    const patches = history.events!.flatMap((e) =>
      e.markerRecordedEventAttributes?.markerName === 'core_patch'
        ? [Buffer.from(e.markerRecordedEventAttributes.details!['patch-data']!.payloads![0]!.data!).toString()]
        : [],
    );
    expect(patches.some((p) => p.includes(TicketPatch.exclusiveInTurn))).toBe(true);
    await Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, `t${id}`);
    await recordHistory(api, id, 'two-updates-one-task');
  }, 120_000);
});
