import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CompiledWorkerOptions } from '@temporalio/worker';
import pino from 'pino';
import postgres from 'postgres';
import { runMigrations } from '../src/db/migrate';
import { startDesk, type Desk } from '../src/desk';
import { bundleTicketWorkflowsApart, type WorkerTuning } from '../src/worker';
import { createDatabase, dropDatabase, ensurePostgres, type PostgresEndpoint } from '../src/infra/postgres-server';
import { ensureTemporal, freePort, SQLITE_PRAGMAS, type TemporalEndpoint } from '../src/infra/temporal-server';
import type { ProgressFactory } from './progress';

export const rootDir = path.resolve(__dirname, '..');

export interface BenchInfraOptions {
  /** A running Temporal server (TEMPORAL_ADDRESS); else a dev server on a fresh SQLite file. */
  temporalAddress?: string;
  /** A PostgreSQL server (DATABASE_URL); the run creates its own databases on it and drops them after. */
  databaseUrl?: string;
  /** A ticket workflow bundle built beforehand (tests); else workflows/ is bundled as `npm start` does. */
  ticketBundlePath?: string;
  /** Scratch space: Temporal's SQLite file, the desk's log, e-mails. */
  dataDir: string;
  keepDatabases?: boolean;
  /** The desk's worker tuning (`--cache`); otherwise the desk's own choice. */
  workerTuning?: WorkerTuning;
  log: (message: string) => void;
  progress: ProgressFactory;
}

export interface MachineFacts {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  freeMemoryGiB: number;
  loadAverage: number[];
  node: string;
  platform: string;
}

export interface BenchEnvironment {
  temporal: TemporalEndpoint;
  postgres: PostgresEndpoint;
  /** The desk under test: worker and API in this process, like `npm start`. */
  desk: Desk;
  baseUrl: string;
  databaseUrl: string;
  /** The ticket workflows, bundled once: scenarios that start a desk of their own (channels) reuse it. */
  workflowBundle: { code: string } | { codePath: string };
  /** Unique per run, so runs against a shared server never see each other's work. */
  runId: string;
  dataDir: string;
  log: (message: string) => void;
  progress: ProgressFactory;
  facts: {
    machine: MachineFacts;
    temporal: { how: string; serverVersion: string; storage: string };
    postgres: { how: string; version: string };
    worker: Record<string, unknown>;
  };
  /** A fresh database on the same server, migrated, dropped when the run ends. */
  createScratchDatabase(suffix: string): Promise<string>;
  stop(): Promise<void>;
}

