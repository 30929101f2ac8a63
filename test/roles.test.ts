import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { closeDatabase, openDatabase } from '../src/db/client';
import { tokenScopes } from '../src/domain/enums';
import { freePort } from '../src/infra/temporal-server';
import { createIdentityService } from '../src/services/identity-service';

const rootDir = path.resolve(__dirname, '..');

/**
 * `npm start -- --role <role>` as a real process: Node with tsx's loader, not the tsx CLI,
 * whose child SIGKILL would leave running.
 */
async function startRole(role: 'api' | 'worker', shared: Record<string, string>) {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--role', role], {
    cwd: rootDir,
    env: { ...process.env, LOG_LEVEL: 'info', ...shared, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? (signal as never))),
  );
  return { role, child, exited, output: () => output, url: `http://127.0.0.1:${port}` };
}
type RoleProcess = Awaited<ReturnType<typeof startRole>>;

async function running(process: RoleProcess) {
  const deadline = Date.now() + 180_000;
  while (!/Service desk (worker )?is running/.test(process.output())) {
    if (Date.now() > deadline || process.child.exitCode !== null)
      throw new Error(`${process.role} did not start:\n${process.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** API tokens of staff, issued straight into the shared database as an administrator would. */
const tokens = new Map<string, string>();
async function issueTokens(databaseUrl: string, logins: string[]) {
  const db = openDatabase(databaseUrl, { max: 1 });
  const identity = createIdentityService({ db });
  for (const login of logins)
    tokens.set(login, (await identity.issueStaffToken(login, 'roles test', [...tokenScopes])).token);
  await closeDatabase(db);
}

async function json(url: string, init: { method?: string; operator?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = {};
  if (init.operator) headers.authorization = `Bearer ${tokens.get(init.operator)}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const answer = await fetch(url, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await answer.text();
  return { status: answer.status, body: text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text };
}

describe('the desk as separate processes: one API and two workers', () => {
  const processes: RoleProcess[] = [];
  afterAll(async () => {
    for (const process of processes) if (process.child.exitCode === null) process.child.kill('SIGKILL');
  });

  it('keeps tickets flowing to queued and through accept and resolve after a worker is killed with SIGKILL', async () => {
    const shared = {
      DATABASE_URL: inject('databaseUrl'),
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `tickets-roles-${process.pid}`,
      DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'desk-roles-')),
      INTAKE_WAIT: '20s',
      // The shared database keeps no category model: other files' tickets are classified by the rules.
      STARTING_CORPUS: 'off',
    };
    const [first, second, api] = await Promise.all([
      startRole('worker', shared),
      startRole('worker', shared),
      startRole('api', shared),
    ]);
    processes.push(first, second, api);
    await Promise.all(processes.map(running));
    await issueTokens(shared.DATABASE_URL, ['ivanova']);

    for (const worker of [first, second]) {
      const ready = await json(`${worker.url}/health/ready`);
      expect(ready).toMatchObject({ status: 200, body: { checks: { worker: { up: true } } } });
      // A worker serves the probes and the scrape only, with the SDK's own metrics.
      expect((await json(`${worker.url}/tickets`)).status).toBe(404);
      const metrics = (await json(`${worker.url}/metrics`)).body as string;
      expect(metrics).toMatch(/^desk_temporal_sdk_metrics_up 1$/m);
      expect(metrics).toMatch(/^temporal_worker_task_slots_available\{/m);
    }
    const apiReady = await json(`${api.url}/health/ready`);
    expect(apiReady.status).toBe(200);
    expect(apiReady.body.checks).not.toHaveProperty('worker');
    expect((await json(`${api.url}/metrics`)).body).not.toMatch(/^temporal_/m);

    const file = async (n: number) => {
      const filed = await json(`${api.url}/tickets`, {
        method: 'POST',
        body: {
          subject: 'Счёт',
          description: `Нужен счёт на оплату №${n}`,
          client: { email: `roles-${n}@example.com` },
        },
      });
      expect([201, 202], JSON.stringify(filed.body)).toContain(filed.status);
      return filed.body.id as number;
    };
    const queued = (id: number) =>
      expect
        .poll(async () => (await json(`${api.url}/tickets/${id}`, { operator: 'ivanova' })).body.stage, {
          timeout: 60_000,
          interval: 500,
        })
        .toBe('queued');

    // Workflow tasks this worker ran, from the SDK's metrics.
    const tasksRun = async (worker: RoleProcess) =>
      ((await json(`${worker.url}/metrics`)).body as string)
        .split('\n')
        .filter((line) => line.startsWith('temporal_workflow_task_execution_latency_count'))
        .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
    // Tickets until the worker to be killed has run some of them, so it dies holding their workflows in its cache.
    const before = [];
    for (let n = 1; n <= 4 || ((await tasksRun(first)) === 0 && n <= 30); n++) before.push(await file(n));
    for (const id of before) await queued(id);
    expect(await tasksRun(first)).toBeGreaterThan(0);

    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');

    const after = [];
    for (let n = 101; n <= 106; n++) after.push(await file(n));
    for (const id of after) await queued(id);

    for (const id of [...before, ...after]) {
      const accepted = await json(`${api.url}/tickets/${id}/accept`, { method: 'POST', operator: 'ivanova' });
      expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
      expect(accepted.body.stage).toBe('in_work');
      const resolved = await json(`${api.url}/tickets/${id}/resolve`, {
        method: 'POST',
        operator: 'ivanova',
        body: { resolution: 'Счёт выставлен' },
      });
      expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);
    }
    expect((await json(`${second.url}/health/ready`)).status).toBe(200);

    for (const process of [second, api]) process.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(await api.exited).toBe(0);
  }, 420_000);
});
