import { describe, expect, it } from 'vitest';
import {
  bucketOf,
  bucketValue,
  GAMMA,
  histogramPercentiles,
  RELATIVE_ERROR,
  ZERO_BUCKET,
} from '../../src/domain/duration-histogram';
import { splitPeriod } from '../../src/domain/summary-period';

/** percentile_cont of a sorted list, as PostgreSQL computes it. */
function percentileCont(sorted: number[], q: number): number {
  const h = 1 + q * (sorted.length - 1);
  const lo = Math.floor(h);
  return sorted[lo - 1]! + (h - lo) * ((sorted[Math.min(lo, sorted.length - 1)] ?? sorted[lo - 1]!) - sorted[lo - 1]!);
}

describe('the duration histogram', () => {
  it('puts a duration in the bucket whose value is within 2 % of it', () => {
    expect(GAMMA).toBeCloseTo(1.02 / 0.98, 12);
    for (const ms of [0.001, 0.5, 1, 7, 100, 999, 60_000, 86_400_000, 31_536_000_000]) {
      const value = bucketValue(bucketOf(ms));
      expect(Math.abs(value - ms) / ms, `${ms} ms`).toBeLessThanOrEqual(RELATIVE_ERROR + 1e-12);
      expect(GAMMA ** (bucketOf(ms) - 1)).toBeLessThan(ms);
      expect(GAMMA ** bucketOf(ms)).toBeGreaterThanOrEqual(ms * (1 - 1e-12));
    }
    expect(bucketOf(0)).toBe(ZERO_BUCKET);
    expect(bucketValue(ZERO_BUCKET)).toBe(0);
  });

  it('reads median and p90 within 2 % of percentile_cont over the same durations', () => {
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (const size of [1, 2, 3, 10, 101, 5000]) {
      const durations = Array.from({ length: size }, () => (random() < 0.05 ? 0 : Math.exp(random() * 20)));
      const histogram = new Map<number, number>();
      for (const ms of durations) histogram.set(bucketOf(ms), (histogram.get(bucketOf(ms)) ?? 0) + 1);
      const sorted = [...durations].sort((a, b) => a - b);
      const [median, p90] = histogramPercentiles(histogram, [0.5, 0.9]);
      for (const [approx, q] of [
        [median!, 0.5],
        [p90!, 0.9],
      ] as const) {
        const exact = percentileCont(sorted, q);
        expect(Math.abs(approx - exact), `n=${size} q=${q}`).toBeLessThanOrEqual(RELATIVE_ERROR * exact + 1e-9);
      }
    }
    expect(histogramPercentiles(new Map(), [0.5])).toEqual([null]);
  });
});

describe('a period read from the summary', () => {
  const split = (from: string, to: string) => splitPeriod(new Date(from), new Date(to));

  it('is months, then ISO weeks, then days, and the parts of a day at the ends from the visits', () => {
    // Sat 2025-11-29 23:14 → Mon 2026-11-30 10:00.
    expect(split('2025-11-29T23:14:00Z', '2026-11-30T10:00:00Z')).toMatchObject({
      days: ['2025-11-30', '2026-11-30'],
      grains: {
        month: [['2025-12-01', '2026-11-01']],
        week: [['2026-11-02', '2026-11-30']],
        day: [
          ['2025-11-30', '2025-12-01'],
          ['2026-11-01', '2026-11-02'],
        ],
      },
    });
    // Within one month: the weeks, and the days around them.
    expect(split('2020-01-01T00:00:00Z', '2020-01-20T12:00:00Z')!.grains).toEqual({
      month: [],
      week: [['2020-01-06', '2020-01-20']],
      day: [['2020-01-01', '2020-01-06']],
    });
    expect(split('2020-01-01T00:00:00Z', '2020-01-02T00:00:00Z')!.grains).toEqual({
      month: [],
      week: [],
      day: [['2020-01-01', '2020-01-02']],
    });
    expect(split('2020-02-01T00:00:00Z', '2020-04-01T00:00:00Z')!.grains).toEqual({
      month: [['2020-02-01', '2020-04-01']],
      week: [],
      day: [],
    });
    expect(split('2020-01-01T01:00:00Z', '2020-01-01T23:00:00Z')).toBeUndefined();
  });
});