/** Starts what the desk needs the way `npm start` does, then the desk itself on a free port. */
export async function startBenchEnvironment(options: BenchInfraOptions): Promise<BenchEnvironment> {
  const { dataDir, log } = options;
  fs.mkdirSync(dataDir, { recursive: true });
  const runId = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  const temporalDb = path.join(dataDir, 'temporal.db');
  if (!options.temporalAddress) {
    // Every run starts from an empty server: history left by earlier runs would slow this one.
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${temporalDb}${suffix}`, { force: true });
  }

  const stack: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const step of stack.reverse()) await step().catch((error) => log(`clean-up step failed: ${error}`));
  };
  try {
    const [temporal, pg] = await Promise.all([
      ensureTemporal({
        address: options.temporalAddress,
        cliPath: process.env.TEMPORAL_CLI,
        toolsDir: path.join(rootDir, '.tools'),
        dbFile: temporalDb,
        headless: true,
        namespace: 'default',
        log,
      }),
      ensurePostgres({
        url: options.databaseUrl,
        dataDir: path.join(rootDir, '.data', 'bench-postgres'),
        database: 'postgres',
        log,
      }),
    ]);
    stack.push(
      () => pg.stop(),
      () => temporal.stop(),
    );

    const databases: string[] = [];
    stack.push(async () => {
      if (options.keepDatabases) return log(`kept databases ${databases.join(', ')}`);
      for (const name of databases) await dropDatabase(pg.url, name);
    });
    const createScratchDatabase = async (suffix: string) => {
      const name = `bench_${runId}_${suffix}`;
      const url = await createDatabase(pg.url, name);
      databases.push(name);
      return url;
    };

    const databaseUrl = await createScratchDatabase('desk');
    await startTicketNumbersFresh(databaseUrl, options.temporalAddress !== undefined);
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const workflowBundle = options.ticketBundlePath
      ? { codePath: options.ticketBundlePath }
      : await bundleTicketWorkflowsApart();
    log('starting the desk (worker + API)…');
    const desk = await startDesk({
      databaseUrl,
      temporalAddress: temporal.address,
      namespace: temporal.namespace,
      taskQueue: `bench-tickets-${runId}`,
      logger: pino(
        { level: 'info' },
        pino.destination({ dest: path.join(dataDir, 'desk.log'), mkdir: true, sync: false }),
      ),
      publicUrl: baseUrl,
      mailFrom: 'Service Desk <desk@bench.local>',
      mailDropDir: path.join(dataDir, 'mail'),
      surveyTimeoutMs: 7 * 86_400_000,
      intakeWaitMs: 10_000,
      seedDemo: true,
      workflowBundle,
      workerTuning: options.workerTuning,
    });
    stack.push(() => desk.stop());
    await desk.app.listen({ host: '127.0.0.1', port });

    const system = await desk.temporal.connection.workflowService.getSystemInfo({});
    // What a server of TEMPORAL_ADDRESS keeps its state in, as it says itself (the dev server: sqlite; ours: postgres12).
    const cluster = await desk.temporal.connection.workflowService.getClusterInfo({});
    const [{ version }] = await withSql(databaseUrl, (sql) => sql<[{ version: string }]>`select version()`);
    return {
      temporal,
      postgres: pg,
      desk,
      baseUrl,
      databaseUrl,
      workflowBundle,
      runId,
      dataDir,
      log,
      progress: options.progress,
      facts: {
        machine: machineFacts(),
        temporal: {
          how: temporal.how,
          serverVersion: system.serverVersion ?? 'unknown',
          storage: options.temporalAddress
            ? `${cluster.persistenceStore || 'unknown store'}, visibility ${cluster.visibilityStore || 'unknown'}, ${cluster.historyShardCount} history shard(s)`
            : `sqlite file, pragmas ${SQLITE_PRAGMAS.join(', ')}, ${cluster.historyShardCount} history shard(s)`,
        },
        postgres: { how: pg.how, version },
        worker: desk.worker ? describeWorkerOptions(desk.worker.options) : {},
      },
      createScratchDatabase,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

export function machineFacts(): MachineFacts {
  const gib = (bytes: number) => Math.round((bytes / 2 ** 30) * 10) / 10;
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: gib(os.totalmem()),
    freeMemoryGiB: gib(os.freemem()),
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

/** The worker settings that decide throughput and memory, as the SDK compiled them. */
export function describeWorkerOptions(options: CompiledWorkerOptions): Record<string, unknown> {
  const keys = [
    'tuner',
    'maxCachedWorkflows',
    'workflowTaskPollerBehavior',
    'activityTaskPollerBehavior',
    'nonStickyToStickyPollRatio',
    'stickyQueueScheduleToStartTimeoutMs',
    'reuseV8Context',
    'maxHeapMemory',
  ] as const;
  return JSON.parse(
    JSON.stringify(Object.fromEntries(keys.map((key) => [key, (options as unknown as Record<string, unknown>)[key]]))),
  );
}

/**
 * On a shared Temporal server, workflow ids `ticket-<n>` of earlier runs are taken: start
 * this run's ticket numbers past them (as the tests do). A fresh server needs nothing.
 */
async function startTicketNumbersFresh(databaseUrl: string, sharedServer: boolean) {
  if (!sharedServer) return;
  const base = (Math.floor(Date.now() / 1000) % 2_000_000) * 1000 + 1;
  await runMigrations(databaseUrl);
  await withSql(databaseUrl, (sql) => sql.unsafe(`alter sequence ticket_number_seq restart with ${base}`));
}

export async function withSql<T>(url: string, work: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return await work(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}
