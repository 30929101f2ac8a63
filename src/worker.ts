import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { NativeConnection, Runtime, Worker, bundleWorkflowCode, type WorkerOptions } from '@temporalio/worker';
import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import type { Logger } from 'pino';
import type { TicketActivities } from '../activities';
import { defaultDeskMemoryMiB } from './config';

/** Temporal's own log lines (workflow `log`, worker internals) go to our pino logger. */
class PinoTemporalLogger implements TemporalLogger {
  constructor(private readonly logger: Logger) {}
  log(level: LogLevel, message: string, meta?: LogMetadata) {
    const method = level.toLowerCase() as 'trace' | 'debug' | 'info' | 'warn' | 'error';
    this.logger[method]({ ...meta }, message);
  }
  trace = (message: string, meta?: LogMetadata) => this.log('TRACE', message, meta);
  debug = (message: string, meta?: LogMetadata) => this.log('DEBUG', message, meta);
  info = (message: string, meta?: LogMetadata) => this.log('INFO', message, meta);
  warn = (message: string, meta?: LogMetadata) => this.log('WARN', message, meta);
  error = (message: string, meta?: LogMetadata) => this.log('ERROR', message, meta);
}

let runtimeInstalled = false;
let sdkMetricsAddress: string | undefined;

/**
 * Must run before the first connection; later calls (tests building several workers) are no-ops.
 * With `metricsAddress` (host:port) the SDK serves its own worker metrics there in Prometheus
 * format. Returns the address the installed runtime serves them on, if any.
 */
export function installTemporalRuntime(logger: Logger, metricsAddress?: string): string | undefined {
  if (runtimeInstalled) return sdkMetricsAddress;
  Runtime.install({
    logger: new PinoTemporalLogger(logger.child({ component: 'temporal' })),
    // No shutdownSignals: the process decides when to stop, and stops the worker itself.
    shutdownSignals: [],
    ...(metricsAddress && {
      telemetryOptions: { metrics: { prometheus: { bindAddress: metricsAddress, countersTotalSuffix: true } } },
    }),
  });
  runtimeInstalled = true;
  sdkMetricsAddress = metricsAddress;
  return sdkMetricsAddress;
}

export type WorkerTuning = Partial<
  Pick<
    WorkerOptions,
    | 'maxConcurrentWorkflowTaskExecutions'
    | 'maxConcurrentActivityTaskExecutions'
    | 'maxConcurrentLocalActivityExecutions'
    | 'maxCachedWorkflows'
  >
>;

/**
 * How many workflows the worker keeps cached within a memory budget for the whole desk process
 * (DESK_MEMORY_MIB). Measured with `npm run bench -- open --open 3000 --cache N` (2026-12-04, 2
 * cores, workflows bundled apart, MALLOC_ARENA_MAX=2): RSS after GC 425 MiB at 100 cached and 538
 * at 400, peak 480 and 702 — ~0.4 MiB a cached workflow after GC, ~0.75 at the peak, on a base near
 * 400 MiB (heaps, the engine's core, the code). The peak's slope is used, so the budget holds the peak.
 */
export function workflowCacheFor(budgetMiB: number): number {
  const baseMiB = 400;
  const perWorkflowMiB = 0.75;
  return Math.min(5000, Math.max(20, Math.floor((budgetMiB - baseMiB) / perWorkflowMiB)));
}

/**
 * The product worker's tuning, also given to the benchmark's bare-workflow worker so the
 * floor is measured with the same options. Open tickets wait for days, so most of them are
 * idle: a bounded cache keeps the worker's memory flat however many wait (the SDK's default
 * grows with the heap limit, ~2,300 here, and the desk process levelled off near 800 MiB; at
 * 1,000 cached it was 1,108 MiB after GC with 3,000 open); a ticket outside it is replayed from
 * its short history when an operator acts on it. Sized from DESK_MEMORY_MIB's default here;
 * `npm start` sizes it from the configured budget.
 */
export const ticketWorkerTuning: WorkerTuning = { maxCachedWorkflows: workflowCacheFor(defaultDeskMemoryMiB) };

export interface TicketWorkerOptions {
  address: string;
  namespace: string;
  taskQueue: string;
  activities: TicketActivities;
  /** A pre-built bundle (tests, benchmarks); otherwise workflows/ is bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  tuning?: WorkerTuning;
  /** Tracing's worker side (src/infra/tracing.ts): its activity interceptors and the workflows' span sink; the workflows are then bundled with its workflow interceptors. */
  tracing?: Pick<WorkerOptions, 'interceptors' | 'sinks'>;
}

/** Workflow sources; the SDK's bundler compiles the TypeScript itself. */
export const workflowsPath = path.join(__dirname, '..', 'workflows', 'index.ts');

/** OpenTelemetry's workflow interceptors, bundled when tracing is on: resolved only, so a desk without tracing never loads them. */
const workflowTracingModule = require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error };

/** Bundles workflows/ once; webpack's report stays out of the service's log. */
export async function bundleTicketWorkflows(options: { tracing?: boolean } = {}): Promise<{ code: string }> {
  return bundleWorkflowCode({
    workflowsPath,
    logger: quiet,
    workflowInterceptorModules: options.tracing ? [workflowTracingModule] : undefined,
  });
}

const bundlerScript = path.join(__dirname, 'bundle-workflows.ts');

/**
 * Bundles workflows/ in a child process and returns the code: webpack's compilation (~130 MiB
 * of RSS and ~20 MiB of heap it keeps, measured in this process) never enters the desk's.
 */
export async function bundleTicketWorkflowsApart(options: { tracing?: boolean } = {}): Promise<{ code: string }> {
  try {
    const args = ['--import', 'tsx', bundlerScript, ...(options.tracing ? ['--tracing'] : [])];
    const { stdout } = await promisify(execFile)(process.execPath, args, {
      cwd: path.join(__dirname, '..'),
      maxBuffer: 256 * 2 ** 20,
      encoding: 'utf8',
    });
    return { code: stdout };
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`bundling the workflows (${bundlerScript}) failed${stderr ? `: ${stderr}` : ''}`, {
      cause: error,
    });
  }
}

export async function createTicketWorker(
  options: TicketWorkerOptions,
): Promise<{ worker: Worker; connection: NativeConnection }> {
  const connection = await NativeConnection.connect({ address: options.address });
  const worker = await Worker.create({
    connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    workflowBundle: options.workflowBundle ?? (await bundleTicketWorkflowsApart({ tracing: Boolean(options.tracing) })),
    ...ticketWorkerTuning,
    ...options.tuning,
    ...options.tracing,
  });
  return { worker, connection };
}
