/**
 * `npm run temporal:postgres [-- --port 7233] [--shards 4] [--check]`: the Temporal server on
 * PostgreSQL, built from its Go module (once, into .tools/bin), on DATABASE_URL's server: creates
 * `temporal` and `temporal_visibility` if missing, brings their schemas up to date, writes a config
 * under .data/temporal-postgres/, starts the server, registers the namespace, and runs until
 * Ctrl-C. With `--check` it stops again at once (a smoke test of the whole chain).
 */
import path from 'node:path';
import { startTemporalPostgres } from '../src/infra/temporal-postgres';

const rootDir = path.resolve(__dirname, '..');
const usage = `usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run temporal:postgres -- [options]
  --port N     frontend gRPC port (7233; 0 picks a free one)
  --shards N   numHistoryShards (4); fixed once the databases exist
  --namespace  namespace to register (default)
  --check      start, register, stop, exit`;

function parseArgs(argv: string[]) {
  const args = { port: 7233, shards: 4, namespace: 'default', check: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => argv[++i] ?? fail(`${arg} needs a value`);
    if (arg === '--port') args.port = whole(arg, value());
    else if (arg === '--shards') args.shards = whole(arg, value());
    else if (arg === '--namespace') args.namespace = value();
    else if (arg === '--check') args.check = true;
    else if (arg === '--help' || arg === '-h') {
      console.log(usage);
      process.exit(0);
    } else fail(`unknown argument ${arg}`);
  }
  if (args.shards < 1) fail('--shards must be at least 1');
  return args;
}

function whole(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) fail(`${name} must be a whole number, not "${text}"`);
  return n;
}

function fail(message: string): never {
  console.error(`${message}\n\n${usage}`);
  process.exit(2);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) fail('DATABASE_URL is required: the PostgreSQL server Temporal keeps its databases on');
  const log = (message: string) => console.error(`[temporal-postgres] ${message}`);
  const server = await startTemporalPostgres({
    toolsDir: path.join(rootDir, '.tools'),
    dataDir: path.join(rootDir, '.data', 'temporal-postgres'),
    databaseUrl,
    port: args.port,
    numHistoryShards: args.shards,
    namespace: args.namespace,
    log,
  });
  log(`ready: ${server.how}; config ${path.relative(process.cwd(), server.configFile)}`);
  if (args.check) {
    await server.stop();
    log('stopped (--check)');
    return;
  }
  console.log(`TEMPORAL_ADDRESS=${server.address}`);
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
  });
  log('stopping…');
  await server.stop();
  log('stopped');
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(`[temporal-postgres] ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  },
);
