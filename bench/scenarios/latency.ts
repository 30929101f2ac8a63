import type { BenchEnvironment } from '../env';
import { ticketGenerator } from '../generator';
import { callApi, Outcomes } from '../http';
import type { BenchOptions } from '../options';
import { runClosedLoop, runOpenLoop, summarize, type LatencySummary } from '../stats';
import { round, type FloorRig } from './floor';

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
    const floorProgress = env.progress(`latency floor ${rate}/s`, total);
    const floor = await runOpenLoop(
      rate,
      total,
      (i) =>
        rig.execute('threeLocalActivitiesWorkflow', `latency-${rate}-${i}`).then(
          () => true,
          () => false,
        ),
      () => floorProgress.tick(),
    );
    floorProgress.done();

    const outcomes = new Outcomes();
    const bodies = Array.from({ length: total }, next);
    const progress = env.progress(`latency ${rate}/s`, total);
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
    progress.done();
    rates.push({
      rate,
      seconds: round(desk.seconds),
      sent: total,
      achievedPerSecond: round(outcomes.count(201) / desk.seconds),
      outcomes: outcomes.toJSON(),
      latencyMs: summarize(desk.latencies),
      floorLatencyMs: summarize(floor.latencies),
    });
  }
  return { rates };
}
