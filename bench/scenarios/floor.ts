import path from 'node:path';
import { NativeConnection, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { ticketWorkerTuning } from '../../src/worker';
import { describeWorkerOptions, type BenchEnvironment } from '../env';
import { createFloorActivities } from '../floor-activities';
import type { BenchOptions } from '../options';
import { elapsedMs, runClosedLoop, summarize, type LatencySummary } from '../stats';

export const floorShapes = ['emptyWorkflow', 'threeActivitiesWorkflow', 'threeLocalActivitiesWorkflow'] as const;
export type FloorShape = (typeof floorShapes)[number];

export interface FloorShapeResult {
  n: number;
  seconds: number;
  perSecond: number;
  /** Start → result of one workflow. */
  latencyMs: LatencySummary;
}

export interface FloorResult {
  inFlight: number;
  taskQueue: string;
  worker: Record<string, unknown>;
  shapes: Partial<Record<FloorShape, FloorShapeResult>>;
}

/** A worker for the bare workflows, running beside the desk's for the whole run. */
export interface FloorRig {
  taskQueue: string;
  worker: Record<string, unknown>;
  /** Starts one bare workflow and waits for its result. */
  execute(shape: FloorShape, id: string): Promise<unknown>;
  stop(): Promise<void>;
}

const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error };

/** Same server, the product's worker tuning, a task queue of its own (`name` tells rigs of one run apart). */
export async function startFloorRig(env: BenchEnvironment, name = ''): Promise<FloorRig> {
  const taskQueue = `bench-floor-${env.runId}${name}`;
  const { code } = await bundleWorkflowCode({
    workflowsPath: path.join(__dirname, '..', 'workflows', 'index.ts'),
    logger: quiet,
  });
  const connection = await NativeConnection.connect({ address: env.temporal.address });
  const worker = await Worker.create({
    connection,
    namespace: env.temporal.namespace,
    taskQueue,
    workflowBundle: { code },
    activities: createFloorActivities(),
    ...ticketWorkerTuning,
  });
  const running = worker.run();
  return {
    taskQueue,
    worker: describeWorkerOptions(worker.options),
    execute: (shape, id) =>
      env.desk.temporal.workflow.execute(shape, { taskQueue, workflowId: `${taskQueue}-${shape}-${id}` }),
    async stop() {
      worker.shutdown();
      await running;
      await connection.close();
    },
  };
}

/** The most this machine's Temporal can do with bare workflows, measured in the same run as the desk. */
export async function runFloor(
  env: BenchEnvironment,
  rig: FloorRig,
  options: BenchOptions,
  shapes: readonly FloorShape[] = floorShapes,
): Promise<FloorResult> {
  const result: FloorResult = { inFlight: options.inFlight, taskQueue: rig.taskQueue, worker: rig.worker, shapes: {} };
  for (const shape of shapes) {
    await runClosedLoop(options.warmup, options.inFlight, (i) =>
      rig.execute(shape, `warmup-${i}`).then(() => undefined),
    );
    const progress = env.progress(`floor ${shape.replace('Workflow', '')}`, options.n);
    const latencies: number[] = [];
    const started = process.hrtime.bigint();
    await runClosedLoop(options.n, options.inFlight, async (i) => {
      const t = process.hrtime.bigint();
      await rig.execute(shape, String(i));
      latencies.push(elapsedMs(t));
      progress.tick();
    });
    const seconds = elapsedMs(started) / 1000;
    progress.done();
    result.shapes[shape] = {
      n: options.n,
      seconds: round(seconds),
      perSecond: round(options.n / seconds),
      latencyMs: summarize(latencies),
    };
  }
  return result;
}

export const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
