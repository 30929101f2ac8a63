import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import { count, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tickets } from '../src/db/schema';
import { ensureTemporal, type TemporalEndpoint } from '../src/infra/temporal-server';
import { startTestDesk } from './support/desk';
import { listen } from './support/http';

describe('when the workflow engine goes away', () => {
  let temporal: TemporalEndpoint;
  let desk: Awaited<ReturnType<typeof startTestDesk>>;
  let call: Awaited<ReturnType<typeof listen>>['call'];

  beforeAll(async () => {
    // A server of its own, so stopping it leaves the rest of the run alone.
    temporal = await ensureTemporal({
      toolsDir: path.resolve(__dirname, '..', '.tools'),
      dbFile: null,
      headless: true,
      namespace: 'default',
      log: () => {},
    });
    desk = await startTestDesk({ temporalAddress: temporal.address, intakeWaitMs: 3_000 });
    ({ call } = await listen(desk.app));
  });
  afterAll(async () => {
    await desk?.stop().catch(() => {});
    await temporal?.stop();
  });

  it('answers 503 with a message, stores nothing, and reads still work', async () => {
    const ok = await call('POST', '/tickets', {
      body: { subject: 'Счёт', description: 'Нужен счёт', client: { email: 'down@example.com' } },
    });
    expect(ok.status).toBe(201);
    const before = (await desk.db.select({ n: count() }).from(tickets))[0]!.n;
    await temporal.stop();

    const refused = await call('POST', '/tickets', {
      body: { subject: 'Счёт', description: 'Нужен ещё счёт', client: { email: 'down@example.com' } },
    });
    expect(refused.status).toBe(503);
    expect(refused.body.message).toMatch(/retry later/);
    const accept = await call('POST', `/tickets/${ok.body.id}/accept`, { operator: 'ivanova' });
    expect(accept.status).toBe(503);
    expect((await desk.db.select({ n: count() }).from(tickets))[0]!.n).toBe(before);
    // The database side of the desk still answers.
    const read = await call('GET', `/tickets/${ok.body.id}`, { operator: 'ivanova' });
    expect(read.body.stage).toBe('queued');
  }, 90_000);
});

/**
 * Found by `npm run chaos`: the engine killed while a ticket's start waited for its intake, the
 * desk answered 503 "retry later", the engine came back with the ticket's workflow on its file,
 * and the client's retry registered the ticket a second time.
 */
describe('when the workflow engine dies while it takes a ticket', () => {
  it('answers 202 for a ticket it took and "retry later" only for one it did not', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'desk-engine-dies-'));
    const start = (port?: number) =>
      ensureTemporal({
        toolsDir: path.resolve(__dirname, '..', '.tools'),
        dbFile: path.join(dir, 'temporal.db'),
        port,
        headless: true,
        namespace: 'default',
        log: () => {},
      });
    let engine = await start();
    const port = Number(engine.address.split(':').at(-1));
    // No worker: the start is taken, its intake waits.
    const desk = await startTestDesk({ role: 'api', temporalAddress: engine.address, intakeWaitMs: 3_000 });
    try {
      const { call } = await listen(desk.app);
      const filing = call('POST', '/tickets', {
        body: { subject: 'Счёт', description: 'Нужен счёт за декабрь', client: { email: 'dies@example.com' } },
      });
      // Killed as it takes the start (the desk's answer to the start is lost with it).
      await new Promise((resolve) => setTimeout(resolve, 100));
      process.kill(engine.pid!, 'SIGKILL');
      // Back after the desk stopped waiting for the intake (3 s), before it gives up asking.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      engine = await start(port);
      const answer = await filing;
      const [sequence] = await desk.db.execute<{ n: string }>(sql`select last_value::text as n from ticket_number_seq`);
      const isTaken = () =>
        desk.temporal.workflow
          .getHandle(`ticket-${sequence!.n}`)
          .describe()
          .then(
            () => true,
            (error) => (error instanceof WorkflowNotFoundError ? false : Promise.reject(error)),
          );
      const taken = await isTaken();
      // What the engine has, the caller is told: registering (the desk starts the ticket itself when the
      // engine, back, does not have it), or, only when the engine never answered, that it may be registered.
      if (taken)
        expect(answer, JSON.stringify(answer.body)).toMatchObject({ status: 202, body: { stage: 'registering' } });
      else
        expect(answer, JSON.stringify(answer.body)).toMatchObject({
          status: 503,
          body: { message: expect.stringMatching(/may still be registered/) },
        });
      // Never "nothing was registered" of a ticket that is: a client's retry would file it twice.
      expect(answer.body.message ?? '').not.toMatch(/nothing was registered/);
    } finally {
      await desk.stop().catch(() => {});
      await engine.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
