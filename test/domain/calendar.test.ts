import { describe, expect, it } from 'vitest';
import {
  addBusinessMinutes,
  addBusinessTime,
  aroundTheClock,
  businessMinutesBetween,
  businessTimeBetween,
  calendarProblems,
  instantOfLocal,
  MAX_HORIZON_DAYS,
  isWorkingTime,
  localDateOf,
  type BusinessCalendar,
  type WorkingInterval,
} from '../../src/domain/calendar';
import { holidaysAround, publicHolidays } from '../../src/domain/holidays';

const H = 3_600_000;
const weekdays = (hours: WorkingInterval[]) => ({ 1: hours, 2: hours, 3: hours, 4: hours, 5: hours });
const office = (timeZone: string, holidays: string[] = []): BusinessCalendar => ({
  timeZone,
  week: weekdays([
    { start: '09:00', end: '13:00' },
    { start: '14:00', end: '18:00' },
  ]),
  holidays,
});
const at = (iso: string) => new Date(iso);

describe('business calendar arithmetic, by example', () => {
  it('skips the lunch break, the night and the weekend (Moscow, no DST)', () => {
    const moscow = office('Europe/Moscow');
    // Friday 17:30 MSK + 60 min: 30 min on Friday, 30 min on Monday morning.
    expect(addBusinessMinutes(moscow, at('2024-03-01T14:30:00Z'), 60).toISOString()).toBe('2024-03-04T06:30:00.000Z');
    // 12:30 + 60 min: 30 min before lunch, 30 after.
    expect(addBusinessMinutes(moscow, at('2024-03-04T09:30:00Z'), 60).toISOString()).toBe('2024-03-04T11:30:00.000Z');
    // Started at night: the clock starts at 09:00.
    expect(addBusinessMinutes(moscow, at('2024-03-04T00:00:00Z'), 1).toISOString()).toBe('2024-03-04T06:01:00.000Z');
    expect(businessMinutesBetween(moscow, at('2024-03-01T14:30:00Z'), at('2024-03-04T06:30:00Z'))).toBe(60);
  });

  it('follows the RU production calendar from date-holidays across the New Year holidays', () => {
    expect(publicHolidays('RU', 2026)).toEqual(
      expect.arrayContaining([
        '2026-01-01',
        '2026-01-05',
        '2026-01-08',
        '2026-02-23',
        '2026-03-09',
        '2026-05-09',
        '2026-11-04',
      ]),
    );
    const ru = office('Europe/Moscow', [...holidaysAround('RU', at('2025-12-31T00:00:00Z'))]);
    // Wednesday 31 December 17:30 + 60 min → 30 min that day, the rest on Friday 9 January.
    expect(addBusinessMinutes(ru, at('2025-12-31T14:30:00Z'), 60).toISOString()).toBe('2026-01-09T06:30:00.000Z');
  });

  it('handles a week with a holiday and a DST change (Berlin, Easter 2024)', () => {
    expect(publicHolidays('DE', 2024)).toEqual(expect.arrayContaining(['2024-03-29', '2024-04-01']));
    const berlin: BusinessCalendar = {
      timeZone: 'Europe/Berlin',
      week: weekdays([{ start: '09:00', end: '17:00' }]),
      holidays: publicHolidays('DE', 2024),
    };
    // Thursday 28 March 16:00 CET + 2 h: 1 h on Thursday; Good Friday, the weekend with the
    // clock change (31 March) and Easter Monday are off; 1 h on Tuesday, 09:00–10:00 CEST.
    expect(addBusinessTime(berlin, at('2024-03-28T15:00:00Z'), 2 * H).toISOString()).toBe('2024-04-02T08:00:00.000Z');
    expect(businessTimeBetween(berlin, at('2024-03-28T15:00:00Z'), at('2024-04-02T08:00:00Z'))).toBe(2 * H);
    // Working hours are local: 09:00 is 08:00Z in winter and 07:00Z in summer.
    expect(isWorkingTime(berlin, at('2024-03-28T08:00:00Z'))).toBe(true);
    expect(isWorkingTime(berlin, at('2024-04-02T07:00:00Z'))).toBe(true);
    expect(isWorkingTime(berlin, at('2024-04-02T06:59:59Z'))).toBe(false);
  });

  it('counts 23 and 25 hour days on an around-the-clock calendar (DST nights)', () => {
    const berlin = aroundTheClock('Europe/Berlin');
    expect(businessTimeBetween(berlin, at('2024-03-30T23:00:00Z'), at('2024-03-31T22:00:00Z'))).toBe(23 * H);
    const newYork = aroundTheClock('America/New_York');
    const start = instantOfLocal('America/New_York', '2024-11-03', 0);
    const end = instantOfLocal('America/New_York', '2024-11-04', 0);
    expect(end - start).toBe(25 * H);
    expect(businessTimeBetween(newYork, new Date(start), new Date(end))).toBe(25 * H);
    // Around the clock, business time is elapsed time: nothing lost or doubled over the change.
    expect(addBusinessTime(newYork, new Date(start), 25 * H).getTime()).toBe(end);
  });

  it('maps a local time inside a DST gap to the instant after the gap', () => {
    // 02:30 on 10 March 2024 does not exist in New York: the clocks jump 02:00 → 03:00 EDT.
    expect(new Date(instantOfLocal('America/New_York', '2024-03-10', 150)).toISOString()).toBe(
      '2024-03-10T07:30:00.000Z',
    );
    // In the overlap (01:30 happens twice on 3 November) the earlier instant is taken.
    expect(new Date(instantOfLocal('America/New_York', '2024-11-03', 90)).toISOString()).toBe(
      '2024-11-03T05:30:00.000Z',
    );
  });

  it('applies one-off exceptions: a transferred working Saturday and a day off', () => {
    const ru: BusinessCalendar = {
      ...office('Europe/Moscow'),
      exceptions: [
        { date: '2024-04-27', hours: [{ start: '09:00', end: '18:00' }] },
        { date: '2024-04-29', hours: [] },
      ],
    };
    // Friday 26 April 17:00 + 3 h → 1 h Friday, 2 h on the working Saturday.
    expect(addBusinessMinutes(ru, at('2024-04-26T14:00:00Z'), 180).toISOString()).toBe('2024-04-27T08:00:00.000Z');
    // Saturday 17:00 + 2 h → 1 h Saturday, Monday 29th off, 1 h on Tuesday.
    expect(addBusinessMinutes(ru, at('2024-04-27T14:00:00Z'), 120).toISOString()).toBe('2024-04-30T07:00:00.000Z');
  });

  it('refuses bad data and calendars without working time', () => {
    expect(
      calendarProblems({ timeZone: 'Mars/Olympus', week: { 1: [{ start: '18:00', end: '09:00' }] }, holidays: [] }),
    ).toEqual(['timeZone "Mars/Olympus" is not an IANA time zone', 'week.1[0] ends (09:00) before it starts (18:00)']);
    expect(calendarProblems(office('Europe/Moscow'))).toEqual([]);
    expect(() =>
      addBusinessMinutes({ timeZone: 'UTC', week: {}, holidays: [] }, at('2024-01-01T00:00:00Z'), 1),
    ).toThrow(/no working time/);
    expect(() => addBusinessMinutes(office('UTC'), at('2024-01-01T00:00:00Z'), -1)).toThrow(/non-negative/);
  });
});

