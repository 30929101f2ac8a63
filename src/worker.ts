import path from 'node:path';
import { NativeConnection, Runtime, Worker, bundleWorkflowCode, type WorkerOptions } from '@temporalio/worker';
import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import type { Logger } from 'pino';
import type { TicketActivities } from '../activities';

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
 * The product worker's tuning, also given to the benchmark's bare-workflow worker so the
 * floor is measured with the same options. Open tickets wait for days, so most of them are
 * idle: a bounded cache keeps the worker's memory flat however many wait (the SDK's default
 * grows with the heap limit, ~2,300 here, and the desk process levelled off near 800 MiB);
 * a ticket outside it is replayed from its short history when an operator acts on it.
 */
export const ticketWorkerTuning: WorkerTuning = { maxCachedWorkflows: 1000 };

export interface TicketWorkerOptions {
  address: string;
  namespace: string;
  taskQueue: string;
  activities: TicketActivities;
  /** A pre-built bundle (tests, benchmarks); otherwise workflows/ is bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  tuning?: WorkerTuning;
}

/** Workflow sources; the SDK's bundler compiles the TypeScript itself. */
export const workflowsPath = path.join(__dirname, '..', 'workflows', 'index.ts');

const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error };

/** Bundles workflows/ once; webpack's report stays out of the service's log. */
export async function bundleTicketWorkflows(): Promise<{ code: string }> {
  return bundleWorkflowCode({ workflowsPath, logger: quiet });
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
    workflowBundle: options.workflowBundle ?? (await bundleTicketWorkflows()),
    ...ticketWorkerTuning,
    ...options.tuning,
  });
  return { worker, connection };
}
