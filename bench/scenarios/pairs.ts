import os from 'node:os';
import path from 'node:path';
import type { BenchEnvironment } from '../env';
import { meterPhase, type PhaseCost } from '../meter';
import type { BenchOptions } from '../options';
import { round, runFloor, startFloorRig } from './floor';
import { runThroughput } from './throughput';

/** One pair: the floor (three local activities) on a fresh task queue, then the ticket pipeline, back to back. */
export interface ThroughputPair {
  pair: number;
  floorPerSecond: number;
  ticketsPerSecond: number;
  ratio: number;
  /** CPU ms per workflow (floor) and per ticket (ours), over every process that served them. */
  floorCpuMsEach: number;
  ticketCpuMsEach: number;
  floor: PhaseCost;
  tickets: PhaseCost;
  /** The load average was above 1.5× the cores when the pair started (the benchmark alone keeps it near 1×): less to be trusted. */
  underLoad: boolean;
}

export interface PairsResult {
  n: number;
  inFlight: number;
  pairs: ThroughputPair[];
  ratio: Spread;
  /** Our CPU per ticket ÷ the floor's per workflow, per pair. */
  cpuRatio: Spread;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median = sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median: round(median, 3), min: round(sorted[0]!, 3), max: round(sorted[sorted.length - 1]!, 3) };
}

const profileFile = (options: BenchOptions, pair: number, side: string) =>
  options.profileDir ? path.join(options.profileDir, `pair${pair}-${side}.cpuprofile`) : undefined;

/**
 * Throughput that noise cannot fool: floor and pipeline interleaved (floor, ours, floor, ours…),
 * each pair on the same server with a fresh floor task queue, the median ratio and its range.
 */
export async function runPairs(env: BenchEnvironment, options: BenchOptions): Promise<PairsResult> {
  const pairs: ThroughputPair[] = [];
  for (let pair = 1; pair <= options.pairs; pair++) {
    env.log(`pair ${pair}/${options.pairs}`);
    // The benchmark itself keeps the load near the number of cores: past 1.5× that, something else runs too.
    const underLoad = os.loadavg()[0]! > os.cpus().length * 1.5;
    const rig = await startFloorRig(env, `-pair${pair}`);
    const shape = ['threeLocalActivitiesWorkflow'] as const;
    const timed = { ...options, warmup: 0 };
    const warmup = { ...timed, n: options.warmup };
    let floorCost: PhaseCost;
    let floorPerSecond: number;
    try {
      if (options.warmup > 0) await runFloor(env, rig, warmup, shape);
      const stop = await meterPhase(env, profileFile(options, pair, 'floor'));
      const floor = await runFloor(env, rig, timed, shape);
      floorCost = await stop();
      floorPerSecond = floor.shapes.threeLocalActivitiesWorkflow!.perSecond;
    } finally {
      await rig.stop();
    }
    if (options.warmup > 0) await runThroughput(env, warmup, undefined);
    const stop = await meterPhase(env, profileFile(options, pair, 'tickets'));
    const ours = await runThroughput(env, timed, undefined);
    const ticketCost = await stop();
    pairs.push({
      pair,
      floorPerSecond,
      ticketsPerSecond: ours.perSecond,
      ratio: round(ours.perSecond / floorPerSecond, 3),
      floorCpuMsEach: round(floorCost.cpuMs.total / options.n, 1),
      ticketCpuMsEach: round(ticketCost.cpuMs.total / options.n, 1),
      floor: floorCost,
      tickets: ticketCost,
      underLoad,
    });
  }
  return {
    n: options.n,
    inFlight: options.inFlight,
    pairs,
    ratio: spread(pairs.map((p) => p.ratio)),
    cpuRatio: spread(pairs.map((p) => p.ticketCpuMsEach / p.floorCpuMsEach)),
  };
}
