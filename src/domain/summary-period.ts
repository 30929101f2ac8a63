/**
 * How a statistics period is read from the process summary (migration 0005_process_visits_summary):
 * its whole UTC months, then whole ISO weeks (Monday to Sunday), then the other whole days, each
 * a row of the summary per element and bucket; the parts of a day at either end are read from
 * the visits themselves. A year is about a dozen months, up to two runs of weeks and a dozen days.
 */

const DAY_MS = 86_400_000;

/** Days [from, to) as ISO dates, `from` inclusive. */
export type DayRange = readonly [from: string, to: string];

export interface PeriodSplit {
  from: Date;
  to: Date;
  /** Every whole day of the period. */
  days: DayRange;
  /** Those days as months, weeks and days of the summary, each range starting at its grain's first day. */
  grains: { month: DayRange[]; week: DayRange[]; day: DayRange[] };
}

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const startOfMonth = (ms: number) => Date.UTC(new Date(ms).getUTCFullYear(), new Date(ms).getUTCMonth(), 1);
const startOfNextMonth = (ms: number) => Date.UTC(new Date(ms).getUTCFullYear(), new Date(ms).getUTCMonth() + 1, 1);
const sinceMonday = (ms: number) => ((new Date(ms).getUTCDay() + 6) % 7) * DAY_MS;

/** The split of [from, to); undefined when it holds no whole UTC day. */
export function splitPeriod(from: Date, to: Date): PeriodSplit | undefined {
  const first = Math.ceil(from.getTime() / DAY_MS) * DAY_MS;
  const end = Math.floor(to.getTime() / DAY_MS) * DAY_MS;
  if (first >= end) return undefined;
  const grains: PeriodSplit['grains'] = { month: [], week: [], day: [] };
  const add = (grain: keyof PeriodSplit['grains'], a: number, b: number) => {
    if (a < b) grains[grain].push([isoDate(a), isoDate(b)]);
  };
  const firstMonth = startOfMonth(first) === first ? first : startOfNextMonth(first);
  const endMonth = startOfMonth(end);
  const rest: [number, number][] =
    firstMonth < endMonth
      ? [
          [first, firstMonth],
          [endMonth, end],
        ]
      : [[first, end]];
  if (firstMonth < endMonth) add('month', firstMonth, endMonth);
  for (const [a, b] of rest) {
    const firstWeek = sinceMonday(a) === 0 ? a : a - sinceMonday(a) + 7 * DAY_MS;
    const endWeek = b - sinceMonday(b);
    if (firstWeek < endWeek) {
      add('day', a, firstWeek);
      add('week', firstWeek, endWeek);
      add('day', endWeek, b);
    } else {
      add('day', a, b);
    }
  }
  return { from, to, days: [isoDate(first), isoDate(end)], grains };
}
