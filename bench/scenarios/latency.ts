import type { BenchEnvironment } from '../env';
import { ticketGenerator } from '../generator';
import { callApi, Outcomes } from '../http';
import type { BenchOptions } from '../options';
import { runClosedLoop, summarize, type LatencySummary } from '../stats';
import { round } from './floor';

export interface LatencyAtRate {
  rate: number;
  seconds: number;
  sent: number;
  /** Answered 201 (queued) per second, over the whole phase. */
  achievedPerSecond: number;
  outcomes: ReturnType<Outcomes['toJSON']>;
  /** From each request's scheduled instant to its 201 (register → queued). */
  latencyMs: LatencySummary;
}

export interface LatencyResult {
  rates: LatencyAtRate[];
}

/**
 * Open loop: request i is sent at start + i/rate whatever happened to the others, and its
 * latency counts from that instant, so a slow desk cannot hide its queueing (no coordinated omission).
 */
export async function runLatency(env: BenchEnvironment, options: BenchOptions): Promise<LatencyResult> {
  const rates: LatencyAtRate[] = [];
  const next = ticketGenerator(options.seed, 2);
  // Steady state is what is measured: the worker's first tickets pay for caches and JIT.
  await runClosedLoop(options.warmup, Math.min(options.inFlight, 10), async () => {
    await callApi(env.baseUrl, 'POST', '/tickets', { body: next() });
  });
  for (const rate of options.rates) {
    const total = Math.max(1, Math.round(rate * options.durationS));
    const outcomes = new Outcomes();
    const latencies: number[] = [];
    const progress = env.progress(`latency ${rate}/s`, total);
    const start = performance.now() + 50;
    const requests = Array.from({ length: total }, (_, i) => {
      const scheduled = start + (i * 1000) / rate;
      const body = next();
      return new Promise<void>((resolve) => {
        setTimeout(async () => {
          try {
            const { status, body: answer } = await callApi(env.baseUrl, 'POST', '/tickets', { body });
            outcomes.record(status, answer);
            if (status === 201) latencies.push(performance.now() - scheduled);
          } catch (error) {
            outcomes.record('error', error);
          }
          progress.tick();
          resolve();
        }, Math.max(0, scheduled - performance.now()));
      });
    });
    await Promise.all(requests);
    progress.done();
    const seconds = (performance.now() - start) / 1000;
    rates.push({ rate, seconds: round(seconds), sent: total, achievedPerSecond: round(outcomes.count(201) / seconds), outcomes: outcomes.toJSON(), latencyMs: summarize(latencies) });
  }
  return { rates };
}
