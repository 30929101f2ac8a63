import { ensurePostgres } from '../../src/infra/postgres-server';
import { ensureTemporal } from '../../src/infra/temporal-server';

/** Starts the dev server and embedded PostgreSQL on the given files, says "ready", and waits to be killed. */
async function main() {
  const [toolsDir, dbFile, pgDir] = process.argv.slice(2) as [string, string, string];
  const log = () => {};
  await ensureTemporal({ toolsDir, dbFile, headless: true, namespace: 'default', log });
  await ensurePostgres({ dataDir: pgDir, database: 'desk', log });
  process.stdout.write('ready\n');
  setInterval(() => {}, 60_000);
}

void main();
