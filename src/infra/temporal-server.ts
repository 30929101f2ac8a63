import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import {
  commandLineOf,
  isAlive,
  errorMessage,
  exitOf,
  readPidFile,
  relative,
  sleep,
  spawnLoggingTo,
  stopProcess,
  type ExitInfo,
  waitUntilAnswering,
} from './processes';
import { resolveTemporalCli, type TemporalCli } from './temporal-cli';

export { resolveTemporalCli, type CliSource, type TemporalCli } from './temporal-cli';

export interface TemporalEndpoint {
  address: string;
  namespace: string;
  uiUrl?: string;
  /** How the server was obtained, for logs and benchmark records. */
  how: string;
  /** The dev server's process id when we started it as our child (benchmarks read its memory). */
  pid?: number;
  stop(): Promise<void>;
}

export interface EnsureTemporalOptions {
  /** TEMPORAL_ADDRESS: use this server instead of starting one. */
  address?: string;
  /** How long to wait for that server to answer before giving up (a process started beside it). */
  waitMs?: number;
  /** TEMPORAL_CLI: the `temporal` binary to run. */
  cliPath?: string;
  /** Where a Go-built CLI lives (<toolsDir>/bin/temporal), e.g. <repo>/.tools. */
  toolsDir: string;
  /** SQLite file for persistence, e.g. .data/temporal.db; null keeps state in memory. */
  dbFile: string | null;
  /** gRPC port; 0/undefined picks a free one. */
  port?: number;
  /** Web UI port; 0/undefined picks a free one. */
  uiPort?: number;
  headless?: boolean;
  namespace: string;
  log: (msg: string) => void;
}

const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 10_000;

/** Connects to TEMPORAL_ADDRESS if given, else starts a dev server with the best CLI available. */
export async function ensureTemporal(opts: EnsureTemporalOptions): Promise<TemporalEndpoint> {
  if (opts.address) return useExistingServer(opts.address, opts.namespace, opts.waitMs ?? 0, opts.log);
  const cli = await resolveTemporalCli(opts);
  return cli ? startDevServer(cli, opts) : startSdkDevServer(opts);
}

/** A port that was free a moment ago; good enough for local servers and tests. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function useExistingServer(
  address: string,
  namespace: string,
  waitMs: number,
  log: (msg: string) => void,
): Promise<TemporalEndpoint> {
  const deadline = Date.now() + waitMs;
  for (let said = false; ; said = true) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: '5s' });
      await connection.close();
      break;
    } catch (err) {
      if (Date.now() < deadline) {
        if (!said) log(`waiting for Temporal at ${address} (${errorMessage(err)})…`);
        await sleep(1_000);
        continue;
      }
      throw new Error(`TEMPORAL_ADDRESS=${address} is set but no Temporal server answers there: ${errorMessage(err)}`, {
        cause: err,
      });
    }
  }
  return { address, namespace, how: `existing server at ${address} (TEMPORAL_ADDRESS)`, stop: async () => {} };
}

// ---------------------------------------------------------------------------
// Dev server as our own child process

async function startDevServer(cli: TemporalCli, opts: EnsureTemporalOptions): Promise<TemporalEndpoint> {
  const port = opts.port || (await freePort());
  const uiPort = opts.headless ? undefined : opts.uiPort || (await freePort());
  const address = `127.0.0.1:${port}`;
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    ...(uiPort ? ['--ui-port', String(uiPort)] : ['--headless']),
    '--namespace',
    opts.namespace,
    '--log-level',
    'warn',
    ...persistenceArgs(opts.dbFile),
  ];
  makeDbDir(opts.dbFile);
  await stopOrphanedServer(opts);
  const logFile = serverLogFile(opts);
  const child = spawnLoggingTo(cli.path, args, logFile);
  const exited = exitOf(child);
  const pidFile = opts.dbFile ? serverPidFile(opts.dbFile) : undefined;
  if (pidFile && child.pid) fs.writeFileSync(pidFile, `${child.pid}\n`);
  // Without this a crashed parent would leave the server holding its ports. SIGTERM, as
  // the parent cannot wait, lets the server close its SQLite file cleanly on its own.
  const killOnParentExit = () => child.kill('SIGTERM');
  process.on('exit', killOnParentExit);
  const stop = async () => {
    process.off('exit', killOnParentExit);
    await terminate(child, exited);
    if (pidFile) fs.rmSync(pidFile, { force: true });
  };

  opts.log(`starting Temporal dev server on ${address} (log: ${relative(logFile)})…`);
  try {
    await waitUntilAnswering(
      'Temporal dev server',
      { address, exited, logFile },
      () => describeNamespace(address, opts.namespace),
      {
        timeoutMs: READY_TIMEOUT_MS,
        intervalMs: 250,
      },
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    address,
    namespace: opts.namespace,
    uiUrl: uiPort ? `http://127.0.0.1:${uiPort}` : undefined,
    how: `dev server ${relative(cli.path)} (source: ${cli.source}), ${describeStorage(opts.dbFile)}`,
    pid: child.pid,
    stop,
  };
}

const serverPidFile = (dbFile: string) => `${path.resolve(dbFile)}.pid`;

/**
 * A run killed without a chance to stop its children (kill -9, a crash) leaves the dev server
 * holding the ports and the database file; the next start stops it first. Only a process whose
 * command line names this database file is touched.
 */
