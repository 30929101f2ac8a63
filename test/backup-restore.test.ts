import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { ticketWorkflowId } from '../src/domain/process';
import { backupDataDir, BackupError, restoreDataDir } from '../src/infra/backup';
import { ensurePostgres, type PostgresEndpoint } from '../src/infra/postgres-server';
import { ensureTemporal, freePort, type TemporalEndpoint } from '../src/infra/temporal-server';
import { stageQuery } from '../workflows/ticket';
import { startTestDesk } from './support/desk';
import { listen } from './support/http';
import { sampleTickets, ticketDriver } from './support/tickets';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'desk-backup-'));
const root = path.resolve(__dirname, '..');
const servers: Array<{ stop(): Promise<void> }> = [];
afterAll(async () => {
  for (const server of servers.reverse()) await server.stop().catch(() => undefined);
  fs.rmSync(scratch, { recursive: true, force: true });
});

/** The desk's own servers on a data directory, as `npm start` runs them. */
async function serversOn(dataDir: string): Promise<{ postgres: PostgresEndpoint; temporal: TemporalEndpoint }> {
  const quiet = () => {};
  const [postgres, temporal] = await Promise.all([
    ensurePostgres({
      dataDir: path.join(dataDir, 'postgres'),
      port: await freePort(),
      database: 'servicedesk',
      log: quiet,
    }),
    ensureTemporal({
      cliPath: process.env.TEMPORAL_CLI,
      toolsDir: path.join(root, '.tools'),
      dbFile: path.join(dataDir, 'temporal.db'),
      port: await freePort(),
      headless: true,
      namespace: 'default',
      log: quiet,
    }),
  ]);
  servers.push(temporal, postgres);
  return { postgres, temporal };
}

it('backs up a stopped desk and restores it into an empty data directory: open tickets go on, their timers fire', async () => {
  const original = path.join(scratch, 'data');
  const backup = path.join(scratch, 'backup');
  const restored = path.join(scratch, 'restored');
  const taskQueue = `backup-${process.pid}`;
  const surveyTimeoutMs = 20_000;

  // Before: one ticket waits for its survey (a 20 s durable timer), one waits in its queue.
  let { postgres, temporal } = await serversOn(original);
  let desk = await startTestDesk({
    databaseUrl: postgres.url,
    temporalAddress: temporal.address,
    taskQueue,
    surveyTimeoutMs,
  });
  let { call } = await listen(desk.app);
  let driver = ticketDriver(desk, call);
  const surveyed = await driver.register(sampleTickets.phoneScreen);
  await driver.accept(surveyed, 'petrov');
  // Before the resolve: the survey's timer starts after it, so this is a lower bound on its start.
  const resolvedAt = Date.now();
  await driver.resolve(surveyed, 'petrov');
  await driver.surveyToken(surveyed);
  const queued = await driver.register(sampleTickets.invoice);
  await expect.poll(() => desk.temporal.workflow.getHandle(ticketWorkflowId(queued)).query(stageQuery)).toBe('queued');

  // A running desk is refused: its files are changing.
  expect(() => backupDataDir(original, backup)).toThrow(BackupError);
  expect(fs.existsSync(path.join(backup, 'manifest.json'))).toBe(false);

  await desk.stop();
  await temporal.stop();
  await postgres.stop();
  const manifest = backupDataDir(original, backup);
  expect(manifest.files.map((file) => file.path)).toEqual(
    expect.arrayContaining(['temporal.db', 'postgres/PG_VERSION']),
  );
  expect(manifest.files.some((file) => file.path.endsWith('.pid'))).toBe(false);

  // Refused: a data directory that is not empty, and a damaged backup.
  expect(() => restoreDataDir(backup, original)).toThrow(/not empty/);
  const damaged = path.join(scratch, 'damaged');
  fs.cpSync(backup, damaged, { recursive: true });
  fs.appendFileSync(path.join(damaged, 'data', 'postgres', 'PG_VERSION'), 'x');
  expect(() => restoreDataDir(damaged, path.join(scratch, 'never'))).toThrow(/PG_VERSION in the backup is damaged/);
  expect(fs.existsSync(path.join(scratch, 'never'))).toBe(false);

  // The original is gone; the restored copy runs on new ports.
  fs.rmSync(original, { recursive: true, force: true });
  restoreDataDir(backup, restored);
  ({ postgres, temporal } = await serversOn(restored));
  desk = await startTestDesk({
    databaseUrl: postgres.url,
    temporalAddress: temporal.address,
    taskQueue,
    surveyTimeoutMs,
  });
  ({ call } = await listen(desk.app));
  driver = ticketDriver(desk, call);
  const stage = (id: number) => desk.temporal.workflow.getHandle(ticketWorkflowId(id)).query(stageQuery);

  // The queued ticket goes on where it was; the survey's timer fires (after the time it had left, or at once).
  expect(await stage(queued)).toBe('queued');
  await driver.accept(queued, 'ivanova');
  await driver.resolve(queued, 'ivanova');
  await expect.poll(() => stage(queued)).toBe('awaiting_survey');
  await expect.poll(() => stage(surveyed), { timeout: surveyTimeoutMs + 30_000, interval: 500 }).toBe('closed');
  expect(Date.now() - resolvedAt).toBeGreaterThanOrEqual(surveyTimeoutMs);
  const answer = await call('GET', `/tickets/${surveyed}`, { operator: 'sidorova' });
  expect(answer.status).toBe(200);
  expect(answer.body).toMatchObject({ id: surveyed, stage: 'closed' });
  await desk.stop();
}, 240_000);

it('npm run backup refuses a desk on servers of its own and names what to do instead', async () => {
  const run = promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'scripts/backup.ts', 'backup', path.join(scratch, 'x')],
    {
      cwd: root,
      env: { ...process.env, DATABASE_URL: 'postgres://desk@db.example/desk', TEMPORAL_ADDRESS: '' },
    },
  );
  await expect(run).rejects.toMatchObject({
    code: 2,
    stderr: expect.stringContaining('DATABASE_URL is set: this desk'),
  });
});
