import Holidays from 'date-holidays';

/**
 * Public holidays of a country as local dates, from the `date-holidays` library (RU: New Year
 * holidays 1–8 January, 23 February, 8 March, 1 and 9 May, 12 June, 4 November).
 * Government transfers of days off (a working Saturday, a bridged Monday) are decided by
 * decree each year and are in no npm package we could verify; they go into a calendar as
 * one-off exceptions.
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
