import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import postgres from 'postgres';
import {
  describeExit,
  errorMessage,
  exitOf,
  isAlive,
  relative,
  sleep,
  spawnLoggingTo,
  tailOf,
  waitUntilAnswering,
} from './processes';
import { freePort, type TemporalEndpoint } from './temporal-server';

const run = promisify(execFile);

/** The server the dev server of `npm start` and compose's image are built from. */
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
const SERVER_MODULE = 'go.temporal.io/server';
const PACKAGES = [`${SERVER_MODULE}/cmd/server`, `${SERVER_MODULE}/cmd/tools/sql`];
/** `go install` names a binary after its package directory; ours carry the names Temporal's images give them. */
const BINARY_NAMES = { server: 'temporal-server', sql: 'temporal-sql-tool' } as const;
const STAGING_PREFIX = '.temporal-server-build-';
const PROGRESS_EVERY_MS = 15_000;
const READY_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 15_000;

export interface TemporalServerBinaries {
  server: string;
  sqlTool: string;
  /** How long the Go build took, when this call built them. */
  builtInMs?: number;
}

/** Finds Go the way a developer's shell would, then in its default install place. */
function goBinary(): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, 'go'))) return path.join(dir, 'go');
  }
  if (isExecutable('/usr/local/go/bin/go')) return '/usr/local/go/bin/go';
  throw new Error('no Go found (PATH or /usr/local/go/bin/go): needed once to build the Temporal server');
}

/**
 * temporal-server and temporal-sql-tool in <toolsDir>/bin, built once with `go install` (GOBIN).
 * The build goes into a staging directory and is renamed into place, so a killed build leaves
 * no half-written binary that a later run would trust. On 2 shared cores it takes many minutes:
 * the packages compiled are logged as they go.
 */
export async function ensureTemporalServerBinaries(
  toolsDir: string,
  log: (message: string) => void,
): Promise<TemporalServerBinaries> {
  const binDir = path.resolve(toolsDir, 'bin');
  const server = path.join(binDir, BINARY_NAMES.server);
  const sqlTool = path.join(binDir, BINARY_NAMES.sql);
  if (isExecutable(server) && isExecutable(sqlTool)) return { server, sqlTool };

  fs.mkdirSync(binDir, { recursive: true });
  removeAbandonedStagingDirs(binDir);
  const stagingDir = path.join(binDir, `${STAGING_PREFIX}${process.pid}`);
  fs.mkdirSync(stagingDir, { recursive: true });
  const buildLog = path.resolve(toolsDir, 'temporal-server-build.log');
  const started = Date.now();
  log(
    `building temporal-server and temporal-sql-tool ${TEMPORAL_SERVER_VERSION} with Go (once; log: ${relative(buildLog)})…`,
  );
  const timer = setInterval(() => {
    const compiled = countLines(buildLog);
    log(`… still building, ${Math.round((Date.now() - started) / 1000)} s, ${compiled} lines of go output so far`);
  }, PROGRESS_EVERY_MS);
  try {
    const child = spawnLoggingTo(
      goBinary(),
      ['install', '-v', ...PACKAGES.map((p) => `${p}@${TEMPORAL_SERVER_VERSION}`)],
      buildLog,
      { GOBIN: stagingDir },
    );
    const exit = await exitOf(child);
    if (exit.code !== 0) {
      throw new Error(
        `go install failed (${describeExit(exit)}); last lines of ${relative(buildLog)}:\n${tailOf(buildLog)}`,
      );
    }
    fs.renameSync(path.join(stagingDir, 'server'), server);
    fs.renameSync(path.join(stagingDir, 'sql'), sqlTool);
  } finally {
    clearInterval(timer);
    fs.rmSync(stagingDir, { recursive: true, force: true });
  }
  const builtInMs = Date.now() - started;
  log(`built ${relative(server)} and ${relative(sqlTool)} in ${Math.round(builtInMs / 1000)} s`);
  return { server, sqlTool, builtInMs };
}

