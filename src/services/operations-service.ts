import type { Connection } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Database } from '../db/client';
import { countSlaAlerts, countTicketsByStage, outboxBacklog, pingDatabase } from '../repositories/operations';

export interface OperationsDependencies {
  db: Database;
  /** The process's Temporal client connection: readiness asks the server through it. */
  temporal: Connection;
  /** The worker this process runs, if it runs one. */
  worker?: Pick<Worker, 'getState'>;
  /** host:port of the Temporal SDK's own Prometheus exporter in this process, when installed. */
  temporalMetricsAddress?: string;
  /** postgres.js's pool size (it does not tell how many connections are in use). */
  databasePoolMax: number;
  /** How long a readiness check waits for an answer. */
  checkTimeoutMs?: number;
}

export type Check = 'database' | 'temporal' | 'worker';
export interface Readiness {
  ready: boolean;
  checks: Partial<Record<Check, { up: boolean; error?: string }>>;
  down: Check[];
}

/** Metrics for a scraper (counts and ages, never ticket contents) and the health checks. */
export function createOperationsService(deps: OperationsDependencies) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'desk_' });
  const httpLabels = ['method', 'route', 'status'] as const;
  const httpRequests = new Counter({
    name: 'desk_http_requests_total',
    help: 'HTTP requests answered, by route pattern and status',
    labelNames: httpLabels,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'desk_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by route pattern and status',
    labelNames: httpLabels,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const ticketsFiled = new Counter({
    name: 'desk_tickets_filed_total',
    help: 'Tickets filed through POST /tickets in this process, by answer (201 queued, 202 still registering)',
    labelNames: ['answer'],
    registers: [registry],
  });
  const ticketsByStage = new Gauge({
    name: 'desk_tickets',
    help: 'Tickets by stage, read from the database at scrape time',
    labelNames: ['stage'],
    registers: [registry],
  });
  const slaWarnings = new Gauge({
    name: 'desk_sla_warnings_recorded',
    help: 'SLA warnings on record (one per ticket target), from ticket_events at scrape time; use rate() or increase()',
    registers: [registry],
  });
  const slaBreaches = new Gauge({
    name: 'desk_sla_breaches_recorded',
    help: 'SLA breaches on record (one per ticket target), from ticket_events at scrape time; use rate() or increase()',
    registers: [registry],
  });
  const outboxUnsent = new Gauge({
    name: 'desk_outbox_unsent_messages',
    help: 'Outbox messages not sent yet, per channel',
    labelNames: ['channel'],
    registers: [registry],
  });
  const outboxOldest = new Gauge({
    name: 'desk_outbox_oldest_unsent_age_seconds',
    help: 'Age of the oldest outbox message not sent yet, per channel',
    labelNames: ['channel'],
    registers: [registry],
  });
  const poolMax = new Gauge({
    name: 'desk_db_pool_max_connections',
    help: 'Size of this process’s PostgreSQL pool (postgres.js does not expose how many are in use)',
    registers: [registry],
  });
  poolMax.set(deps.databasePoolMax);
  const databaseRead = new Gauge({
    name: 'desk_metrics_database_read_ok',
    help: '1 when this scrape read the database figures, 0 when the database did not answer (they are absent)',
    registers: [registry],
  });
  const sdkUp = new Gauge({
    name: 'desk_temporal_sdk_metrics_up',
    help: '1 when the Temporal SDK’s worker metrics (temporal_*) were read for this scrape; absent in a process without a worker',
    registers: [registry],
  });
  const timerLag = new Histogram({
    name: 'desk_sla_timer_lag_seconds',
    help: 'How late an SLA alarm (warning, breach, escalation) fired after the instant it was due, in this worker',
    labelNames: ['alarm'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  const timeoutMs = deps.checkTimeoutMs ?? 2_000;

  async function readDatabaseFigures() {
    const [stages, backlog, sla] = await within(
      timeoutMs,
      Promise.all([countTicketsByStage(deps.db), outboxBacklog(deps.db), countSlaAlerts(deps.db)]),
    );
    ticketsByStage.reset();
    for (const row of stages) ticketsByStage.set({ stage: row.stage }, row.tickets);
    outboxUnsent.reset();
    outboxOldest.reset();
    for (const row of backlog) {
      outboxUnsent.set({ channel: row.channel }, row.unsent);
      if (row.oldestAgeSeconds !== null) outboxOldest.set({ channel: row.channel }, row.oldestAgeSeconds);
    }
    slaWarnings.set(sla.warnings);
    slaBreaches.set(sla.breaches);
  }

  /** The SDK serves its metrics on a loopback port of its own; they are appended so one target covers the process. */
  async function readTemporalSdkMetrics(): Promise<string> {
    if (!deps.temporalMetricsAddress) return '';
    try {
      const answer = await fetch(`http://${deps.temporalMetricsAddress}/metrics`, {
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!answer.ok) throw new Error(`status ${answer.status}`);
      const text = await answer.text();
      sdkUp.set(1);
      return text.endsWith('\n') ? text : `${text}\n`;
    } catch {
      sdkUp.set(0);
      return '';
    }
  }

  return {
    contentType: registry.contentType,

    observeTimerLag(alarm: 'warning' | 'breach' | 'escalation', seconds: number) {
      timerLag.observe({ alarm }, seconds);
    },

    observeRequest(request: { method: string; route?: string; status: number; seconds: number }) {
      const labels = { method: request.method, route: request.route ?? '(no route)', status: String(request.status) };
      httpRequests.inc(labels);
      httpDuration.observe(labels, request.seconds);
      if (request.method === 'POST' && request.route === '/tickets' && [201, 202].includes(request.status))
        ticketsFiled.inc({ answer: String(request.status) });
    },

    async metrics(): Promise<string> {
      try {
        await readDatabaseFigures();
        databaseRead.set(1);
      } catch {
        databaseRead.set(0);
        for (const gauge of [ticketsByStage, outboxUnsent, outboxOldest, slaWarnings, slaBreaches]) gauge.reset();
      }
      const sdk = await readTemporalSdkMetrics();
      return (await registry.metrics()) + sdk;
    },

    async readiness(): Promise<Readiness> {
      const checks: Readiness['checks'] = {};
      const run = async (name: Check, probe: () => Promise<void>) => {
        try {
          await within(timeoutMs, probe());
          checks[name] = { up: true };
        } catch (error) {
          checks[name] = { up: false, error: describe(error) };
        }
      };
      await Promise.all([
        run('database', () => pingDatabase(deps.db)),
        run('temporal', async () => {
          await deps.temporal.withDeadline(Date.now() + timeoutMs, () =>
            deps.temporal.workflowService.getSystemInfo({}),
          );
        }),
        ...(deps.worker
          ? [
              run('worker', async () => {
                const state = deps.worker!.getState();
                if (state !== 'RUNNING') throw new Error(`the worker is ${state.toLowerCase()}`);
              }),
            ]
          : []),
      ]);
      const down = (Object.keys(checks) as Check[]).filter((name) => !checks[name]!.up);
      return { ready: down.length === 0, checks, down };
    },
  };
}

export type OperationsService = ReturnType<typeof createOperationsService>;

function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** What failed, without the connection string or any data: a code or a short message. */
function describe(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string') return code;
  return typeof message === 'string' ? message.slice(0, 200) : 'failed';
}
