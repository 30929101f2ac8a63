/**
 * Run as its own process by test/postgres-driver.test.ts: a transaction whose server connection is
 * terminated between two statements. Prints what the transaction threw and whether the desk's
 * rule calls it "the database is away"; a driver that throws from a timer instead kills this process.
 */
import { sql } from 'drizzle-orm';
import { closeDatabase, isDatabaseUnavailable, openDatabase } from '../../src/db/client';

async function main() {
  const url = process.env.DATABASE_URL!;
  const db = openDatabase(url, { max: 2 });
  const admin = openDatabase(url, { max: 1 });
  let thrown: unknown;
  try {
    await db.transaction(async (tx) => {
      const [row] = await tx.execute<{ pid: number }>(sql`select pg_backend_pid() as pid`);
      await admin.execute(sql`select pg_terminate_backend(${row!.pid})`);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await tx.execute(sql`select 2`);
    });
  } catch (error) {
    thrown = error;
  }
  // The driver's timers run meanwhile; then the pool must still answer.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const [after] = await db.execute<{ one: number }>(sql`select 1 as one`);
  console.log(JSON.stringify({ unavailable: isDatabaseUnavailable(thrown), after: after?.one }));
  await Promise.all([closeDatabase(db), closeDatabase(admin)]);
}

void main();
