import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAlive, readPidFile } from '../src/infra/processes';
import { ensurePostgres } from '../src/infra/postgres-server';
import { lockDataDir } from '../src/infra/run-lock';
import { ensureTemporal } from '../src/infra/temporal-server';

const rootDir = path.resolve(__dirname, '..');

describe('a desk killed without stopping its servers', () => {
  it('is recovered by the next start: the orphaned Temporal and PostgreSQL are stopped and replaced', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'desk-orphans-'));
    const dbFile = path.join(dir, 'temporal.db');
    const pgDir = path.join(dir, 'postgres');
    const toolsDir = path.join(rootDir, '.tools');
    // Node itself with tsx's loader, not the tsx CLI: the CLI runs the script in a child that SIGKILL would leave behind.
    const first = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/support/start-servers.ts', toolsDir, dbFile, pgDir],
      { cwd: rootDir, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve, reject) => {
      first.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      first.on('exit', (code) => reject(new Error(`the first run exited early (${code})`)));
    });
    const orphanedTemporal = readPidFile(`${dbFile}.pid`)!;
    const orphanedPostgres = readPidFile(path.join(pgDir, 'postmaster.pid'))!;
    first.kill('SIGKILL');
    await new Promise((resolve) => first.on('exit', resolve));
    expect(isAlive(orphanedTemporal)).toBe(true);
    expect(isAlive(orphanedPostgres)).toBe(true);

    const log = () => {};
    const temporal = await ensureTemporal({ toolsDir, dbFile, headless: true, namespace: 'default', log });
    const postgres = await ensurePostgres({ dataDir: pgDir, database: 'desk', log });
    try {
      expect(isAlive(orphanedTemporal)).toBe(false);
      expect(isAlive(orphanedPostgres)).toBe(false);
      expect(readPidFile(`${dbFile}.pid`)).not.toBe(orphanedTemporal);
    } finally {
      await temporal.stop();
      await postgres.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('lets only one desk run on a data directory', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'desk-lock-'));
    // A live process whose command line names main.ts holds the lock.
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)', 'main.ts']);
    try {
      fs.writeFileSync(path.join(dir, 'desk.pid'), `${holder.pid}\n`);
      expect(() => lockDataDir(dir)).toThrow(new RegExp(`another desk \\(pid ${holder.pid}\\)`));
    } finally {
      holder.kill();
    }
    // A lock left by a dead process is taken over.
    fs.writeFileSync(path.join(dir, 'desk.pid'), '999999\n');
    const release = lockDataDir(dir);
    expect(readPidFile(path.join(dir, 'desk.pid'))).toBe(process.pid);
    release();
    expect(fs.existsSync(path.join(dir, 'desk.pid'))).toBe(false);
  });
});