/** The server module's own files (schema/, config/) as `go install` left them in the module cache. */
export async function serverModuleDir(): Promise<string> {
  const { stdout } = await run(goBinary(), ['mod', 'download', '-json', `${SERVER_MODULE}@${TEMPORAL_SERVER_VERSION}`]);
  const dir = (JSON.parse(stdout) as { Dir?: string }).Dir;
  if (!dir || !fs.existsSync(dir))
    throw new Error(`${SERVER_MODULE}@${TEMPORAL_SERVER_VERSION} is not in the module cache`);
  return dir;
}

/** Temporal's two databases, by default named as compose and Temporal's own images name them. */
export interface TemporalDatabases {
  main: string;
  visibility: string;
}
export const TEMPORAL_DATABASES: TemporalDatabases = { main: 'temporal', visibility: 'temporal_visibility' };

interface SqlEndpoint {
  host: string;
  port: number;
  user: string;
  password: string;
}

function sqlEndpointOf(databaseUrl: string): SqlEndpoint {
  const url = new URL(databaseUrl);
  return {
    host: url.hostname || '127.0.0.1',
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username || 'postgres'),
    password: decodeURIComponent(url.password),
  };
}

/**
 * Creates `temporal` and `temporal_visibility` (or the names given) on DATABASE_URL's server if missing and brings
 * their schemas to the module's version with temporal-sql-tool, as compose's temporal-schema
 * job does: safe to run on every start (an up-to-date schema is left alone).
 */
export async function prepareTemporalDatabases(
  sqlTool: string,
  moduleDir: string,
  databaseUrl: string,
  databases: TemporalDatabases,
  log: (message: string) => void,
): Promise<void> {
  const pg = sqlEndpointOf(databaseUrl);
  const common = ['--plugin', 'postgres12', '--ep', pg.host, '-p', String(pg.port), '-u', pg.user];
  // The password goes by environment, not on a command line others can read in ps.
  const env = { ...process.env, SQL_PASSWORD: pg.password };
  const tool = async (args: string[]) => {
    try {
      return (await run(sqlTool, [...common, ...args], { env })).stdout;
    } catch (error) {
      const { stderr, stdout } = error as { stderr?: string; stdout?: string };
      throw new Error(`temporal-sql-tool ${args.join(' ')} failed:\n${stderr || stdout || errorMessage(error)}`, {
        cause: error,
      });
    }
  };
  const schemas = [
    { name: databases.main, schema: 'temporal' },
    { name: databases.visibility, schema: 'visibility' },
  ];
  for (const db of schemas) {
    if (!(await databaseExists(databaseUrl, db.name))) {
      await tool(['--db', db.name, 'create']);
      log(`created database ${db.name}`);
    }
    const versioned = path.join(moduleDir, 'schema', 'postgresql', 'v12', db.schema, 'versioned');
    if (!(await hasSchemaVersionTable(databaseUrl, db.name)))
      await tool(['--db', db.name, 'setup-schema', '-v', '0.0']);
    await tool(['--db', db.name, 'update-schema', '-d', versioned]);
    log(`schema of ${db.name} is up to date (${relative(versioned)})`);
  }
}

async function databaseExists(databaseUrl: string, db: string): Promise<boolean> {
  const rows = await withDatabase(databaseUrl, null, (sql) => sql`select 1 from pg_database where datname = ${db}`);
  return rows.length > 0;
}

/** setup-schema creates the version tables; a database that has them is only updated. */
async function hasSchemaVersionTable(databaseUrl: string, db: string): Promise<boolean> {
  const [row] = await withDatabase(
    databaseUrl,
    db,
    (sql) => sql<[{ found: string | null }]>`select to_regclass('public.schema_version')::text as found`,
  );
  return row.found !== null;
}