async function stopOrphanedServer(opts: EnsureTemporalOptions): Promise<void> {
  if (!opts.dbFile) return;
  const pidFile = serverPidFile(opts.dbFile);
  const pid = readPidFile(pidFile);
  if (pid && isAlive(pid) && commandLineOf(pid).includes(path.resolve(opts.dbFile))) {
    opts.log(`stopping a Temporal dev server left running by an earlier run (pid ${pid})…`);
    await stopProcess(pid, 'SIGTERM', STOP_GRACE_MS);
  }
  fs.rmSync(pidFile, { force: true });
}

function persistenceArgs(dbFile: string | null): string[] {
  return dbFile ? ['--db-filename', path.resolve(dbFile), ...sqlitePragmaArgs(dbFile)] : [];
}

/**
 * WAL lets readers (UI, visibility queries) proceed while workflows write; with WAL,
 * synchronous=normal stays crash-safe and saves an fsync per commit.
 */
export const SQLITE_PRAGMAS = ['journal_mode=wal', 'synchronous=normal'] as const;

/** Pragmas only matter with a file; in memory the dev server accepts but ignores them. */
function sqlitePragmaArgs(dbFile: string | null): string[] {
  if (!dbFile) return [];
  return SQLITE_PRAGMAS.flatMap((pragma) => ['--sqlite-pragma', pragma]);
}

function makeDbDir(dbFile: string | null): void {
  if (dbFile) fs.mkdirSync(path.dirname(path.resolve(dbFile)), { recursive: true });
}

function describeStorage(dbFile: string | null): string {
  return dbFile ? `sqlite ${relative(dbFile)} (wal)` : 'in-memory';
}

/** Server output goes to a file so it does not drown the service's own output. */
function serverLogFile(opts: EnsureTemporalOptions): string {
  if (!opts.dbFile) return path.resolve(opts.toolsDir, '..', '.data', 'temporal-in-memory.log');
  const db = path.resolve(opts.dbFile);
  return path.join(path.dirname(db), `${path.basename(db, path.extname(db))}.log`);
}

/** Answers only once the frontend is up and our namespace has been registered. */
async function describeNamespace(address: string, namespace: string): Promise<void> {
  const connection = await Connection.connect({ address, connectTimeout: '2s' });
  try {
    await connection.workflowService.describeNamespace({ namespace });
  } finally {
    await connection.close();
  }
}

async function terminate(child: ChildProcess, exited: Promise<ExitInfo>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timedOut = Symbol('timed out');
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    exited,
    new Promise<typeof timedOut>((resolve) => (timer = setTimeout(() => resolve(timedOut), STOP_GRACE_MS))),
  ]);
  clearTimeout(timer);
  if (outcome !== timedOut) return;
  child.kill('SIGKILL');
  await exited;
}

// ---------------------------------------------------------------------------
// Dev server downloaded and run by @temporalio/testing (no CLI, no Go)

async function startSdkDevServer(opts: EnsureTemporalOptions): Promise<TemporalEndpoint> {
  opts.log('no Temporal CLI and no Go found: @temporalio/testing downloads a dev server (first run only)…');
  // Loaded lazily: it pulls in the worker's native runtime, which the other paths never need.
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const uiPort = opts.headless ? undefined : opts.uiPort || (await freePort());
  makeDbDir(opts.dbFile);
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'cached-download', downloadDir: path.resolve(opts.toolsDir) },
      ip: '127.0.0.1',
      port: opts.port || undefined,
      ui: uiPort !== undefined,
      uiPort,
      namespace: opts.namespace,
      dbFilename: opts.dbFile ? path.resolve(opts.dbFile) : undefined,
      log: { format: 'text', level: 'warn' },
      extraArgs: sqlitePragmaArgs(opts.dbFile),
    },
  }).catch((err) => {
    throw new Error(
      `${errorMessage(err)}\n(offline? set TEMPORAL_CLI to a temporal binary, TEMPORAL_ADDRESS to a running server, or install Go)`,
    );
  });
  return {
    address: env.address,
    namespace: opts.namespace,
    uiUrl: uiPort ? `http://127.0.0.1:${uiPort}` : undefined,
    how: `dev server downloaded by @temporalio/testing into ${relative(opts.toolsDir)}, ${describeStorage(opts.dbFile)}`,
    stop: () => env.teardown(),
  };
}
