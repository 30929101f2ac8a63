import path from 'node:path';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ticketWorkflowId } from '../src/domain/process';
import { stageQuery, surveyAnsweredSignal } from '../workflows/ticket';
import { startSplitDesk, type startTestDesk } from './support/desk';
import { listen } from './support/http';
import { ticketDriver } from './support/tickets';

type Desk = Awaited<ReturnType<typeof startTestDesk>>;

/**
 * Found by the worker chaos run of dc1d4e9 (300 tickets, 10 kills): a worker killed while its
 * task carried an update lost that update — the engine aborts it with the task, and refuses new
 * ones ("Workflow Task in failed state") until a task completes — while the handler's write had
 * committed. The API answered 500, the row said "in work" or "resolved", and the workflow never
 * heard of it: thirteen tickets stood still. Here a broken build fails the ticket's tasks for a
 * few seconds while an operator records work; the API sends the update again until it lands.
 */
describe('an update sent while the workflow’s task is failing', () => {
  const desks: Desk[] = [];
  afterAll(async () => {
    for (const desk of desks) await desk.stop().catch(() => {});
  });

  it('is sent again until a worker takes it: one work entry, answered 201', async () => {
    const { taskQueue, api, worker, startWorker } = await startSplitDesk('retry');
    desks.push(api, worker);
    const { call } = await listen(api.app);
    const driver = ticketDriver(api, call);
    const id = await driver.register({
      subject: 'Не печатает принтер',
      description: 'Принтер в приёмной не печатает',
      client: { email: `retry-${Math.random().toString(36).slice(2, 8)}@example.com` },
    });
    await driver.accept(id, 'ivanova');
    await worker.stop();

    const connection = await NativeConnection.connect({ address: inject('temporalAddress') });
    const broken = await Worker.create({
      connection,
      taskQueue,
      workflowsPath: path.join(__dirname, 'support', 'workflows', 'failing-ticket.ts'),
      maxCachedWorkflows: 0,
    });
    const running = broken.run();
    const handle = api.temporal.workflow.getHandle(ticketWorkflowId(id));
    try {
      // A task for the broken build to fail (a survey answer is ignored while the ticket is in work).
      await handle.signal(surveyAnsweredSignal, { csat: 5 });
      // Until the engine says the task is failing (after its third attempt: queries and updates are then refused).
      await expect
        .poll(
          () =>
            handle.query(stageQuery).then(
              () => 'answered',
              (error: Error) => String(error.cause ?? error),
            ),
          {
            timeout: 60_000,
            interval: 250,
          },
        )
        .toMatch(/Workflow Task in failed state/);
      const recording = call('POST', `/tickets/${id}/work`, {
        operator: 'ivanova',
        body: { minutes: 20, note: 'Заменён картридж' },
      });
      // Refused while the task keeps failing: the API keeps sending it.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      broken.shutdown();
      await running;
      desks.push(await startWorker());
      const answer = await recording;
      expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    } finally {
      if (broken.getState() === 'RUNNING') broken.shutdown();
      await running.catch(() => {});
      await connection.close();
    }
    expect(await handle.query(stageQuery)).toBe('in_work');
    const events = await call('GET', `/tickets/${id}/events`, { operator: 'ivanova' });
    expect(events.body.filter((e: { action: string }) => e.action === 'work_recorded')).toHaveLength(1);
  }, 120_000);
});
