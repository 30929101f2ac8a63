/** What the scenarios that seed a database of their own share: an API desk on it, and the plan of a repository's query. */
import path from 'node:path';
import { drizzle } from 'drizzle-orm/postgres-js';
import pino from 'pino';
import postgres from 'postgres';
import type { Database } from '../src/db/client';
import { startDesk, type DeskOptions } from '../src/desk';
import { freePort } from '../src/infra/temporal-server';
import type { BenchEnvironment } from './env';

/**
 * A scratch database named for the scenario and an API-only desk on it (demo seed, no worker),
 * listening on a free loopback port; its log goes to `<dataDir>/<name>.log`.
 */
export async function startScratchApiDesk(env: BenchEnvironment, name: string, overrides: Partial<DeskOptions> = {}) {
  const url = await env.createScratchDatabase(name);
  const port = await freePort();
  const desk = await startDesk({
    databaseUrl: url,
    temporalAddress: env.temporal.address,
    namespace: env.temporal.namespace,
    taskQueue: `bench-${name}-${env.runId}`,
    logger: pino(
      { level: 'warn' },
      pino.destination({ dest: path.join(env.dataDir, `${name}.log`), mkdir: true, sync: false }),
    ),
    publicUrl: `http://127.0.0.1:${port}`,
    mailFrom: 'Service Desk <desk@bench.local>',
    mailDropDir: path.join(env.dataDir, 'mail'),
    surveyTimeoutMs: 86_400_000,
    intakeWaitMs: 10_000,
    seedDemo: true,
    role: 'api',
    ...overrides,
  });
  try {
    await desk.app.listen({ host: '127.0.0.1', port });
  } catch (error) {
    await desk.stop();
    throw error;
  }
  return { url, desk, baseUrl: `http://127.0.0.1:${port}` };
}

/** The plan of the first statement a repository function sends (captured from drizzle), run with EXPLAIN ANALYZE. */
export async function explainCaptured(url: string, run: (db: Database) => Promise<unknown>): Promise<string[]> {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  let captured: { query: string; params: unknown[] } | undefined;
  try {
    const db = drizzle(client, {
      logger: { logQuery: (query, params) => (captured ??= { query, params }) },
    }) as Database;
    await run(db);
    if (!captured) return ['(no query captured)'];
    const plan = await client.unsafe(
      `explain (analyze, buffers) ${captured.query}`,
      captured.params as postgres.ParameterOrJSON<never>[],
    );
    return plan.map((row) => String(row['QUERY PLAN']));
  } finally {
    await client.end({ timeout: 5 });
  }
}
