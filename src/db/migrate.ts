import path from 'node:path';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';

export const migrationsFolder = path.join(__dirname, 'migrations');

/**
 * Applies the committed SQL migrations with a single connection, as drizzle recommends, then
 * runs `thenUnderLock` (seeding). Processes starting together (an API and several workers)
 * take turns on a session advisory lock: drizzle's migrator does not lock, and two of them
 * applying the same migration at once fail on a fresh database. Closing the session frees it.
 */
export async function runMigrations(url: string, thenUnderLock?: () => Promise<void>): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(hashtext('desk_migrations'))`;
    await migrate(drizzle(sql), { migrationsFolder });
    await thenUnderLock?.();
  } finally {
    await sql.end({ timeout: 5 });
  }
}
