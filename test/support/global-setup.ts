import fs from 'node:fs';
import path from 'node:path';
import postgresClient from 'postgres';
import type { TestProject } from 'vitest/node' with { 'resolution-mode': 'import' };
import { startScratchBackends } from '../../src/infra/scratch-backends';
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
  const [backends, bundle] = await Promise.all([
    startScratchBackends({ rootDir, databasePrefix: 'desk_test', log }),
    bundleTicketWorkflows(),
  ]);
  const { temporal, postgres, databaseUrl, databaseName } = backends;
  await startTicketNumbersFresh(databaseUrl);
  const workflowBundlePath = path.join(backends.scratchDir, 'workflow-bundle.js');
  fs.writeFileSync(workflowBundlePath, bundle.code);
  log(`Temporal: ${temporal.how}; PostgreSQL: ${postgres.how}; database ${databaseName}`);

  project.provide('temporalAddress', temporal.address);
  project.provide('databaseUrl', databaseUrl);
  project.provide('adminDatabaseUrl', postgres.url);
  project.provide('workflowBundlePath', workflowBundlePath);

  return () => backends.stop();
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
