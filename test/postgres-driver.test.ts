import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, inject, it } from 'vitest';

/**
 * postgres.js 3.4.9 writes to a closed socket from a setImmediate when a transaction's connection
 * is cut between two statements (porsager/postgres#1154, #1208): the TypeError escapes every
 * await and kills the process (the chaos run's PostgreSQL fault did so to the worker, between an
 * SMTP server's acceptance and the outbox's mark: the notice went out twice). patches/ guards
 * the write; the transaction is rejected as "the database is away" and the pool answers after it.
 */
it('survives a transaction whose connection the server terminates between two statements', async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', path.join(__dirname, 'support/terminated-transaction.ts')],
    { env: { ...process.env, DATABASE_URL: inject('databaseUrl') }, timeout: 30_000 },
  );
  expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual({ unavailable: true, after: 1 });
}, 40_000);
