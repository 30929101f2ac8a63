import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, inject } from 'vitest';
import { DEMO_PASSWORD } from '../src/db/seed';
import { createDatabase, dropDatabase } from '../src/infra/postgres-server';
import { freePort } from '../src/infra/temporal-server';

const rootDir = path.resolve(__dirname, '..');
const tsx = path.join(rootDir, 'node_modules', '.bin', 'tsx');

/** `npm start`'s entry point as a real child process. */
function startMain(env: Record<string, string>) {
  const child = spawn(tsx, ['src/main.ts'], {
    cwd: rootDir,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

describe('npm start (src/main.ts)', () => {
  it('refuses a wrong setting, naming the variable, before starting anything', async () => {
    const main = startMain({ PORT: 'eighty', SURVEY_TIMEOUT: 'soon' });
    expect(await main.exited).toBe(2);
    expect(main.output()).toMatch(/PORT: /);
    expect(main.output()).toMatch(/SURVEY_TIMEOUT: "soon" is not a duration/);
  });

  // Its own database: a first start trains the category model on the starting corpus, which the shared one must not have.
  const databaseName = `desk_main_${process.pid}`;
  afterAll(() => dropDatabase(inject('adminDatabaseUrl'), databaseName));

  it('serves the API and web pages, prints the URLs, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    await dropDatabase(inject('adminDatabaseUrl'), databaseName);
    const main = startMain({
      PORT: String(port),
      DATABASE_URL: await createDatabase(inject('adminDatabaseUrl'), databaseName),
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `tickets-main-${process.pid}`,
      DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'desk-main-')),
    });
    try {
      const deadline = Date.now() + 60_000;
      while (!main.output().includes('Service desk is running')) {
        if (Date.now() > deadline || main.child.exitCode !== null) throw new Error(`did not start:\n${main.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(main.output()).toContain(`http://127.0.0.1:${port}/docs`);
      expect(main.output()).toMatch(/"trainingTickets":\d{4},.*"msg":"category model trained on the starting corpus"/);
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/`)).headers.get('content-type')).toMatch(/text\/html/);
      expect(main.output()).toContain(`http://127.0.0.1:${port}/sign-in.html`);
      // A claimed identity is no identity: the demo operator signs in with the documented demo password.
      const claimed = await fetch(`http://127.0.0.1:${port}/queues`, { headers: { 'x-operator-id': 'ivanova' } });
      expect(claimed.status).toBe(401);
      const signIn = await fetch(`http://127.0.0.1:${port}/auth/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login: 'ivanova', password: DEMO_PASSWORD }),
      });
      expect(signIn.status).toBe(200);
      const cookie = signIn.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      const queues = await fetch(`http://127.0.0.1:${port}/queues`, { headers: { cookie } });
      expect(await queues.json()).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'general' })]));
    } finally {
      main.child.kill('SIGTERM');
    }
    expect(await main.exited).toBe(0);
    expect(main.output()).toContain('"msg":"stopped"');
  });
});
