import Holidays from 'date-holidays';
import { isoWeekdayOf, type BusinessCalendar, type CalendarException } from './calendar';
import dayTransferData from './data/day-transfers.json';

/**
 * Public holidays of a country as local dates, from the `date-holidays` library (RU: New Year
 * holidays 1–8 January, 23 February, 8 March, 1 and 9 May, 12 June, 4 November).
 * Government transfers of days off (a working Saturday, a bridged Monday) are decided by
 * decree each year and are in no npm package we could verify (date-holidays has RU's for 2022
 * only); they come from data/day-transfers.json, each year citing its decree (see dayTransfers).
 */
const cache = new Map<string, string[]>();

export function publicHolidays(country: string, year: number): string[] {
  const key = `${country}:${year}`;
  let dates = cache.get(key);
  if (!dates) {
    const days = new Set<string>();
    for (const holiday of new Holidays(country).getHolidays(year)) {
      if (holiday.type !== 'public') continue;
      // A holiday may span days (Новогодние каникулы: 2–6 January is one entry).
      const span = Math.max(1, Math.round((holiday.end.getTime() - holiday.start.getTime()) / 86_400_000));
      const first = Date.parse(`${holiday.date.slice(0, 10)}T00:00:00Z`);
      for (let i = 0; i < span; i++) days.add(new Date(first + i * 86_400_000).toISOString().slice(0, 10));
    }
    dates = [...days].sort();
    cache.set(key, dates);
  }
  return dates;
}

/** Whether the library knows the country (calendars from the API are checked with this). */
export function isKnownHolidayCountry(country: string): boolean {
  return Object.keys(new Holidays().getCountries()).includes(country);
}

/** Holidays for the years around an instant: deadlines computed from it stay within them. */
export function holidaysAround(country: string | null, at: Date, yearsAhead = 2): Set<string> {
  const dates = new Set<string>();
  if (!country) return dates;
  const year = at.getUTCFullYear();
  for (let y = year - 1; y <= year + yearsAhead; y++) for (const d of publicHolidays(country, y)) dates.add(d);
  return dates;
}

/** A day off moved by decree: `to` is a day off; `from` becomes a working day unless it is a public holiday. */
export interface DayTransfer {
  from: string;
  to: string;
  /** The decree (or article of law) that moved it. */
  source: string;
}

type TransferYears = Record<
  string,
  Record<string, { source: string; transfers: Array<{ from: string; to: string; source?: string }> }>
>;

/** The transfers of days off of a country's year, from data/day-transfers.json; empty for a year not there. */
export function dayTransfers(country: string, year: number): DayTransfer[] {
  const entry = (dayTransferData as unknown as TransferYears)[country]?.[String(year)];
  return entry ? entry.transfers.map((t) => ({ from: t.from, to: t.to, source: t.source ?? entry.source })) : [];
}

/** Transfers for the years around an instant, as days off and working days (with the date whose weekday hours they work). */
export function transfersAround(
  country: string | null,
  at: Date,
  yearsAhead = 2,
): { daysOff: Set<string>; workingDays: Map<string, string> } {
  const daysOff = new Set<string>();
  const workingDays = new Map<string, string>();
  if (!country) return { daysOff, workingDays };
  const year = at.getUTCFullYear();
  for (let y = year - 1; y <= year + yearsAhead; y++) {
    const holidays = new Set(publicHolidays(country, y));
    for (const { from, to } of dayTransfers(country, y)) {
      daysOff.add(to);
      if (!holidays.has(from)) workingDays.set(from, to);
    }
  }
  return { daysOff, workingDays };
}

/**
 * A calendar with its country's transfers: the days off moved to become holidays; a weekend day
 * made working gets the hours of the weekday it swapped with (a working Saturday for a bridged
 * Monday works Monday's hours). The calendar's own exceptions and extra days off still win, and
 * a day the calendar already works keeps its own hours.
 */
export function withDayTransfers(
  calendar: BusinessCalendar,
  transfers: ReturnType<typeof transfersAround>,
  extraHolidays: readonly string[] = [],
): BusinessCalendar {
  const own = new Set((calendar.exceptions ?? []).map((e) => e.date));
  const holidays = new Set(calendar.holidays);
  for (const day of transfers.daysOff) if (!own.has(day)) holidays.add(day);
  const working: CalendarException[] = [];
  for (const [date, like] of transfers.workingDays) {
    if (own.has(date) || extraHolidays.includes(date) || (calendar.week[isoWeekdayOf(date)] ?? []).length > 0) continue;
    const hours = calendar.week[isoWeekdayOf(like)] ?? [];
    if (hours.length > 0) working.push({ date, hours });
  }
  return { ...calendar, holidays, exceptions: [...(calendar.exceptions ?? []), ...working] };
}
