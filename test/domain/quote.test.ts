import { describe, expect, it } from 'vitest';
import { aroundTheClock, type BusinessCalendar } from '../../src/domain/calendar';
import { publicHolidays } from '../../src/domain/holidays';
import { quoteFromCatalog } from '../../src/domain/quote';

const acceptedAt = new Date('2024-03-01T10:00:00Z');
const open = aroundTheClock();
const ruOffice: BusinessCalendar = {
  timeZone: 'Europe/Moscow',
  week: Object.fromEntries(
    [1, 2, 3, 4, 5].map((d) => [
      d,
      [
        { start: '09:00', end: '13:00' },
        { start: '14:00', end: '18:00' },
      ],
    ]),
  ),
  holidays: publicHolidays('RU', 2024),
};

describe('quoteFromCatalog', () => {
  it('promises completion norm hours after acceptance on an around-the-clock calendar', () => {
    const quote = quoteFromCatalog({ price: '2500.00', normHours: '3' }, acceptedAt, open);
    expect(quote).toEqual({ price: '2500.00', normHours: 3, dueAt: new Date('2024-03-01T13:00:00Z') });
  });

  it.each([
    ['1.5', '2024-03-01T11:30:00.000Z'],
    ['0.25', '2024-03-01T10:15:00.000Z'],
    ['0.10', '2024-03-01T10:06:00.000Z'],
    ['2.75', '2024-03-01T12:45:00.000Z'],
  ])('handles fractional norm hours %s', (normHours, due) => {
    const quote = quoteFromCatalog({ price: '990', normHours }, acceptedAt, open);
    expect(quote.normHours).toBe(Number(normHours));
    expect(quote.dueAt.toISOString()).toBe(due);
  });

  it('counts business hours on the team calendar: not the lunch break, the night or the weekend', () => {
    // Friday 1 March 17:00 MSK, 3 norm hours: 1 h on Friday, 2 h from Monday 09:00.
    expect(
      quoteFromCatalog({ price: '0', normHours: '3' }, new Date('2024-03-01T14:00:00Z'), ruOffice).dueAt.toISOString(),
    ).toBe('2024-03-04T08:00:00.000Z');
    // Thursday 7 March 12:00, 8 norm hours: 1 h before lunch, 4 h after; 8 March is a holiday; 3 h on Monday 11th.
    expect(
      quoteFromCatalog({ price: '0', normHours: '8' }, new Date('2024-03-07T09:00:00Z'), ruOffice).dueAt.toISOString(),
    ).toBe('2024-03-11T09:00:00.000Z');
  });

  it.each(['1500.00', '1500', '0.00', '12 500,50', '1e3'])('passes the price %j through as given', (price) => {
    expect(quoteFromCatalog({ price, normHours: '1' }, acceptedAt, open).price).toBe(price);
  });

  it('leaves the acceptance time untouched', () => {
    const at = new Date(acceptedAt);
    quoteFromCatalog({ price: '100', normHours: '4' }, at, ruOffice);
    expect(at.getTime()).toBe(acceptedAt.getTime());
  });
});
