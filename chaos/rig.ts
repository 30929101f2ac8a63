import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { ParsedMail } from 'mailparser';
import { startSmtpSink } from '../test/support/smtp';
import { ensurePostgres, type PostgresEndpoint } from '../src/infra/postgres-server';
import { readPidFile, sleep } from '../src/infra/processes';
import { ensureTemporal, freePort, type TemporalEndpoint } from '../src/infra/temporal-server';

export const faultKinds = ['worker', 'api', 'temporal', 'postgres', 'smtp'] as const;
export type FaultKind = (typeof faultKinds)[number];

const rootDir = path.resolve(__dirname, '..');

/**
 * One desk role (`npm start -- --role api|worker`) as a real process, kept running as a
 * `restart: unless-stopped` service would be: an exit nobody asked for is counted and the
 * process started again. Node with tsx's loader, not the tsx CLI, so SIGKILL reaches the desk itself.
 */
export class RoleProcess {
  child?: ChildProcess;
  /** Exits nobody asked for (a crash, or giving up on a backend), with the last lines of output. */
  readonly unplannedExits: Array<{ at: number; code: number | string | null; tail: string }> = [];
  private output = '';
  private stopped = false;
  private killing = false;

  constructor(
    readonly role: 'api' | 'worker',
    readonly port: number,
    private readonly env: Record<string, string>,
    private readonly logFile: string,
  ) {}

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  start() {
    this.output = '';
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--role', this.role], {
      cwd: rootDir,
      env: { ...process.env, ...this.env, PORT: String(this.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-20_000);
      fs.appendFileSync(this.logFile, chunk);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    child.on('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = undefined;
      if (this.stopped || this.killing) return;
      this.unplannedExits.push({
        at: Date.now(),
        code: code ?? signal,
        tail: this.output.split('\n').slice(-15).join('\n'),
      });
      // As `restart: unless-stopped` would, after a breath.
      setTimeout(() => !this.stopped && !this.child && this.start(), 1_000);
    });
    this.child = child;
  }

  /** SIGKILL, then a new process at once. */
  async killAndRestart() {
    const child = this.child;
    this.killing = true;
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    this.killing = false;
    this.start();
  }

  async stop() {
    this.stopped = true;
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }

  async ready(): Promise<boolean> {
    try {
      const answer = await fetch(`${this.url}/health/ready`, { signal: AbortSignal.timeout(3_000) });
      return answer.status === 200;
    } catch {
      return false;
    }
  }
}

/** A sink that keeps every message across its restarts. */
async function restartableSmtpSink(port: number) {
  const earlier: ParsedMail[] = [];
  let sink: Awaited<ReturnType<typeof startSmtpSink>> | undefined = await startSmtpSink(port);
  return {
    url: `smtp://127.0.0.1:${port}`,
    received: () => [...earlier, ...(sink?.received ?? [])],
    get up() {
      return sink !== undefined;
    },
    async down() {
      if (!sink) return;
      const closing = sink;
      sink = undefined;
      earlier.push(...closing.received);
      await closing.close();
    },
    async bringUp() {
      if (!sink) sink = await startSmtpSink(port);
    },
  };
}

export interface RigOptions {
  dir: string;
  taskQueue: string;
  /** How long a killed server stays down before it is started again. */
  downMs: number;
  /** How long the SMTP server is down. */
  smtpDownMs: number;
  log: (message: string) => void;
}

/**
 * The desk as separate processes on servers of its own: PostgreSQL (embedded, its own data
 * directory and port), the Temporal dev server on a SQLite file, an SMTP sink, one API and one
 * worker process, each of which `inject` kills (or takes down) and brings back.
 */
export async function startRig(options: RigOptions) {
  const { dir, log } = options;
  fs.mkdirSync(dir, { recursive: true });
  const [pgPort, temporalPort, smtpPort, apiPort, workerPort] = await Promise.all(
    Array.from({ length: 5 }, () => freePort()),
  );
  const pgDir = path.join(dir, 'postgres');
  const quiet = () => {};
  const startPostgres = () => ensurePostgres({ dataDir: pgDir, port: pgPort, database: 'servicedesk', log: quiet });
  const startTemporal = () =>
    ensureTemporal({
      cliPath: process.env.TEMPORAL_CLI,
      toolsDir: path.join(rootDir, '.tools'),
      dbFile: path.join(dir, 'temporal.db'),
      port: temporalPort,
      headless: true,
      namespace: 'default',
      log: quiet,
    });
  let [postgres, temporal]: [PostgresEndpoint, TemporalEndpoint] = await Promise.all([
    startPostgres(),
    startTemporal(),
  ]);
  const smtp = await restartableSmtpSink(smtpPort);
  log(`PostgreSQL: ${postgres.how}; Temporal: ${temporal.how}; SMTP sink on ${smtp.url}`);

  const env: Record<string, string> = {
    DATABASE_URL: postgres.url,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: options.taskQueue,
    DATA_DIR: path.join(dir, 'desk'),
    SMTP_URL: smtp.url,
    MAIL_FROM: 'Service Desk <desk@chaos.example>',
    LOG_LEVEL: 'warn',
    STARTING_CORPUS: 'off',
    SEED_DEMO: 'true',
    // The load comes from one address; the limit is not what is tested here.
    PUBLIC_RATE_LIMIT: '0',
    SURVEY_TIMEOUT: '1h',
    INTAKE_WAIT: '10s',
  };
  const api = new RoleProcess('api', apiPort, env, path.join(dir, 'api.log'));
  const worker = new RoleProcess('worker', workerPort, env, path.join(dir, 'worker.log'));
  worker.start();
  api.start();

  /** Until every process answers ready (database, Temporal and, for the worker, its worker). */
  const allReady = async (timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if ((await api.ready()) && (await worker.ready())) return true;
      await sleep(250);
    }
    return false;
  };

  /** Restarts a server the way the desk's own start does, again while the old one's leftovers are still going. */
  const restart = async <T>(what: string, start: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await start();
      } catch (error) {
        if (attempt >= 10) throw error;
        log(`${what} did not start again (attempt ${attempt}): ${String(error).split('\n')[0]}`);
        await sleep(1_000);
      }
    }
  };

  /** One fault: taken down now, brought back; resolves with when it was brought back. */
  const inject = async (kind: FaultKind): Promise<{ repairedAt: number }> => {
    switch (kind) {
      case 'worker':
        await worker.killAndRestart();
        break;
      case 'api':
        await api.killAndRestart();
        break;
      case 'temporal':
        process.kill(temporal.pid!, 'SIGKILL');
        await sleep(options.downMs);
        temporal = await restart('Temporal', startTemporal);
        break;
      case 'postgres': {
        const postmaster = readPidFile(path.join(pgDir, 'postmaster.pid'));
        if (!postmaster) throw new Error(`no postmaster.pid in ${pgDir}`);
        process.kill(postmaster, 'SIGKILL');
        await sleep(options.downMs);
        postgres = await restart('PostgreSQL', startPostgres);
        break;
      }
      case 'smtp':
        await smtp.down();
        await sleep(options.smtpDownMs);
        await smtp.bringUp();
        break;
    }
    return { repairedAt: Date.now() };
  };

  return {
    api,
    worker,
    smtp,
    databaseUrl: () => postgres.url,
    temporalAddress: () => temporal.address,
    allReady,
    inject,
    async stop() {
      await Promise.all([api.stop(), worker.stop()]);
      await smtp.down();
      await temporal.stop();
      await postgres.stop();
    },
  };
}

export type Rig = Awaited<ReturnType<typeof startRig>>;
