import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgresClient from 'postgres';
import type { TestProject } from 'vitest/node' with { 'resolution-mode': 'import' };
import { runMigrations } from '../../src/db/migrate';
import { createDatabase, dropDatabase, ensurePostgres } from '../../src/infra/postgres-server';
import { ensureTemporal } from '../../src/infra/temporal-server';
import { bundleTicketWorkflows } from '../../src/worker';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    databaseUrl: string;
    adminDatabaseUrl: string;
    workflowBundlePath: string;
  }
}

const rootDir = path.resolve(__dirname, '..', '..');

/**
 * One real Temporal dev server and one real PostgreSQL for the whole run (TEMPORAL_ADDRESS
 * and DATABASE_URL are used when set), a fresh database, and the workflow bundle built once.
 */
export default async function setup(project: TestProject) {
  const log = (message: string) => console.log(`[test setup] ${message}`);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'desk-test-'));

  const [temporal, postgres, bundle] = await Promise.all([
    ensureTemporal({
      address: process.env.TEMPORAL_ADDRESS,
      cliPath: process.env.TEMPORAL_CLI,
      toolsDir: path.join(rootDir, '.tools'),
      dbFile: null,
      headless: true,
      namespace: 'default',
      log,
    }),
    ensurePostgres({
      url: process.env.DATABASE_URL,
      dataDir: path.join(scratch, 'postgres'),
      database: 'postgres',
      log,
    }),
    bundleTicketWorkflows(),
  ]);

  const databaseName = `desk_test_${process.pid}_${Date.now()}`;
  const databaseUrl = await createDatabase(postgres.url, databaseName);
  await runMigrations(databaseUrl);
  await startTicketNumbersFresh(databaseUrl);
  const workflowBundlePath = path.join(scratch, 'workflow-bundle.js');
  fs.writeFileSync(workflowBundlePath, bundle.code);
  log(`Temporal: ${temporal.how}; PostgreSQL: ${postgres.how}; database ${databaseName}`);

  project.provide('temporalAddress', temporal.address);
  project.provide('databaseUrl', databaseUrl);
  project.provide('adminDatabaseUrl', postgres.url);
  project.provide('workflowBundlePath', workflowBundlePath);

  return async () => {
    await dropDatabase(postgres.url, databaseName).catch((error) => log(`could not drop ${databaseName}: ${error}`));
    await temporal.stop();
    await postgres.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  };
}

/**
 * A Temporal server given by TEMPORAL_ADDRESS outlives test databases: start each run's
 * ticket numbers (and so workflow ids) where no earlier run has been.
 */
async function startTicketNumbersFresh(databaseUrl: string) {
  const sql = postgresClient(databaseUrl, { max: 1, onnotice: () => {} });
  const base = (Math.floor(Date.now() / 1000) % 2_000_000) * 1000 + 1;
  await sql.unsafe(`alter sequence ticket_number_seq restart with ${base}`);
  await sql.end();
}
