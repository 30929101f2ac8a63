/**
 * Step durations as a histogram in fixed log-scale buckets, and percentiles read from it.
 *
 * Bucket k holds durations in (γ^(k−1), γ^k] ms with γ = (1 + α) / (1 − α), α = 2 %; the zero
 * bucket holds durations of 0. A bucket stands for 2γ^k / (γ + 1), which is within α of every
 * duration in it (at either edge the error is exactly (γ − 1) / (γ + 1) = α).
 *
 * Percentiles interpolate like PostgreSQL's percentile_cont: rank h = 1 + q(n − 1), the value
 * between the ⌊h⌋-th and ⌈h⌉-th durations. Read from the histogram, both of those are replaced by
 * their buckets' values, each within α of the true one; the interpolation is a weighted mean with
 * the same weights, so the percentile too is within α (2 %) of the exact percentile_cont.
 *
 * The SQL twin that puts a duration in its bucket is `process_stat_bucket` (migration
 * 0005_process_visits_summary); it uses the same γ.
 */

export const RELATIVE_ERROR = 0.02;
export const GAMMA = (1 + RELATIVE_ERROR) / (1 - RELATIVE_ERROR);
/** The bucket of a duration of 0 (smallint's minimum in the database). */
export const ZERO_BUCKET = -32768;

/** The bucket of a duration (in JavaScript, for tests; the database buckets with process_stat_bucket). */
export function bucketOf(durationMs: number): number {
  if (durationMs <= 0) return ZERO_BUCKET;
  return Math.max(-32767, Math.min(32767, Math.ceil(Math.log(durationMs) / Math.log(GAMMA))));
}

/** The duration a bucket stands for. */
export function bucketValue(bucket: number): number {
  return bucket === ZERO_BUCKET ? 0 : (2 * GAMMA ** bucket) / (GAMMA + 1);
}

/** Counts of durations per bucket. */
export type DurationHistogram = ReadonlyMap<number, number>;

/**
 * Percentiles (q in [0, 1]) of the durations a histogram holds, as percentile_cont would give
 * them from the buckets' values; null for an empty histogram.
 */
export function histogramPercentiles(histogram: DurationHistogram, qs: readonly number[]): (number | null)[] {
  const buckets = [...histogram.entries()].filter(([, count]) => count > 0).sort(([a], [b]) => a - b);
  const total = buckets.reduce((sum, [, count]) => sum + count, 0);
  if (total === 0) return qs.map(() => null);
  /** The value of the r-th smallest duration (1-based). */
  const nth = (r: number): number => {
    let seen = 0;
    for (const [bucket, count] of buckets) {
      seen += count;
      if (seen >= r) return bucketValue(bucket);
    }
    return bucketValue(buckets[buckets.length - 1]![0]);
  };
  return qs.map((q) => {
    const h = 1 + q * (total - 1);
    const lo = Math.floor(h);
    const below = nth(lo);
    return h === lo ? below : below + (h - lo) * (nth(lo + 1) - below);
  });
}
