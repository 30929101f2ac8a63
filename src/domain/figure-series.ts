/** The managers' figures per day, week or month of a period (the dashboard's charts), cut on the desk's zone. */
import { instantOfLocal, localDateOf } from './calendar';
import { computeFigures, type FigureTicket, type Figures, type Period } from './figures';

/** What a series gives per interval: the period's figures, with the backlog as of the interval's end. */
export type IntervalFigures = Omit<Figures, 'backlog' | 'backlogAgeing'> & { openAtEnd: number };

export const seriesIntervals = ['day', 'week', 'month'] as const;
export type SeriesInterval = (typeof seriesIntervals)[number];

/** The most intervals a series may hold (a year by day). */
export const LONGEST_SERIES = 367;

/**
 * [from, to) cut at the local midnights (day), Mondays (week) or firsts of the month (month) of
 * the zone; the first and last intervals are cut short by the period.
 */
export function seriesBuckets(period: Period, interval: SeriesInterval, timeZone: string): Period[] {
  const buckets: Period[] = [];
  let start = period.from.getTime();
  const end = period.to.getTime();
  while (start < end) {
    const next = Math.min(end, nextBoundary(start, interval, timeZone));
    buckets.push({ from: new Date(start), to: new Date(next) });
    start = next;
  }
  return buckets;
}

function nextBoundary(instant: number, interval: SeriesInterval, timeZone: string): number {
  const local = new Date(`${localDateOf(timeZone, instant)}T00:00:00Z`);
  if (interval === 'day') local.setUTCDate(local.getUTCDate() + 1);
  else if (interval === 'week') local.setUTCDate(local.getUTCDate() + 7 - ((local.getUTCDay() + 6) % 7));
  else local.setUTCMonth(local.getUTCMonth() + 1, 1);
  return instantOfLocal(timeZone, local.toISOString().slice(0, 10), 0);
}

/** When a ticket left the backlog for good: its latest resolution, else its closing; null: open. */
const doneAt = (t: FigureTicket) => t.resolvedAt ?? t.closedAt;

/**
 * The figures per interval; `openAtStart` is the number open at the period's start (counted by
 * the caller over every ticket): each interval adds its registrations and takes off those done in it.
 * Each ticket is put in the intervals its moments fall in (a binary search each), so a year by day
 * reads every ticket once, not once per day.
 */
export function figureSeries(
  tickets: readonly FigureTicket[],
  buckets: readonly Period[],
  openAtStart: number,
  now: Date,
): (IntervalFigures & { from: string; to: string })[] {
  const members: FigureTicket[][] = buckets.map(() => []);
  const doneIn = buckets.map(() => 0);
  const indexOf = (at: Date | null) => (at === null ? -1 : bucketOf(buckets, at.getTime()));
  for (const t of tickets) {
    const moments = [t.registeredAt, t.acceptedAt, t.resolvedAt, t.closedAt, ...t.reopenings];
    const hit = new Set([...moments.map(indexOf), ...t.escalations.map((e) => indexOf(e.at))]);
    hit.delete(-1);
    for (const i of hit) members[i]!.push(t);
    const done = indexOf(doneAt(t));
    if (done >= 0) doneIn[done]!++;
  }
  return seriesOf(
    buckets,
    buckets.map((bucket, i) => computeFigures(members[i]!, bucket, now)),
    doneIn,
    openAtStart,
  );
}

/**
 * The series from each interval's figures and how many tickets left the backlog for good in it
 * (`doneIn`); `openAtStart` as figureSeries has it.
 */
export function seriesOf(
  buckets: readonly Period[],
  figuresIn: readonly Figures[],
  doneIn: readonly number[],
  openAtStart: number,
): (IntervalFigures & { from: string; to: string })[] {
  let open = openAtStart;
  return buckets.map((bucket, i) => {
    const { backlog: _backlog, backlogAgeing: _ageing, ...figures } = figuresIn[i]!;
    open += figures.registered - doneIn[i]!;
    return { from: bucket.from.toISOString(), to: bucket.to.toISOString(), ...figures, openAtEnd: open };
  });
}

/** The index of the interval holding an instant, -1 outside them all (intervals in order, adjacent). */
function bucketOf(buckets: readonly Period[], instant: number): number {
  if (buckets.length === 0 || instant < buckets[0]!.from.getTime() || instant >= buckets.at(-1)!.to.getTime())
    return -1;
  let low = 0;
  let high = buckets.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (buckets[mid]!.from.getTime() <= instant) low = mid;
    else high = mid - 1;
  }
  return low;
}
