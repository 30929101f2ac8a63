/** Latency figures in milliseconds, nearest-rank percentiles. */
export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(samples: number[]): LatencySummary {
  if (samples.length === 0)
    return { count: 0, p50: Number.NaN, p90: Number.NaN, p99: Number.NaN, max: Number.NaN, mean: Number.NaN };
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    count: sorted.length,
    p50: round(at(0.5)),
    p90: round(at(0.9)),
    p99: round(at(0.99)),
    max: round(sorted[sorted.length - 1]!),
    mean: round(sorted.reduce((sum, x) => sum + x, 0) / sorted.length),
  };
}

/** Runs `task(i)` for i in [0, n) with at most `inFlight` at once (closed loop). */
export async function runClosedLoop(n: number, inFlight: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < n) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, n) }, lane));
}

export const elapsedMs = (startedAt: bigint) => Number(process.hrtime.bigint() - startedAt) / 1e6;

/**
 * Open loop: call i is made at start + i/rate whatever happened to the others, and its latency
 * counts from that instant, so a slow system cannot hide its queueing (no coordinated omission).
 * `call` resolves true when the call succeeded; only successes are timed.
 */
export async function runOpenLoop(
  rate: number,
  total: number,
  call: (i: number) => Promise<boolean>,
  onDone: () => void = () => {},
): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = [];
  const start = performance.now() + 50;
  await Promise.all(
    Array.from({ length: total }, (_, i) => {
      const scheduled = start + (i * 1000) / rate;
      return new Promise<void>((resolve) => {
        setTimeout(
          async () => {
            if (await call(i)) latencies.push(performance.now() - scheduled);
            onDone();
            resolve();
          },
          Math.max(0, scheduled - performance.now()),
        );
      });
    }),
  );
  return { latencies, seconds: (performance.now() - start) / 1000 };
}