/** `db` on DATABASE_URL's server (null: DATABASE_URL's own database), one connection, closed after. */
async function withDatabase<T>(databaseUrl: string, db: string | null, work: (sql: postgres.Sql) => Promise<T>) {
  const url = new URL(databaseUrl);
  if (db) url.pathname = `/${db}`;
  const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });
  try {
    return await work(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export interface TemporalPostgresOptions {
  /** <repo>/.tools: binaries in bin/. */
  toolsDir: string;
  /** Where the config and the server's log go, e.g. .data/temporal-postgres. */
  dataDir: string;
  /** Any database URL of the PostgreSQL server to use; its host, port, user and password are taken. */
  databaseUrl: string;
  /** Frontend gRPC port; 0 picks a free one. */
  port: number;
  /** Fixed for the life of the cluster: changing it needs a new pair of databases. */
  numHistoryShards: number;
  namespace: string;
  /** Database names other than `temporal` and `temporal_visibility` (tests). */
  databases?: TemporalDatabases;
  log: (message: string) => void;
}

export interface TemporalPostgresServer extends TemporalEndpoint {
  pid: number;
  configFile: string;
  logFile: string;
  binaries: TemporalServerBinaries;
}

/**
 * The Temporal server on PostgreSQL, all four services in one process (frontend, history,
 * matching, worker): built if missing, its databases prepared, a config written, started,
 * and the namespace registered. `stop()` ends it.
 */
export async function startTemporalPostgres(opts: TemporalPostgresOptions): Promise<TemporalPostgresServer> {
  const binaries = await ensureTemporalServerBinaries(opts.toolsDir, opts.log);
  const moduleDir = await serverModuleDir();
  const databases = opts.databases ?? TEMPORAL_DATABASES;
  await prepareTemporalDatabases(binaries.sqlTool, moduleDir, opts.databaseUrl, databases, opts.log);

  const port = opts.port || (await freePort());
  const address = `127.0.0.1:${port}`;
  const configFile = await writeServerConfig(opts, databases, port);
  const logFile = path.join(path.resolve(opts.dataDir), 'temporal-server.log');
  const child = spawnLoggingTo(
    binaries.server,
    ['--root', path.resolve(opts.dataDir), '--config', 'config', '--env', 'postgres', '--allow-no-auth', 'start'],
    logFile,
  );
  const exited = exitOf(child);
  const killOnParentExit = () => child.kill('SIGTERM');
  process.on('exit', killOnParentExit);
  const stop = async () => {
    process.off('exit', killOnParentExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  };
  opts.log(
    `starting temporal-server on ${address}, ${opts.numHistoryShards} history shards (log: ${relative(logFile)})…`,
  );
  try {
    await waitUntilAnswering('temporal-server', { address, exited, logFile }, () => frontendAnswers(address), {
      timeoutMs: READY_TIMEOUT_MS,
      intervalMs: 500,
    });
    await registerNamespace(address, opts.namespace, opts.log);
  } catch (error) {
    await stop();
    throw error;
  }
  const pg = sqlEndpointOf(opts.databaseUrl);
  return {
    address,
    namespace: opts.namespace,
    how: `temporal-server ${TEMPORAL_SERVER_VERSION} (Go build, ${relative(binaries.server)}) on PostgreSQL ${pg.host}:${pg.port}, ${opts.numHistoryShards} history shards`,
    pid: child.pid!,
    configFile,
    logFile,
    binaries,
    stop,
  };
}

/**
 * A config of our own, smaller than the module's development-postgres12.yaml: the same
 * persistence and services, every port but the frontend's chosen free (a shared machine has other
 * servers on 7233–7239), no metrics or pprof listener, no archival. JSON is YAML, so it is written as JSON.
 */
async function writeServerConfig(
  opts: TemporalPostgresOptions,
  databases: TemporalDatabases,
  frontendPort: number,
): Promise<string> {
  const pg = sqlEndpointOf(opts.databaseUrl);
  const ports: number[] = [];
  while (ports.length < 8) {
    const port = await freeMembershipPort();
    if (port !== frontendPort && !ports.includes(port)) ports.push(port);
  }
  const [
    frontendMembership,
    frontendHttp,
    historyGrpc,
    historyMembership,
    matchingGrpc,
    matchingMembership,
    workerGrpc,
    workerMembership,
  ] = ports as [number, number, number, number, number, number, number, number];
  const store = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `${pg.host}:${pg.port}`,
      connectProtocol: 'tcp',
      user: pg.user,
      password: pg.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const service = (grpcPort: number, membershipPort: number, extra: object = {}) => ({
    rpc: { grpcPort, membershipPort, bindOnLocalHost: true, ...extra },
  });
  const dataDir = path.resolve(opts.dataDir);
  const dynamicConfigFile = path.join(dataDir, 'dynamicconfig.yaml');
  const config = {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: opts.numHistoryShards,
      datastores: {
        'postgres-default': store(databases.main, 20),
        'postgres-visibility': store(databases.visibility, 4),
      },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' } },
    services: {
      frontend: service(frontendPort, frontendMembership, { httpPort: frontendHttp }),
      history: service(historyGrpc, historyMembership),
      matching: service(matchingGrpc, matchingMembership),
      worker: service(workerGrpc, workerMembership),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: {
          enabled: true,
          initialFailoverVersion: 1,
          rpcName: 'frontend',
          rpcAddress: `127.0.0.1:${frontendPort}`,
        },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: dynamicConfigFile, pollInterval: '10s' },
  };
  const configFile = path.join(dataDir, 'config', 'postgres.yaml');
  fs.mkdirSync(path.dirname(configFile), { recursive: true, mode: 0o700 });
  // The file holds the database password: readable by its owner only.
  fs.writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  // A namespace registered here is usable by the frontend within a second, not the default 10 s.
  fs.writeFileSync(
    dynamicConfigFile,
    `${JSON.stringify({ 'system.namespaceCacheRefreshInterval': [{ value: '1s' }], 'limit.maxIDLength': [{ value: 255 }] }, null, 2)}\n`,
  );
  return configFile;
}

/** The frontend answers a cheap call (the namespace is registered after). */
async function frontendAnswers(address: string): Promise<void> {
  const connection = await Connection.connect({ address, connectTimeout: '2s' });
  try {
    await connection.workflowService.getSystemInfo({});
  } finally {
    await connection.close();
  }
}

const ALREADY_EXISTS = 6;

/** Registers the namespace if it is new, then waits until the frontend serves it (its namespace cache refreshed). */
export async function registerNamespace(address: string, namespace: string, log: (message: string) => void) {
  const connection = await Connection.connect({ address });
  try {
    try {
      await connection.workflowService.registerNamespace({
        namespace,
        workflowExecutionRetentionPeriod: msToTs('7 days'),
      });
      log(`registered namespace ${namespace} (retention 7 days)`);
    } catch (error) {
      if ((error as { code?: number }).code !== ALREADY_EXISTS) throw error;
    }
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await connection.workflowService.listWorkflowExecutions({ namespace, pageSize: 1 });
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await sleep(500);
      }
    }
  } finally {
    await connection.close();
  }
}

/**
 * A free port below 32768: the cluster_membership table keeps a member's port as a smallint
 * (a kernel-chosen port, 32768 and up, fails the server's start with "out of range for type smallint").
 */
async function freeMembershipPort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

function removeAbandonedStagingDirs(binDir: string): void {
  for (const entry of fs.readdirSync(binDir)) {
    if (!entry.startsWith(STAGING_PREFIX)) continue;
    if (!isAlive(Number.parseInt(entry.slice(STAGING_PREFIX.length), 10))) {
      fs.rmSync(path.join(binDir, entry), { recursive: true, force: true });
    }
  }
}

function countLines(file: string): number {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').length - 1;
  } catch {
    return 0;
  }
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
