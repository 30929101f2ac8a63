import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensurePostgres, type PostgresEndpoint } from '../src/infra/postgres-server';
import { ensureTemporal, type TemporalEndpoint } from '../src/infra/temporal-server';
import { startTestDesk } from './support/desk';
import { listen } from './support/http';

/** Readiness with a server of its own under the desk, stopped while the desk runs. */
describe('GET /health/ready when a backend goes away', () => {
  const stops: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
  });

  it('answers 503 naming Temporal when the Temporal server stops, and the scrape still answers', async () => {
    const temporal: TemporalEndpoint = await ensureTemporal({
      toolsDir: path.resolve(__dirname, '..', '.tools'),
      dbFile: null,
      headless: true,
      namespace: 'default',
      log: () => {},
    });
    stops.push(() => temporal.stop());
    const desk = await startTestDesk({ temporalAddress: temporal.address });
    stops.push(() => desk.stop());
    const { call } = await listen(desk.app);
    expect((await call('GET', '/health/ready')).status).toBe(200);

    await temporal.stop();
    const ready = await call('GET', '/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.status).toBe('unavailable');
    expect(ready.body.down).toContain('temporal');
    expect(ready.body.checks.database).toEqual({ up: true });
    expect(ready.body.checks.temporal.up).toBe(false);
    expect(ready.body.checks.temporal.error).toBeTruthy();
    expect((await call('GET', '/health/live')).status).toBe(200);
    expect((await call('GET', '/metrics')).status).toBe(200);
  }, 120_000);

  it('answers 503 naming the database when PostgreSQL stops; /metrics says the figures were not read', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'desk-ready-pg-'));
    const pg: PostgresEndpoint = await ensurePostgres({
      dataDir: path.join(dir, 'pg'),
      database: 'desk',
      log: () => {},
    });
    stops.push(async () => {
      await pg.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    const desk = await startTestDesk({ databaseUrl: pg.url });
    stops.push(() => desk.stop());
    const { call } = await listen(desk.app);
    expect((await call('GET', '/health/ready')).status).toBe(200);

    await pg.stop();
    const ready = await call('GET', '/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.down).toEqual(['database']);
    expect(ready.body.checks.temporal).toEqual({ up: true });
    expect(ready.body.checks.worker).toEqual({ up: true });
    expect(ready.body.checks.database.up).toBe(false);
    // A reason, never the connection string.
    expect(ready.body.checks.database.error).toBeTruthy();
    expect(JSON.stringify(ready.body)).not.toContain(pg.url);

    const metrics = await call('GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/^desk_metrics_database_read_ok 0$/m);
    expect(metrics.text).not.toMatch(/^desk_tickets\{/m);
    expect((await call('GET', '/health/live')).status).toBe(200);
  }, 120_000);
});
