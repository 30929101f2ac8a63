import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';

export type Database = PostgresJsDatabase & { $client: postgres.Sql };

/**
 * One pool per process; closed by `closeDatabase` on shutdown. Queries are built from the
 * tables in ./schema; the relational API (`db.query`) is not used, so drizzle is not given the
 * schema: with it, every transaction builds a query builder for each table (measured as about
 * 0.2 ms of CPU per transaction, 6 % of a new ticket's intake).
 */
export function openDatabase(url: string, options: { max?: number } = {}): Database {
  const sql = postgres(url, { max: options.max ?? 10, onnotice: () => {} });
  return drizzle(sql) as Database;
}

export async function closeDatabase(db: Database): Promise<void> {
  await db.$client.end({ timeout: 5 });
}

/** Codes of a database that is not there right now: refused, cut off, shutting down or starting up. */
const unavailableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  // admin_shutdown, crash_shutdown, cannot_connect_now (in recovery after a crash)
  '57P01',
  '57P02',
  '57P03',
]);

/** Whether `error` (or what caused it: drizzle wraps the driver's) says the database is away for now. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let cause = error as { code?: unknown; cause?: unknown } | undefined; cause; cause = cause.cause as typeof cause)
    if (typeof cause.code === 'string' && unavailableCodes.has(cause.code)) return true;
  return false;
}

/** Runs `work` again while the database is away, for up to `patienceMs`; any other error at once. */
export async function whenDatabaseAnswers<T>(work: () => Promise<T>, patienceMs: number): Promise<T> {
  const deadline = Date.now() + patienceMs;
  for (let waitMs = 250; ; waitMs = Math.min(waitMs * 2, 2_000)) {
    try {
      return await work();
    } catch (error) {
      if (!isDatabaseUnavailable(error) || Date.now() + waitMs > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}
