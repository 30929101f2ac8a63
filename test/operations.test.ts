import { count, eq } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { outbox, processStatDeltas, ticketEvents, tickets } from '../src/db/schema';
import { freePort } from '../src/infra/temporal-server';
import { foldProcessStatDeltas } from '../src/repositories/process-stats';
import { startTestDesk } from './support/desk';
import { listen } from './support/http';

/** One sample's value from Prometheus text: `name{labels} value`, labels in any order. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3]);
  }
  return undefined;
}

describe('GET /metrics and the health probes', () => {
  let desk: Awaited<ReturnType<typeof startTestDesk>>;
  let call: Awaited<ReturnType<typeof listen>>['call'];
  let ticketId: number;
  const secretSubject = 'Секретная-тема-4711';
  const secretEmail = 'hidden-client-4711@example.com';

  beforeAll(async () => {
    desk = await startTestDesk({
      temporalMetricsAddress: `127.0.0.1:${await freePort()}`,
      // Folding is driven by the test below.
      statsFoldEveryMs: 3_600_000,
    });
    ({ call } = await listen(desk.app));
    const filed = await call('POST', '/tickets', {
      body: { subject: secretSubject, description: 'Нужен счёт на оплату', client: { email: secretEmail } },
    });
    expect(filed.status).toBe(201);
    ticketId = filed.body.id;
    expect((await call('GET', `/tickets/${ticketId}`, { operator: 'ivanova' })).status).toBe(200);
  });
  afterAll(async () => {
    await desk?.stop().catch(() => {});
  });

  it('serves Prometheus text with HTTP, ticket, SLA, outbox, pool and Temporal SDK metrics', async () => {
    // An unsent message waiting 90 s, so the outbox gauges have something to show.
    await desk.db.insert(outbox).values({
      ticketId,
      purpose: 'metrics-test',
      channel: 'email',
      recipient: secretEmail,
      subject: secretSubject,
      body: secretSubject,
      messageId: '<metrics-test@desk>',
      createdAt: new Date(Date.now() - 90_000),
    });
    try {
      const answer = await fetch(`${desk.app.listeningOrigin}/metrics`);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await answer.text();

      // By route pattern, never the raw URL.
      expect(sample(text, 'desk_http_requests_total', { method: 'POST', route: '/tickets', status: '201' })).toBe(1);
      expect(sample(text, 'desk_http_requests_total', { method: 'GET', route: '/tickets/:id', status: '200' })).toBe(1);
      expect(text).not.toContain(`/tickets/${ticketId}`);
      expect(
        sample(text, 'desk_http_request_duration_seconds_bucket', { route: '/tickets', status: '201', le: '+Inf' }),
      ).toBe(1);
      expect(sample(text, 'desk_http_request_duration_seconds_sum', { route: '/tickets' })).toBeGreaterThan(0);
      expect(sample(text, 'desk_tickets_filed_total', { answer: '201' })).toBe(1);

      const stages = await desk.db.select({ stage: tickets.stage, n: count() }).from(tickets).groupBy(tickets.stage);
      for (const { stage, n } of stages) expect(sample(text, 'desk_tickets', { stage }), stage).toBe(n);
      expect(sample(text, 'desk_tickets', { stage: 'queued' })).toBeGreaterThanOrEqual(1);

      const slaCount = async (action: string) =>
        (await desk.db.select({ n: count() }).from(ticketEvents).where(eq(ticketEvents.action, action)))[0]!.n;
      expect(sample(text, 'desk_sla_warnings_recorded')).toBe(await slaCount('sla_warned'));
      expect(sample(text, 'desk_sla_breaches_recorded')).toBe(await slaCount('sla_breached'));

      expect(sample(text, 'desk_outbox_unsent_messages', { channel: 'email' })).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'desk_outbox_oldest_unsent_age_seconds', { channel: 'email' })).toBeGreaterThanOrEqual(90);
      expect(sample(text, 'desk_db_pool_max_connections')).toBe(10);
      expect(sample(text, 'desk_metrics_database_read_ok')).toBe(1);
      expect(sample(text, 'desk_process_resident_memory_bytes')).toBeGreaterThan(0);

      // The SDK's own worker metrics, read from its exporter and appended.
      expect(sample(text, 'desk_temporal_sdk_metrics_up')).toBe(1);
      expect(text).toMatch(/^temporal_worker_task_slots_available\{/m);
      expect(text).toMatch(/^temporal_workflow_task_execution_latency_bucket\{/m);

      // Counts only: no subject, no client.
      expect(text).not.toContain(secretSubject);
      expect(text).not.toContain(secretEmail);
      expect(text).not.toContain('ivanova');
    } finally {
      await desk.db.update(outbox).set({ status: 'sent' }).where(eq(outbox.purpose, 'metrics-test'));
    }
  });

  it('answers /health/live and /health/ready without an operator, and lists them in the OpenAPI document', async () => {
    expect(await call('GET', '/health/live')).toMatchObject({ status: 200, body: { status: 'ok' } });
    const ready = await call('GET', '/health/ready');
    expect(ready).toMatchObject({
      status: 200,
      body: {
        status: 'ready',
        down: [],
        checks: { database: { up: true }, temporal: { up: true }, worker: { up: true } },
      },
    });
    const openapi = (await call('GET', '/docs/json')).body;
    for (const route of ['/metrics', '/health/live', '/health/ready'])
      expect(openapi.paths, route).toHaveProperty(route);
  });

  it('folds the statistics one folder at a time: a fold while another holds the lock skips and leaves the deltas', async () => {
    const deltas = async () => (await desk.db.select({ n: count() }).from(processStatDeltas))[0]!.n;
    await foldProcessStatDeltas(desk.db);
    await call('POST', '/tickets', {
      body: { subject: 'Счёт', description: 'Ещё счёт', client: { email: secretEmail } },
    });
    const waiting = await deltas();
    expect(waiting).toBeGreaterThan(0);

    // Another process (its own connection) folding right now.
    const other = postgres(inject('databaseUrl'), { max: 1, onnotice: () => {} });
    try {
      await other.begin(async (tx) => {
        await tx`select pg_advisory_xact_lock(hashtext('fold_process_stat_deltas'))`;
        expect(await foldProcessStatDeltas(desk.db)).toBe(0);
        expect(await deltas()).toBe(waiting);
      });
    } finally {
      await other.end();
    }
    expect(await foldProcessStatDeltas(desk.db)).toBe(waiting);
    expect(await deltas()).toBe(0);
  });

  it('is not ready once its worker has stopped, and names it', async () => {
    desk.worker!.shutdown();
    await expect.poll(() => desk.worker!.getState(), { timeout: 30_000 }).toMatch(/STOPPED|DRAINED|FAILED/);
    const ready = await call('GET', '/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({
      status: 'unavailable',
      down: ['worker'],
      checks: { database: { up: true }, temporal: { up: true }, worker: { up: false } },
    });
    expect(ready.body.checks.worker.error).toMatch(/the worker is /);
  }, 60_000);
});
