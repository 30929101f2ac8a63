import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runMigrations } from '../db/migrate';
import { createDatabase, dropDatabase, ensurePostgres, type PostgresEndpoint } from './postgres-server';
import { ensureTemporal, type TemporalEndpoint } from './temporal-server';

export interface ScratchBackends {
  temporal: TemporalEndpoint;
  postgres: PostgresEndpoint;
  /** A fresh, migrated database of its own on that server. */
  databaseUrl: string;
  databaseName: string;
  /** A temporary directory for files of the run (mail drops, bundles); removed by stop(). */
  scratchDir: string;
  stop(): Promise<void>;
}

/**
 * What a test run or a benchmark runs against: TEMPORAL_ADDRESS or an in-memory dev server,
 * DATABASE_URL or an embedded PostgreSQL in a temporary directory, and a fresh migrated
 * database named `<databasePrefix>_<time>`. stop() drops the database and stops what it started.
 */
export async function startScratchBackends(opts: {
  rootDir: string;
  databasePrefix: string;
  log: (message: string) => void;
}): Promise<ScratchBackends> {
  const scratchDir = fs.mkdtempSync(path.join(os.tmpdir(), `${opts.databasePrefix}-`));
  const [temporal, postgres] = await Promise.all([
    ensureTemporal({
      address: process.env.TEMPORAL_ADDRESS,
      cliPath: process.env.TEMPORAL_CLI,
      toolsDir: path.join(opts.rootDir, '.tools'),
      dbFile: null,
      headless: true,
      namespace: 'default',
      log: opts.log,
    }),
    ensurePostgres({
      url: process.env.DATABASE_URL,
      dataDir: path.join(scratchDir, 'postgres'),
      database: 'postgres',
      log: opts.log,
    }),
  ]);
  const databaseName = `${opts.databasePrefix}_${process.pid}_${Date.now()}`;
  const databaseUrl = await createDatabase(postgres.url, databaseName);
  await runMigrations(databaseUrl);
  return {
    temporal,
    postgres,
    databaseUrl,
    databaseName,
    scratchDir,
    async stop() {
      await dropDatabase(postgres.url, databaseName).catch((error) =>
        opts.log(`could not drop ${databaseName}: ${error}`),
      );
      await temporal.stop();
      await postgres.stop();
      fs.rmSync(scratchDir, { recursive: true, force: true });
    },
  };
}
