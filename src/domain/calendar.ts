/**
 * Business calendars and deadline arithmetic: pure functions over calendar data.
 *
 * Working time is a set of half-open local intervals [start, end) per weekday (split shifts
 * are several intervals), in an IANA time zone, minus holidays, with one-off exceptions that
 * replace a date's hours (a day off, or a transferred working Saturday). Wall-clock times are
 * turned into instants with Intl, so DST transitions shift nothing: 09:00 is 09:00 local on
 * both sides of a change.
 */

/** "HH:MM" local wall-clock time; "24:00" ends a day. */
export interface WorkingInterval {
  start: string;
  end: string;
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export interface CalendarException {
  /** Local date, YYYY-MM-DD. */
  date: string;
  /** The hours that day instead of the usual ones; empty means a day off. */
  hours: WorkingInterval[];
}

export interface BusinessCalendar {
  timeZone: string;
  week: Partial<Record<IsoWeekday, WorkingInterval[]>>;
  /** Local dates (YYYY-MM-DD) that are days off whatever the weekday. */
  holidays: ReadonlySet<string> | string[];
  exceptions?: CalendarException[];
}

const MINUTE = 60_000;
const DAY = 86_400_000;
/** A calendar with no working time in this many days is an error, not an endless loop. */
const MAX_IDLE_DAYS = 366;
/**
 * No walk over working days goes further than this from where it starts: the longest deadline the
 * catalog allows (10,000 norm hours) on one working hour a week is 192 years; beyond that a
 * deadline is an error, not minutes of CPU.
 */
export const MAX_HORIZON_DAYS = 200 * 366;

export class CalendarError extends Error {}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Whether Intl knows the zone; calendars from the API are checked with this. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * Offsets already worked out, per zone and second. Deadlines walk the same working days for
 * ticket after ticket, and Intl's formatToParts was most of a deadline's CPU time.
 */
const offsets = new Map<string, number>();
const MAX_REMEMBERED_OFFSETS = 50_000;

/** Offset of the zone from UTC at an instant, in ms (Moscow: +3 h). */
export function zoneOffsetMs(timeZone: string, instant: number): number {
  const second = Math.floor(instant / 1000) * 1000;
  const key = `${timeZone} ${second}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    const parts = formatterFor(timeZone).formatToParts(new Date(instant));
    const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
    offset = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - second;
    if (offsets.size >= MAX_REMEMBERED_OFFSETS) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

/** The local date (YYYY-MM-DD) of an instant in a zone. */
export function localDateOf(timeZone: string, instant: number): string {
  return new Date(instant + zoneOffsetMs(timeZone, instant)).toISOString().slice(0, 10);
}

/**
 * The instant of a local wall-clock time. In a DST gap (02:30 on a spring-forward night)
 * the time does not exist: the instant just after the gap is taken. In an overlap the
 * earlier instant is taken.
 */
export function instantOfLocal(timeZone: string, localDate: string, minuteOfDay: number): number {
  const wall = Date.parse(`${localDate}T00:00:00Z`) + minuteOfDay * MINUTE;
  const before = zoneOffsetMs(timeZone, wall - DAY / 2);
  const after = zoneOffsetMs(timeZone, wall + DAY / 2);
  const candidates = [wall - before, wall - after]
    .filter((t) => zoneOffsetMs(timeZone, t) === wall - t)
    .sort((a, b) => a - b);
  return candidates[0] ?? wall - before;
}

const nextDate = (localDate: string) => new Date(Date.parse(`${localDate}T00:00:00Z`) + DAY).toISOString().slice(0, 10);
/** The ISO weekday of a local date (YYYY-MM-DD). */
export const isoWeekdayOf = (localDate: string) =>
  (((new Date(`${localDate}T00:00:00Z`).getUTCDay() + 6) % 7) + 1) as IsoWeekday;

export function parseClock(clock: string): number {
  const match = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(clock);
  if (!match || (match[1] === '24' && match[2] !== '00'))
    throw new CalendarError(`"${clock}" is not a time of day HH:MM (00:00–24:00)`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** Problems with a calendar's data, named by where they are; empty when it is usable. */
export function calendarProblems(calendar: BusinessCalendar): string[] {
  const problems: string[] = [];
  if (!isValidTimeZone(calendar.timeZone)) problems.push(`timeZone "${calendar.timeZone}" is not an IANA time zone`);
  const checkHours = (where: string, hours: WorkingInterval[]) => {
    let last = -1;
    for (const [i, interval] of hours.entries()) {
      try {
        const start = parseClock(interval.start);
        const end = parseClock(interval.end);
        if (end <= start) problems.push(`${where}[${i}] ends (${interval.end}) before it starts (${interval.start})`);
        if (start < last) problems.push(`${where}[${i}] overlaps or precedes the interval before it`);
        last = end;
      } catch (error) {
        problems.push(`${where}[${i}]: ${(error as Error).message}`);
      }
    }
  };
  for (const [day, hours] of Object.entries(calendar.week)) {
    if (!/^[1-7]$/.test(day)) problems.push(`week.${day} is not an ISO weekday 1–7`);
    checkHours(`week.${day}`, hours ?? []);
  }
  for (const [i, exception] of (calendar.exceptions ?? []).entries()) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(exception.date) || Number.isNaN(Date.parse(exception.date)))
      problems.push(`exceptions[${i}].date "${exception.date}" is not YYYY-MM-DD`);
    checkHours(`exceptions[${i}].hours`, exception.hours);
  }
  if (problems.length > 0) return problems;
  if (Object.values(calendar.week).every((hours) => !hours || hours.length === 0))
    problems.push('week has no working hours on any day: every deadline on it would be never');
  else {
    const idleFrom = longIdleRunFrom(calendar);
    if (idleFrom)
      problems.push(
        `week: holidays and exceptions leave no working time for over ${MAX_IDLE_DAYS} days from ${idleFrom}`,
      );
  }
  return problems;
}

/** The working hours of one local date: its exception's, none on a holiday, else its weekday's. */
function hoursOn(calendar: BusinessCalendar, localDate: string, holidays: ReadonlySet<string>): WorkingInterval[] {
  const exception = calendar.exceptions?.find((e) => e.date === localDate);
  if (exception) return exception.hours;
  return holidays.has(localDate) ? [] : (calendar.week[isoWeekdayOf(localDate)] ?? []);
}

const holidaySet = (calendar: BusinessCalendar) =>
  calendar.holidays instanceof Set ? calendar.holidays : new Set(calendar.holidays);

/**
 * Whether the calendar goes more than MAX_IDLE_DAYS without working time. Only holidays and
 * exceptions can make a week with working hours idle, so the walk starts at each of them and
 * stops at the first working day: bounded by their number, not by the dates they name.
 */
function longIdleRunFrom(calendar: BusinessCalendar): string | undefined {
  const holidays = holidaySet(calendar);
  const starts = [...holidays, ...(calendar.exceptions ?? []).map((e) => e.date)]
    .filter((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)))
    .sort();
  let walkedTo = '';
  for (const start of starts) {
    if (start <= walkedTo) continue;
    let date = start;
    for (let idle = 0; hoursOn(calendar, date, holidays).length === 0; idle++) {
      if (idle >= MAX_IDLE_DAYS) return start;
      date = nextDate(date);
    }
    walkedTo = date;
  }
  return undefined;
}

/** The working intervals of one local date as instants [start, end), in order. */
export function workingIntervalsOn(calendar: BusinessCalendar, localDate: string): Array<[number, number]> {
  const hours = hoursOn(calendar, localDate, holidaySet(calendar));
  return (
    hours
      .map(({ start, end }): [number, number] => {
        const endMinute = parseClock(end);
        const endInstant =
          endMinute === 24 * 60
            ? instantOfLocal(calendar.timeZone, nextDate(localDate), 0)
            : instantOfLocal(calendar.timeZone, localDate, endMinute);
        return [instantOfLocal(calendar.timeZone, localDate, parseClock(start)), endInstant];
      })
      // A date the zone skipped (Samoa, 30 December 2011) has no hours: its clock times map to the next day.
      .filter(([s, e]) => e > s && localDateOf(calendar.timeZone, s) === localDate)
  );
}

/** Walks working intervals from the local day holding `from`, in order. */
function* intervalsFrom(calendar: BusinessCalendar, from: number): Generator<[number, number]> {
  // The day before too: an interval ending at 24:00 local may hold `from` early on the next day.
  let date = localDateOf(calendar.timeZone, from - DAY);
  let idleDays = 0;
  for (let days = 0; ; days++) {
    if (days > MAX_HORIZON_DAYS)
      throw new CalendarError(
        `no deadline further than ${MAX_HORIZON_DAYS} days after ${new Date(from).toISOString()} is counted`,
      );
    const intervals = workingIntervalsOn(calendar, date);
    idleDays = intervals.length === 0 ? idleDays + 1 : 0;
    if (idleDays > MAX_IDLE_DAYS)
      throw new CalendarError(
        `the calendar has no working time for ${MAX_IDLE_DAYS} days after ${new Date(from).toISOString()}`,
      );
    for (const interval of intervals) if (interval[1] > from) yield interval;
    date = nextDate(date);
  }
}

/**
 * The instant `ms` of business time after `from`. A positive amount ends inside working
 * time (at most at the end of an interval); zero returns `from` itself.
 */
export function addBusinessTime(calendar: BusinessCalendar, from: Date, ms: number): Date {
  if (!(ms >= 0) || !Number.isFinite(ms))
    throw new CalendarError(`business time to add must be a non-negative number, got ${ms}`);
  if (ms === 0) return new Date(from);
  let remaining = ms;
  for (const [start, end] of intervalsFrom(calendar, from.getTime())) {
    const begin = Math.max(start, from.getTime());
    if (end - begin >= remaining) return new Date(begin + remaining);
    remaining -= end - begin;
  }
  throw new CalendarError('unreachable');
}

/** Business time (ms) in [from, to); zero when `to` is not after `from`. */
export function businessTimeBetween(calendar: BusinessCalendar, from: Date, to: Date): number {
  let total = 0;
  if (to.getTime() <= from.getTime()) return 0;
  for (const [start, end] of intervalsFrom(calendar, from.getTime())) {
    if (start >= to.getTime()) break;
    total += Math.min(end, to.getTime()) - Math.max(start, from.getTime());
  }
  return total;
}

export const addBusinessMinutes = (calendar: BusinessCalendar, from: Date, minutes: number) =>
  addBusinessTime(calendar, from, minutes * MINUTE);
export const businessMinutesBetween = (calendar: BusinessCalendar, from: Date, to: Date) =>
  businessTimeBetween(calendar, from, to) / MINUTE;

/** Whether an instant lies in working time. */
export function isWorkingTime(calendar: BusinessCalendar, instant: Date): boolean {
  const date = localDateOf(calendar.timeZone, instant.getTime());
  const t = instant.getTime();
  return [localDateOf(calendar.timeZone, t - DAY), date].some((d) =>
    workingIntervalsOn(calendar, d).some(([s, e]) => s <= t && t < e),
  );
}

/** Open around the clock, every day: agreements then count plain elapsed time. */
export const aroundTheClock = (timeZone = 'UTC'): BusinessCalendar => ({
  timeZone,
  week: Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [d, [{ start: '00:00', end: '24:00' }]])),
  holidays: [],
});
