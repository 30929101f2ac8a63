import { describe, expect, it } from 'vitest';
import {
  addBusinessMinutes,
  businessTimeBetween,
  isWorkingTime,
  workingIntervalsOn,
  type BusinessCalendar,
  type WorkingInterval,
} from '../../src/domain/calendar';
import {
  dayTransfers,
  holidaysAround,
  publicHolidays,
  transfersAround,
  withDayTransfers,
} from '../../src/domain/holidays';
import { toBusinessCalendar } from '../../src/repositories/calendars';

const H = 3_600_000;
const officeHours: WorkingInterval[] = [
  { start: '09:00', end: '13:00' },
  { start: '14:00', end: '18:00' },
];
const at = (iso: string) => new Date(iso);

/** The RU office calendar as the desk stores it (Moscow, Mon–Fri 9–18 with lunch, RU holidays). */
const officeRow = (
  overrides: Partial<Parameters<typeof toBusinessCalendar>[0]> = {},
): Parameters<typeof toBusinessCalendar>[0] => ({
  id: 1,
  code: 'ru-office',
  name: 'Office',
  timeZone: 'Europe/Moscow',
  week: { 1: officeHours, 2: officeHours, 3: officeHours, 4: officeHours, 5: officeHours },
  holidayCountry: 'RU',
  extraHolidays: [],
  exceptions: [],
  createdAt: new Date(),
  updatedAt: new Date(),
  ...overrides,
});

const workingDaysIn = (calendar: BusinessCalendar, year: number) => {
  let days = 0;
  for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 86_400_000) {
    if (workingIntervalsOn(calendar, new Date(t).toISOString().slice(0, 10)).length > 0) days++;
  }
  return days;
};

describe('RU transfers of days off by decree (data/day-transfers.json)', () => {
  it('cites the decree of each year', () => {
    expect(dayTransfers('RU', 2025)[0]!.source).toMatch(/04\.10\.2024 № 1335/);
    expect(dayTransfers('RU', 2026)[0]!.source).toMatch(/24\.09\.2025 № 1466/);
    expect(dayTransfers('RU', 2030)).toEqual([]);
    expect(dayTransfers('DE', 2025)).toEqual([]);
  });

  it('are not in date-holidays: it has neither the working Saturday nor the bridged Monday of November 2025', () => {
    expect(publicHolidays('RU', 2025)).not.toContain('2025-11-03');
    expect(publicHolidays('RU', 2025)).toContain('2025-11-04');
  });

  it('works the week of 27 October – 2 November 2025: Saturday 1 November on Monday’s hours, Monday 3 November off', () => {
    const calendar = toBusinessCalendar(officeRow(), at('2025-10-27T00:00:00Z'));
    expect(isWorkingTime(calendar, at('2025-11-01T07:00:00Z'))).toBe(true); // Saturday 10:00 Moscow
    expect(isWorkingTime(calendar, at('2025-11-01T10:30:00Z'))).toBe(false); // its lunch break, as on a Monday
    expect(isWorkingTime(calendar, at('2025-11-03T07:00:00Z'))).toBe(false); // Monday 10:00: the day off moved here
    expect(isWorkingTime(calendar, at('2025-11-04T07:00:00Z'))).toBe(false); // Unity Day
    // Friday 31 October 18:00 → Wednesday 5 November 09:00 Moscow: only the Saturday's 8 hours.
    expect(businessTimeBetween(calendar, at('2025-10-31T15:00:00Z'), at('2025-11-05T06:00:00Z'))).toBe(8 * H);
    // Friday 17:00 + 2 h: 1 h on Friday, 1 h on the working Saturday.
    expect(addBusinessMinutes(calendar, at('2025-10-31T14:00:00Z'), 120).toISOString()).toBe(
      '2025-11-01T07:00:00.000Z',
    );
    // Saturday 17:00 + 2 h: 1 h on Saturday, then past the bridged Monday and the holiday to Wednesday.
    expect(addBusinessMinutes(calendar, at('2025-11-01T14:00:00Z'), 120).toISOString()).toBe(
      '2025-11-05T07:00:00.000Z',
    );
    // Without the decree's data the same sum would end on Monday.
    const withoutTransfers: BusinessCalendar = {
      ...calendar,
      holidays: holidaysAround('RU', at('2025-10-27T00:00:00Z')),
      exceptions: [],
    };
    expect(addBusinessMinutes(withoutTransfers, at('2025-10-31T14:00:00Z'), 120).toISOString()).toBe(
      '2025-11-03T07:00:00.000Z',
    );
  });

  it('gives 2025 and 2026 the official 247 working days of a five-day week', () => {
    expect(workingDaysIn(toBusinessCalendar(officeRow(), at('2025-06-01T00:00:00Z')), 2025)).toBe(247);
    expect(workingDaysIn(toBusinessCalendar(officeRow(), at('2026-06-01T00:00:00Z')), 2026)).toBe(247);
    // The New Year bridge of 2026 (Friday 9 January) and the Monday after Victory Day on a Saturday.
    const calendar = toBusinessCalendar(officeRow(), at('2026-01-01T00:00:00Z'));
    expect(workingIntervalsOn(calendar, '2026-01-09')).toEqual([]);
    expect(workingIntervalsOn(calendar, '2026-05-11')).toEqual([]);
    expect(workingIntervalsOn(calendar, '2026-12-31')).toEqual([]);
  });

  it("leaves the calendar's own exceptions, its extra days off and a day it already works as they are", () => {
    const own = toBusinessCalendar(
      officeRow({
        exceptions: [
          { date: '2025-11-01', hours: [{ start: '10:00', end: '12:00' }] },
          { date: '2025-11-03', hours: officeHours },
        ],
      }),
      at('2025-11-01T00:00:00Z'),
    );
    expect(businessTimeBetween(own, at('2025-11-01T00:00:00Z'), at('2025-11-02T00:00:00Z'))).toBe(2 * H);
    expect(businessTimeBetween(own, at('2025-11-03T00:00:00Z'), at('2025-11-04T00:00:00Z'))).toBe(8 * H);
    const closed = toBusinessCalendar(officeRow({ extraHolidays: ['2025-11-01'] }), at('2025-11-01T00:00:00Z'));
    expect(workingIntervalsOn(closed, '2025-11-01')).toEqual([]);
    const sixDays = withDayTransfers(
      { timeZone: 'Europe/Moscow', week: { 1: officeHours, 6: [{ start: '10:00', end: '14:00' }] }, holidays: [] },
      transfersAround('RU', at('2025-11-01T00:00:00Z')),
    );
    expect(businessTimeBetween(sixDays, at('2025-11-01T00:00:00Z'), at('2025-11-02T00:00:00Z'))).toBe(4 * H);
    // No country, no transfers.
    const plain = toBusinessCalendar(officeRow({ holidayCountry: null }), at('2025-11-01T00:00:00Z'));
    expect(workingIntervalsOn(plain, '2025-11-03')).toHaveLength(2);
  });
});
