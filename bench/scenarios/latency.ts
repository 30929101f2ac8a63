import type { BenchEnvironment } from '../env';
import { meterPhase, type PhaseCost } from '../meter';
import { ticketGenerator } from '../generator';
import { callApi, Outcomes } from '../http';
import type { BenchOptions } from '../options';
import { runClosedLoop, runOpenLoop, summarize, type LatencySummary } from '../stats';
import { round, type FloorRig } from './floor';
import { spread, type Spread } from './pairs';

/** One interleaved round at a rate: bare workflows, then tickets, back to back. */
export interface LatencyRound {
  floorLatencyMs: LatencySummary;
  latencyMs: LatencySummary;
  /** Our p99 ÷ the floor's p99 in this round. */
  p99Ratio: number;
  /** Our p50 − the floor's p50, ms. */
  p50AddedMs: number;
  floor: PhaseCost;
  tickets: PhaseCost;
}

export interface LatencyAtRate {
  rate: number;
  seconds: number;
  sent: number;
  /** Answered 201 (queued) per second, over the whole phase. */
  achievedPerSecond: number;
  outcomes: ReturnType<Outcomes['toJSON']>;
  /** From each request's scheduled instant to its 201 (register → queued). */
  latencyMs: LatencySummary;
  /** Bare three-local-activity workflows at the same rate just before: the engine's own share. */
  floorLatencyMs: LatencySummary;
  /** Each interleaved round (`--latency-pairs`); the summaries above pool every round's samples. */
  rounds: LatencyRound[];
  p99Ratio: Spread;
  p50AddedMs: Spread;
}

export interface LatencyResult {
  rates: LatencyAtRate[];
}

/** Tickets at fixed arrival rates, each rate beside bare workflows arriving at the same rate. */
export async function runLatency(env: BenchEnvironment, rig: FloorRig, options: BenchOptions): Promise<LatencyResult> {
  const rates: LatencyAtRate[] = [];
  const next = ticketGenerator(options.seed, 2);
  // Steady state is what is measured: the worker's first tickets pay for caches and JIT.
  await runClosedLoop(options.warmup, Math.min(options.inFlight, 10), async () => {
    await callApi(env.baseUrl, 'POST', '/tickets', { body: next() });
  });
  for (const rate of options.rates) {
    const total = Math.max(1, Math.round(rate * options.durationS));
    const rounds: LatencyRound[] = [];
    const pooled = { floor: [] as number[], desk: [] as number[] };
    const outcomes = new Outcomes();
    let seconds = 0;
    for (let pair = 1; pair <= options.latencyPairs; pair++) {
      const floorProgress = env.progress(`latency floor ${rate}/s`, total);
      const floorStop = await meterPhase(env);
      const floor = await runOpenLoop(
        rate,
        total,
        (i) =>
          rig.execute('threeLocalActivitiesWorkflow', `latency-${rate}-${pair}-${i}`).then(
            () => true,
            () => false,
          ),
        () => floorProgress.tick(),
      );
      const floorCost = await floorStop();
      floorProgress.done();

      const bodies = Array.from({ length: total }, next);
      const progress = env.progress(`latency ${rate}/s`, total);
      const deskStop = await meterPhase(env);
      const desk = await runOpenLoop(
        rate,
        total,
        async (i) => {
          try {
            const { status, body } = await callApi(env.baseUrl, 'POST', '/tickets', { body: bodies[i] });
            outcomes.record(status, body);
            return status === 201;
          } catch (error) {
            outcomes.record('error', error);
            return false;
          }
        },
        () => progress.tick(),
      );
      const deskCost = await deskStop();
      progress.done();
      seconds += desk.seconds;
      pooled.floor.push(...floor.latencies);
      pooled.desk.push(...desk.latencies);
      const floorLatencyMs = summarize(floor.latencies);
      const latencyMs = summarize(desk.latencies);
      rounds.push({
        floorLatencyMs,
        latencyMs,
        p99Ratio: round(latencyMs.p99 / floorLatencyMs.p99, 3),
        p50AddedMs: round(latencyMs.p50 - floorLatencyMs.p50, 1),
        floor: floorCost,
        tickets: deskCost,
      });
    }
    rates.push({
      rate,
      seconds: round(seconds),
      sent: total * options.latencyPairs,
      achievedPerSecond: round(outcomes.count(201) / seconds),
      outcomes: outcomes.toJSON(),
      latencyMs: summarize(pooled.desk),
      floorLatencyMs: summarize(pooled.floor),
      rounds,
      p99Ratio: spread(rounds.map((r) => r.p99Ratio)),
      p50AddedMs: spread(rounds.map((r) => r.p50AddedMs)),
    });
  }
  return { rates };
}
