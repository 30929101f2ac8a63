import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { createDatabase, dropDatabase, ensurePostgres } from '../src/infra/postgres-server';
import { ensureTemporal, freePort, resolveTemporalCli, type TemporalCli } from '../src/infra/temporal-server';

const repoToolsDir = path.resolve(__dirname, '..', '.tools');
const quiet = () => {};

/** 0700, like any mkdtemp directory: ensurePostgres must let its postgres user in by itself. */
function scratchDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'infra-test-'));
}

let realCli: Promise<TemporalCli> | undefined;
/** The CLI a developer would get (PATH, .tools, or a first-run Go build). */
function findRealCli(): Promise<TemporalCli> {
  realCli ??= resolveTemporalCli({ toolsDir: repoToolsDir, log: quiet }).then((cli) => {
    if (!cli) throw new Error('these tests need a temporal binary (PATH, .tools/bin, or Go to build one)');
    return cli;
  });
  return realCli;
}

function portRefuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

async function query<T extends readonly object[]>(url: string, run: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(url, { max: 1, onnotice: quiet });
  try {
    return await run(sql);
  } finally {
    await sql.end();
  }
}

describe('resolveTemporalCli', () => {
  it('uses TEMPORAL_CLI when it points at a binary', { timeout: 600_000 }, async () => {
    const real = await findRealCli();
    const cli = await resolveTemporalCli({ cliPath: real.path, toolsDir: '/nonexistent', log: quiet });
    expect(cli).toEqual({ path: real.path, source: 'TEMPORAL_CLI' });
  });

  it('names TEMPORAL_CLI when the path is missing or not executable', async () => {
    const dir = scratchDir();
    const notExecutable = path.join(dir, 'temporal');
    fs.writeFileSync(notExecutable, '#!/bin/sh\n', { mode: 0o644 });
    try {
      await expect(
        resolveTemporalCli({ cliPath: path.join(dir, 'missing'), toolsDir: dir, log: quiet }),
      ).rejects.toThrow(/TEMPORAL_CLI/);
      await expect(resolveTemporalCli({ cliPath: notExecutable, toolsDir: dir, log: quiet })).rejects.toThrow(
        /TEMPORAL_CLI/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ensureTemporal', () => {
  it('starts an in-memory dev server on free ports and stop() closes it', { timeout: 600_000 }, async () => {
    const cli = await findRealCli();
    const dir = scratchDir();
    const temporal = await ensureTemporal({
      cliPath: cli.path,
      toolsDir: path.join(dir, '.tools'),
      dbFile: null,
      namespace: 'infra-test',
      log: quiet,
    });
    try {
      expect(temporal.how).toContain('in-memory');
      const connection = await Connection.connect({ address: temporal.address });
      const described = await connection.workflowService.describeNamespace({ namespace: 'infra-test' });
      expect(described.namespaceInfo?.name).toBe('infra-test');
      await connection.close();
      expect((await fetch(temporal.uiUrl!)).status).toBe(200);
    } finally {
      await temporal.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const port = Number(temporal.address.split(':')[1]);
    expect(await portRefuses(port)).toBe(true);
  });

  it('reports the server log when the dev server exits during start-up', { timeout: 600_000 }, async () => {
    const cli = await findRealCli();
    const dir = scratchDir();
    const squatter = net.createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => squatter.once('listening', resolve));
    const takenPort = (squatter.address() as net.AddressInfo).port;
    try {
      await expect(
        ensureTemporal({
          cliPath: cli.path,
          toolsDir: path.join(dir, '.tools'),
          dbFile: null,
          port: takenPort,
          headless: true,
          namespace: 'x',
          log: quiet,
        }),
      ).rejects.toThrow(/exited during start-up[\s\S]*last lines/);
    } finally {
      squatter.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names TEMPORAL_ADDRESS when nothing answers there', { timeout: 30_000 }, async () => {
    const address = `127.0.0.1:${await freePort()}`;
    await expect(
      ensureTemporal({ address, toolsDir: '/nonexistent', dbFile: null, namespace: 'x', log: quiet }),
    ).rejects.toThrow(/TEMPORAL_ADDRESS/);
  });
});

describe('ensurePostgres', () => {
  it('starts an embedded server that keeps its data across restarts', { timeout: 120_000 }, async () => {
    const dir = scratchDir();
    const dataDir = path.join(dir, 'postgres');
    const messages: string[] = [];
    try {
      const first = await ensurePostgres({ dataDir, database: 'servicedesk', log: (m) => messages.push(m) });
      try {
        expect(messages.join('\n')).toContain('initialising PostgreSQL');
        const [row] = await query(first.url, (sql) => sql`select 1 as one, current_database() as db`);
        expect(row).toEqual({ one: 1, db: 'servicedesk' });
        await query(first.url, (sql) => sql`create table kept (id int)`);
        // Its own superuser password, kept beside the data for its owner only; `postgres` is refused.
        const password = fs.readFileSync(`${dataDir}.password`, 'utf8').trim();
        expect(password).toMatch(/^[0-9a-f]{48}$/);
        expect(fs.statSync(`${dataDir}.password`).mode & 0o777).toBe(0o600);
        expect(decodeURIComponent(new URL(first.url).password)).toBe(password);
        const guessed = new URL(first.url);
        guessed.password = 'postgres';
        await expect(query(guessed.toString(), (sql) => sql`select 1`)).rejects.toThrow(
          /password authentication failed/,
        );
        // A cluster made before passwords were per directory: back to the legacy password, file gone.
        await query(first.url, (sql) => sql`alter role postgres password 'postgres'`);
        fs.rmSync(`${dataDir}.password`);
      } finally {
        await first.stop();
      }

      messages.length = 0;
      const second = await ensurePostgres({ dataDir, database: 'servicedesk', log: (m) => messages.push(m) });
      try {
        expect(messages.join('\n')).not.toContain('initialising PostgreSQL');
        const tables = await query(second.url, (sql) => sql`select 1 from pg_tables where tablename = 'kept'`);
        expect(tables).toHaveLength(1);
        expect(messages.join('\n')).toContain("the superuser's password replaced by a random one");
        const replaced = fs.readFileSync(`${dataDir}.password`, 'utf8').trim();
        expect(replaced).toMatch(/^[0-9a-f]{48}$/);
        expect(decodeURIComponent(new URL(second.url).password)).toBe(replaced);
        const legacy = new URL(second.url);
        legacy.password = 'postgres';
        await expect(query(legacy.toString(), (sql) => sql`select 1`)).rejects.toThrow(
          /password authentication failed/,
        );
      } finally {
        await second.stop();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('starts despite a postmaster.pid whose pid now belongs to another process', { timeout: 120_000 }, async () => {
    const dir = scratchDir();
    const dataDir = path.join(dir, 'postgres');
    const first = await ensurePostgres({ dataDir, database: 'servicedesk', log: quiet });
    const pidFile = path.join(dataDir, 'postmaster.pid');
    const lockContents = fs.readFileSync(pidFile, 'utf8');
    await first.stop();

    // Simulate a killed run followed by pid reuse: a live process of the cluster's owner
    // holds the recorded pid, which postgres on its own takes for a running server.
    const owner = fs.statSync(dataDir);
    const impostor = spawn('sleep', ['60'], { uid: owner.uid, gid: owner.gid, stdio: 'ignore' });
    fs.writeFileSync(pidFile, lockContents.replace(/^\d+/, String(impostor.pid)));
    const messages: string[] = [];
    try {
      const second = await ensurePostgres({ dataDir, database: 'servicedesk', log: (m) => messages.push(m) });
      try {
        expect(messages.join('\n')).toContain('removed stale');
        expect(await query(second.url, (sql) => sql`select 1 as one`)).toEqual([{ one: 1 }]);
      } finally {
        await second.stop();
      }
    } finally {
      impostor.kill();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names DATABASE_URL when that server does not answer', { timeout: 30_000 }, async () => {
    const url = `postgres://nobody@127.0.0.1:${await freePort()}/nothing`;
    await expect(ensurePostgres({ url, dataDir: '/nonexistent', database: 'x', log: quiet })).rejects.toThrow(
      /DATABASE_URL/,
    );
  });

  it('creates and drops a fresh database (on DATABASE_URL if set, else embedded)', { timeout: 120_000 }, async () => {
    const dir = scratchDir();
    const server = await ensurePostgres({
      url: process.env.DATABASE_URL,
      dataDir: path.join(dir, 'postgres'),
      database: 'postgres',
      log: quiet,
    });
    const name = `infra_test_${process.pid}_${Date.now()}`;
    try {
      const url = await createDatabase(server.url, name);
      const [row] = await query(url, (sql) => sql`select current_database() as db`);
      expect(row).toEqual({ db: name });

      await dropDatabase(server.url, name);
      const left = await query(server.url, (sql) => sql`select 1 from pg_database where datname = ${name}`);
      expect(left).toHaveLength(0);
    } finally {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