describe('calendars that could loop are refused or bounded', () => {
  it('refuses a week with no working hours, whatever its exceptions', () => {
    expect(calendarProblems({ timeZone: 'UTC', week: {}, holidays: [] })).toEqual([
      'week has no working hours on any day: every deadline on it would be never',
    ]);
    const onlyLeapDay: BusinessCalendar = {
      timeZone: 'UTC',
      week: { 1: [], 2: [] },
      holidays: [],
      exceptions: [{ date: '2024-02-29', hours: [{ start: '09:00', end: '18:00' }] }],
    };
    expect(calendarProblems(onlyLeapDay)).toEqual([expect.stringMatching(/^week has no working hours/)]);
  });

  it('refuses holidays that leave more than a year without working time, quickly', () => {
    // Mondays only, and 60 Mondays in a row are holidays: 420 days without work.
    const mondays = Array.from({ length: 60 }, (_, i) =>
      new Date(Date.UTC(2024, 0, 1) + i * 7 * 86_400_000).toISOString().slice(0, 10),
    );
    const idle: BusinessCalendar = {
      timeZone: 'UTC',
      week: { 1: [{ start: '09:00', end: '10:00' }] },
      holidays: mondays,
    };
    const started = performance.now();
    expect(calendarProblems(idle)).toEqual([
      expect.stringMatching(/no working time for over 366 days from 2024-01-01/),
    ]);
    expect(calendarProblems({ ...idle, holidays: mondays.slice(0, 50) })).toEqual([]);
    // 400 holidays of a weekday with no work: nothing to walk.
    const far = Array.from({ length: 400 }, (_, i) => `${String(1000 + i * 20).padStart(4, '0')}-06-01`);
    expect(calendarProblems({ ...idle, holidays: far })).toEqual([]);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('counts a deadline across 29 February and across a DST change, on the local clock', () => {
    const leap = office('Europe/Moscow');
    // Wednesday 28 February 2024 17:00 MSK + 2 h: 1 h that day, 1 h on Thursday the 29th.
    expect(addBusinessTime(leap, at('2024-02-28T14:00:00Z'), 2 * H).toISOString()).toBe('2024-02-29T07:00:00.000Z');
    // A working leap day given as an exception on a Saturday (2032-02-29) counts once.
    const saturday: BusinessCalendar = {
      ...leap,
      exceptions: [
        { date: '2032-02-28', hours: [] },
        { date: '2032-02-29', hours: [{ start: '10:00', end: '12:00' }] },
      ],
    };
    expect(addBusinessTime(saturday, at('2032-02-27T14:00:00Z'), 2 * H).toISOString()).toBe('2032-02-29T08:00:00.000Z');
    // New York, Friday 8 March 2024 17:00 EST + 2 h: 1 h Friday, then Monday 09:00 EDT (13:00Z) + 1 h.
    const newYork: BusinessCalendar = {
      timeZone: 'America/New_York',
      week: weekdays([{ start: '09:00', end: '18:00' }]),
      holidays: [],
    };
    expect(addBusinessTime(newYork, at('2024-03-08T22:00:00Z'), 2 * H).toISOString()).toBe('2024-03-11T14:00:00.000Z');
    // Working hours inside the spring-forward gap (02:00–03:00 on 10 March) do not exist that night.
    const night: BusinessCalendar = {
      timeZone: 'America/New_York',
      week: { 7: [{ start: '02:00', end: '03:00' }] },
      holidays: [],
    };
    expect(businessTimeBetween(night, at('2024-03-09T00:00:00Z'), at('2024-03-12T00:00:00Z'))).toBe(0);
    expect(addBusinessTime(night, at('2024-03-09T00:00:00Z'), H).toISOString()).toBe('2024-03-17T07:00:00.000Z');
  });

  it('walks over a day a zone skipped (Samoa, 30 December 2011) without looping', () => {
    const apia: BusinessCalendar = {
      timeZone: 'Pacific/Apia',
      week: { 5: [{ start: '09:00', end: '17:00' }] },
      holidays: [],
    };
    const due = addBusinessTime(apia, at('2011-12-28T00:00:00Z'), H);
    // Friday the 30th never happened there: the next Friday, 6 January 2012, 10:00 (UTC+14).
    expect(due.toISOString()).toBe('2012-01-05T20:00:00.000Z');
    expect(isWorkingTime(apia, new Date(due.getTime() - 1))).toBe(true);
  });

  it('stops at the horizon instead of walking for minutes', () => {
    const hourAWeek: BusinessCalendar = {
      timeZone: 'UTC',
      week: { 3: [{ start: '10:00', end: '11:00' }] },
      holidays: [],
    };
    const started = performance.now();
    expect(() => addBusinessTime(hourAWeek, at('2024-01-01T00:00:00Z'), 1e9 * H)).toThrow(
      new RegExp(`no deadline further than ${MAX_HORIZON_DAYS} days`),
    );
    expect(() => businessTimeBetween(hourAWeek, at('2024-01-01T00:00:00Z'), new Date(8.64e15))).toThrow(
      /no deadline further/,
    );
    expect(performance.now() - started).toBeLessThan(20_000);
  });
});

/** mulberry32: a small seeded generator, so a failing case can be replayed from its seed. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(items: readonly T[]) => items[int(0, items.length - 1)]!;
  return { next, int, pick };
}

const zones = [
  'Europe/Moscow',
  'Europe/Berlin',
  'America/New_York',
  'Australia/Lord_Howe',
  'Asia/Kolkata',
  'UTC',
] as const;
const clock = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

function randomCalendar(r: ReturnType<typeof random>): BusinessCalendar {
  const week: BusinessCalendar['week'] = {};
  for (const day of [1, 2, 3, 4, 5, 6, 7] as const) {
    if (r.next() < 0.25) continue;
    // Up to three shifts on 15-minute marks, some running to midnight.
    const marks = [...new Set(Array.from({ length: r.int(1, 3) * 2 }, () => r.int(0, 96) * 15))].sort((a, b) => a - b);
    const hours: WorkingInterval[] = [];
    for (let i = 0; i + 1 < marks.length; i += 2) hours.push({ start: clock(marks[i]!), end: clock(marks[i + 1]!) });
    week[day] = hours;
  }
  if (Object.values(week).every((h) => h.length === 0)) week[3] = [{ start: '10:00', end: '11:00' }];
  const holidays = Array.from({ length: r.int(0, 20) }, () =>
    new Date(Date.UTC(2024, 0, 1) + r.int(0, 1000) * 86_400_000).toISOString().slice(0, 10),
  );
  return { timeZone: r.pick(zones), week, holidays: new Set(holidays) };
}

const randomInstant = (r: ReturnType<typeof random>) =>
  new Date(Date.UTC(2024, 0, 1) + Math.floor(r.next() * 900 * 86_400_000));
const randomAmount = (r: ReturnType<typeof random>) =>
  r.int(1, 3000) * 60_000 + (r.next() < 0.3 ? r.int(0, 59_999) : 0);

describe('business calendar arithmetic, properties over random calendars', () => {
  const cases = 250;
  const seeds = Array.from({ length: cases }, (_, i) => 0x5eed + i * 7919);

  it('lands inside working time and adds up: between(T, add(T, n)) = n', () => {
    for (const seed of seeds) {
      const r = random(seed);
      const calendar = randomCalendar(r);
      const from = randomInstant(r);
      const n = randomAmount(r);
      const due = addBusinessTime(calendar, from, n);
      expect(due.getTime(), `seed ${seed}`).toBeGreaterThan(from.getTime());
      expect(
        isWorkingTime(calendar, new Date(due.getTime() - 1)),
        `seed ${seed}: ${due.toISOString()} in ${calendar.timeZone}`,
      ).toBe(true);
      expect(businessTimeBetween(calendar, from, due), `seed ${seed}`).toBe(n);
    }
  });

  it('is additive: add(add(T, a), b) = add(T, a + b)', () => {
    for (const seed of seeds) {
      const r = random(seed);
      const calendar = randomCalendar(r);
      const from = randomInstant(r);
      const [a, b] = [randomAmount(r), randomAmount(r)];
      expect(addBusinessTime(calendar, addBusinessTime(calendar, from, a), b).getTime(), `seed ${seed}`).toBe(
        addBusinessTime(calendar, from, a + b).getTime(),
      );
      const mid = addBusinessTime(calendar, from, a);
      const end = addBusinessTime(calendar, from, a + b);
      expect(businessTimeBetween(calendar, from, mid) + businessTimeBetween(calendar, mid, end), `seed ${seed}`).toBe(
        businessTimeBetween(calendar, from, end),
      );
    }
  });

  it('is monotone in the start and in the amount', () => {
    for (const seed of seeds) {
      const r = random(seed);
      const calendar = randomCalendar(r);
      const t1 = randomInstant(r);
      const t2 = new Date(t1.getTime() + r.int(0, 5 * 86_400_000));
      const [n1, n2] = [randomAmount(r), randomAmount(r)].sort((x, y) => x - y) as [number, number];
      expect(addBusinessTime(calendar, t1, n1).getTime(), `seed ${seed}`).toBeLessThanOrEqual(
        addBusinessTime(calendar, t2, n1).getTime(),
      );
      expect(addBusinessTime(calendar, t1, n1).getTime(), `seed ${seed}`).toBeLessThanOrEqual(
        addBusinessTime(calendar, t1, n2).getTime(),
      );
      expect(businessTimeBetween(calendar, t1, t2), `seed ${seed}`).toBeLessThanOrEqual(t2.getTime() - t1.getTime());
    }
  });

  it('keeps working hours on the local clock through DST changes', () => {
    for (const seed of seeds) {
      const r = random(seed);
      const timeZone = r.pick(zones);
      const start = r.int(6, 11) * 60;
      const length = r.int(1, 10) * 60;
      const calendar: BusinessCalendar = {
        timeZone,
        week: { 1: [{ start: clock(start), end: clock(start + length) }] },
        holidays: [],
      };
      const from = randomInstant(r);
      const weeks = r.int(1, 30);
      // Whole weeks of business time, each a Monday of exactly `length` minutes, DST or not.
      const due = addBusinessTime(calendar, from, weeks * length * 60_000);
      const dueLocal = new Date(
        due.getTime() +
          (Date.parse(`${localDateOf(timeZone, due.getTime())}T00:00:00Z`) -
            instantOfLocal(timeZone, localDateOf(timeZone, due.getTime()), 0)),
      );
      expect(new Date(dueLocal).getUTCDay(), `seed ${seed}`).toBe(1);
      expect(dueLocal.getUTCHours() * 60 + dueLocal.getUTCMinutes(), `seed ${seed} ${timeZone}`).toBeGreaterThan(start);
      expect(dueLocal.getUTCHours() * 60 + dueLocal.getUTCMinutes(), `seed ${seed} ${timeZone}`).toBeLessThanOrEqual(
        start + length,
      );
    }
  });
});
