import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import postgres from 'postgres';
import { inject } from 'vitest';
import { runMigrations } from '../../src/db/migrate';
import { startDesk, type Desk, type DeskOptions } from '../../src/desk';
import { createDatabase, dropDatabase } from '../../src/infra/postgres-server';

/**
 * A whole desk (worker, client, API) against the run's real Temporal and PostgreSQL,
 * on its own task queue so test files never pick up each other's tickets.
 */
export async function startTestDesk(overrides: Partial<DeskOptions> = {}): Promise<Desk & { logFile: string }> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'desk-'));
  const logFile = path.join(scratch, 'desk.log');
  const desk = await startDesk({
    databaseUrl: inject('databaseUrl'),
    temporalAddress: inject('temporalAddress'),
    namespace: 'default',
    taskQueue: `tickets-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
    logger: pino({ level: 'debug' }, pino.destination({ dest: logFile, sync: true })),
    publicUrl: 'http://desk.test',
    mailFrom: 'Desk <desk@desk.test>',
    mailDropDir: path.join(scratch, 'mail'),
    surveyTimeoutMs: 60_000,
    intakeWaitMs: 15_000,
    seedDemo: true,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    ...overrides,
  });
  return { ...desk, logFile };
}

/**
 * A database of the run's PostgreSQL for one test file, migrated, with ticket numbers of its own:
 * workflow ids are ticket numbers (ticket-<n>) in the one Temporal namespace every database of the
 * run shares, so its numbers start far from the shared database's and from each other's.
 */
export async function createTestDatabase(name: string): Promise<{ databaseUrl: string; drop(): Promise<void> }> {
  const admin = inject('adminDatabaseUrl');
  const databaseName = `desk_${name}_${process.pid}`;
  await dropDatabase(admin, databaseName);
  const databaseUrl = await createDatabase(admin, databaseName);
  await runMigrations(databaseUrl);
  // nextTicketNumber reads the sequence as an int: 10,000 slots of 100,000 numbers in 1e9..2e9.
  const firstNumber = 1_000_000_000 + Math.floor(Math.random() * 10_000) * 100_000;
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`alter sequence ticket_number_seq restart with ${firstNumber}`);
  } finally {
    await sql.end();
  }
  return { databaseUrl, drop: () => dropDatabase(admin, databaseName) };
}

/**
 * A test desk on a database of its own, dropped by its stop(): for a file whose writes must not
 * reach the other files' desks — sign-in failures are counted per address (127.0.0.1 for every
 * test), staff it adds, reference data it changes.
 */
export async function startTestDeskAlone(
  name: string,
  overrides: Partial<DeskOptions> = {},
): Promise<Desk & { logFile: string; databaseUrl: string }> {
  const { databaseUrl, drop } = await createTestDatabase(name);
  const desk = await startTestDesk({ databaseUrl, ...overrides });
  return {
    ...desk,
    databaseUrl,
    async stop() {
      await desk.stop();
      await drop();
    },
  };
}

/**
 * An API desk and a worker desk on a task queue of their own, for a test that stops the worker
 * and starts another (`startWorker`) while the API keeps answering.
 */
export async function startSplitDesk(topic: string) {
  const taskQueue = `tickets-${topic}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const api = await startTestDesk({ role: 'api', taskQueue });
  const worker = await startTestDesk({ role: 'worker', taskQueue });
  return { taskQueue, api, worker, startWorker: () => startTestDesk({ role: 'worker', taskQueue }) };
}
