/**
 * A stretch of time as a business calendar sees it: working time, out of hours and holidays, in
 * order (the breach timelines draw these as stripes). Pure, over the calendar rules of ./calendar.
 */
import { instantOfLocal, localDateOf, workingIntervalsOn, zoneOffsetMs, type BusinessCalendar } from './calendar';

const DAY = 86_400_000;
const nextDate = (localDate: string) => new Date(Date.parse(`${localDate}T00:00:00Z`) + DAY).toISOString().slice(0, 10);

/** Local "HH:MM" of an instant on a calendar. */
export const localClock = (calendar: BusinessCalendar, at: number) =>
  new Date(at + zoneOffsetMs(calendar.timeZone, at)).toISOString().slice(11, 16);

/** A day off as such: a holiday, or an exception that takes the day's hours away. */
function isDayOff(calendar: BusinessCalendar, localDate: string): boolean {
  const exception = calendar.exceptions?.find((e) => e.date === localDate);
  if (exception) return exception.hours.length === 0;
  const holidays = calendar.holidays;
  return holidays instanceof Set ? holidays.has(localDate) : (holidays as string[]).includes(localDate);
}

/** [from, to) cut into working time, out of hours and holidays on the calendar, in order. */
export function calendarPieces(
  calendar: BusinessCalendar,
  from: number,
  to: number,
): { from: number; to: number; kind: 'working' | 'out_of_hours' | 'holiday' }[] {
  const pieces: { from: number; to: number; kind: 'working' | 'out_of_hours' | 'holiday' }[] = [];
  const push = (a: number, b: number, kind: 'working' | 'out_of_hours' | 'holiday') => {
    if (b <= a) return;
    const last = pieces[pieces.length - 1];
    if (last && last.kind === kind && last.to === a) last.to = b;
    else pieces.push({ from: a, to: b, kind });
  };
  // A gap is cut at local midnights: part of it may fall on a holiday, part on an ordinary night.
  const gap = (a: number, b: number) => {
    while (a < b) {
      const date = localDateOf(calendar.timeZone, a);
      const midnight = instantOfLocal(calendar.timeZone, nextDate(date), 0);
      const end = midnight > a ? Math.min(b, midnight) : b;
      push(a, end, isDayOff(calendar, date) ? 'holiday' : 'out_of_hours');
      a = end;
    }
  };
  let cursor = from;
  const lastDate = localDateOf(calendar.timeZone, to);
  // The day before too: an interval ending at 24:00 local may hold `from`.
  for (let date = localDateOf(calendar.timeZone, from - DAY); date <= lastDate; date = nextDate(date)) {
    for (const [s, e] of workingIntervalsOn(calendar, date)) {
      if (e <= cursor || s >= to) continue;
      const start = Math.max(s, cursor);
      const end = Math.min(e, to);
      gap(cursor, start);
      push(start, end, 'working');
      cursor = end;
    }
  }
  gap(cursor, to);
  return pieces;
}
