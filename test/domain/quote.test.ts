import { describe, expect, it } from 'vitest';
import { quoteFromCatalog } from '../../src/domain/quote';

const acceptedAt = new Date('2024-03-01T10:00:00Z');

describe('quoteFromCatalog', () => {
  it('promises completion norm hours after acceptance', () => {
    const quote = quoteFromCatalog({ price: '2500.00', normHours: '3' }, acceptedAt);
    expect(quote).toEqual({ price: '2500.00', normHours: 3, dueAt: new Date('2024-03-01T13:00:00Z') });
  });

  it.each([
    ['1.5', '2024-03-01T11:30:00.000Z'],
    ['0.25', '2024-03-01T10:15:00.000Z'],
    ['0.10', '2024-03-01T10:06:00.000Z'],
    ['2.75', '2024-03-01T12:45:00.000Z'],
  ])('handles fractional norm hours %s', (normHours, due) => {
    const quote = quoteFromCatalog({ price: '990', normHours }, acceptedAt);
    expect(quote.normHours).toBe(Number(normHours));
    expect(quote.dueAt.toISOString()).toBe(due);
  });

  it('counts wall-clock hours through the night and the weekend', () => {
    const fridayEvening = new Date('2024-03-01T17:00:00Z');
    expect(quoteFromCatalog({ price: '0', normHours: '40' }, fridayEvening).dueAt.toISOString()).toBe('2024-03-03T09:00:00.000Z');
  });

  it.each(['1500.00', '1500', '0.00', '12 500,50', '1e3'])('passes the price %j through as given', (price) => {
    expect(quoteFromCatalog({ price, normHours: '1' }, acceptedAt).price).toBe(price);
  });

  it('leaves the acceptance time untouched', () => {
    const at = new Date(acceptedAt);
    quoteFromCatalog({ price: '100', normHours: '4' }, at);
    expect(at.getTime()).toBe(acceptedAt.getTime());
  });
});
