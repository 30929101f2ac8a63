import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { RoleProcess } from '../../chaos/rig';
import { startDesk } from '../../src/desk';
import { sleep } from '../../src/infra/processes';
import { freePort } from '../../src/infra/temporal-server';
import type { BenchEnvironment } from '../env';
import type { BenchOptions } from '../options';
import { measureIntake, type IntakeMeasure } from './throughput';
import { round, type FloorResult } from './floor';

/** Worker processes in each phase; one is added between phases, the first keeps running. */
export const scaleoutWorkers = [1, 2] as const;
const READY_TIMEOUT_MS = 180_000;

export interface ScaleoutPhase extends IntakeMeasure {
  workers: number;
  /** os.loadavg() when the timed part started and ended, and the highest 1-minute figure sampled each second between. */
  loadAverage: { start: number[]; end: number[]; max1m: number };
  /** Workflow tasks each worker process ran during the phase (the SDK's metrics): the load was shared. */
  workflowTasksByWorker: number[];
}

export interface ScaleoutResult {
  n: number;
  inFlight: number;
  temporal: string;
  taskQueue: string;
  phases: ScaleoutPhase[];
  /** Tickets/s with 2 worker processes ÷ with 1. */
  ratio: number | null;
  floorPerSecond: number | null;
}

/**
 * The throughput scenario's load against an API-only desk in this process, its tickets run by
 * 1, then 2 worker processes (`src/main.ts --role worker`) on a task queue of their own, on
 * the run's Temporal server (TEMPORAL_ADDRESS: the dev server or the Temporal server on PostgreSQL).
 */
export async function runScaleout(
  env: BenchEnvironment,
  options: BenchOptions,
  floor: FloorResult | undefined,
): Promise<ScaleoutResult> {
  const taskQueue = `bench-scaleout-${env.runId}`;
  const dir = path.join(env.dataDir, 'scaleout');
  fs.mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const api = await startDesk({
    role: 'api',
    databaseUrl: env.databaseUrl,
    temporalAddress: env.temporal.address,
    namespace: env.temporal.namespace,
    taskQueue,
    logger: pino({ level: 'info' }, pino.destination({ dest: path.join(dir, 'api.log'), mkdir: true, sync: false })),
    publicUrl: baseUrl,
    mailFrom: 'Service Desk <desk@bench.local>',
    mailDropDir: path.join(dir, 'mail'),
    surveyTimeoutMs: 7 * 86_400_000,
    intakeWaitMs: 10_000,
    seedDemo: true,
  });
  const workers: RoleProcess[] = [];
  const workerEnv = {
    DATABASE_URL: env.databaseUrl,
    TEMPORAL_ADDRESS: env.temporal.address,
    TEMPORAL_NAMESPACE: env.temporal.namespace,
    TEMPORAL_TASK_QUEUE: taskQueue,
    DATA_DIR: dir,
    LOG_LEVEL: 'warn',
    // As the bench's own desk: the rules classify, no model is trained at start.
    STARTING_CORPUS: 'off',
  };
  const phases: ScaleoutPhase[] = [];
  try {
    await api.app.listen({ host: '127.0.0.1', port });
    for (const count of scaleoutWorkers) {
      while (workers.length < count) {
        const worker = new RoleProcess(
          'worker',
          await freePort(),
          workerEnv,
          path.join(dir, `worker-${workers.length + 1}.log`),
        );
        workers.push(worker);
        worker.start();
      }
      await allReady(workers);
      const tasksBefore = await Promise.all(workers.map(workflowTasksRun));
      const load = loadSampler();
      const intake = await measureIntake(env, baseUrl, options, `scaleout, ${count} worker(s)`, 20 + count);
      const loadAverage = load.stop();
      const tasksAfter = await Promise.all(workers.map(workflowTasksRun));
      const exits = workers.flatMap((w) => w.unplannedExits);
      if (exits.length > 0) throw new Error(`a worker process exited during the run:\n${exits[0]!.tail}`);
      phases.push({
        workers: count,
        ...intake,
        loadAverage,
        workflowTasksByWorker: tasksAfter.map((after, i) => after - tasksBefore[i]!),
      });
    }
  } finally {
    await api.stop();
    await Promise.all(workers.map((w) => w.stop()));
  }
  const [one, two] = phases;
  return {
    n: options.n,
    inFlight: options.inFlight,
    temporal: env.facts.temporal.how,
    taskQueue,
    phases,
    ratio: one && two && one.perSecond > 0 ? round(two.perSecond / one.perSecond, 3) : null,
    floorPerSecond: floor?.shapes.threeLocalActivitiesWorkflow?.perSecond ?? null,
  };
}

async function allReady(workers: RoleProcess[]): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (const worker of workers) {
    while (!(await worker.ready())) {
      const exit = worker.unplannedExits[0];
      if (exit) throw new Error(`a worker process exited at start:\n${exit.tail}`);
      if (Date.now() > deadline) throw new Error(`a worker process was not ready within ${READY_TIMEOUT_MS / 1000} s`);
      await sleep(500);
    }
  }
}

/** Workflow tasks this process has run, from the SDK's metrics it appends to /metrics. */
async function workflowTasksRun(worker: RoleProcess): Promise<number> {
  const text = await (await fetch(`${worker.url}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('temporal_workflow_task_execution_latency_count'))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

function loadSampler() {
  const start = loadNow();
  let max1m = start[0]!;
  const timer = setInterval(() => (max1m = Math.max(max1m, loadNow()[0]!)), 1_000);
  return {
    stop() {
      clearInterval(timer);
      const end = loadNow();
      return { start, end, max1m: Math.max(max1m, end[0]!) };
    },
  };
}

const loadNow = () => os.loadavg().map((x) => round(x, 2));
