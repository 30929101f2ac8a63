import { startBenchEnvironment, type BenchEnvironment, type BenchInfraOptions } from './env';
import type { BenchOptions, ScenarioName } from './options';
import { runAuth, type AuthResult } from './scenarios/auth';
import { runChannels, type ChannelsResult } from './scenarios/channels';
import { runFigures, type FiguresResult } from './scenarios/figures';
import { runFloor, startFloorRig, type FloorResult, type FloorRig } from './scenarios/floor';
import { runHistory, type HistoryResult } from './scenarios/history';
import { runLatency, type LatencyResult } from './scenarios/latency';
import { runListing, type ListingResult } from './scenarios/listing';
import { runOpen, type OpenResult } from './scenarios/open';
import { runPairs, type PairsResult } from './scenarios/pairs';
import { runScaleout, type ScaleoutResult } from './scenarios/scaleout';
import { runThroughput, type ThroughputResult } from './scenarios/throughput';
import { evaluateTargets, type TargetCheck } from './targets';

export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  scenarios: ScenarioName[];
  options: BenchOptions;
  environment: BenchEnvironment['facts'];
  results: {
    floor?: FloorResult;
    throughput?: ThroughputResult;
    pairs?: PairsResult;
    latency?: LatencyResult;
    history?: HistoryResult;
    open?: OpenResult;
    listing?: ListingResult;
    figures?: FiguresResult;
    auth?: AuthResult;
    channels?: ChannelsResult;
    scaleout?: ScaleoutResult;
  };
  targets: TargetCheck[];
}

/** Starts the desk and what it needs, runs the scenarios in order, and stops everything. */
export async function runBench(
  scenarios: ScenarioName[],
  options: BenchOptions,
  infra: BenchInfraOptions,
): Promise<BenchReport> {
  const startedAt = new Date().toISOString();
  const env = await startBenchEnvironment(infra);
  const results: BenchReport['results'] = {};
  let rig: FloorRig | undefined;
  const floorRig = async () => (rig ??= await startFloorRig(env));
  try {
    for (const scenario of scenarios) {
      infra.log(`— ${scenario}`);
      switch (scenario) {
        case 'floor':
          results.floor = await runFloor(env, await floorRig(), options);
          break;
        case 'throughput':
          // The ratio needs the floor of this very run: measure its ticket-like shape if it was not asked for.
          results.floor ??= await runFloor(env, await floorRig(), options, ['threeLocalActivitiesWorkflow']);
          results.throughput = await runThroughput(env, options, results.floor);
          break;
        case 'pairs':
          results.pairs = await runPairs(env, options);
          break;
        case 'latency':
          results.latency = await runLatency(env, await floorRig(), options);
          break;
        case 'history':
          results.history = await runHistory(env);
          break;
        case 'open':
          results.open = await runOpen(env, options);
          break;
        case 'listing':
          results.listing = await runListing(env, options);
          break;
        case 'figures':
          results.figures = await runFigures(env, options);
          break;
        case 'auth':
          results.auth = await runAuth(env, options);
          break;
        case 'channels':
          results.channels = await runChannels(env, options);
          break;
        case 'scaleout':
          // The floor beside it, if cheap: its ticket-like shape on the in-process floor worker (one worker).
          results.floor ??= await runFloor(env, await floorRig(), options, ['threeLocalActivitiesWorkflow']);
          results.scaleout = await runScaleout(env, options, results.floor);
          break;
      }
    }
  } finally {
    await rig?.stop();
    await env.stop();
  }
  return {
    startedAt,
    finishedAt: new Date().toISOString(),
    scenarios,
    options,
    environment: env.facts,
    results,
    targets: evaluateTargets(results, options),
  };
}
