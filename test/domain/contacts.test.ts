import { describe, expect, it } from 'vitest';
import { normalizeEmail, normalizePhone } from '../../src/domain/contacts';

describe('normalizePhone', () => {
  it.each([
    ['8 (916) 123-45-67', 'trunk prefix 8 with brackets and dashes'],
    ['89161234567', 'trunk prefix 8, digits only'],
    ['9161234567', 'ten digits, no country code'],
    ['+7 916 123 45 67', 'E.164 with spaces'],
    ['+7 (916) 123-45-67', 'E.164 with brackets and dashes'],
    ['79161234567', 'country code without the plus'],
    ['  +79161234567  ', 'surrounding spaces'],
    ['8.916.123.45.67', 'dots'],
  ])('reads %s (%s) as +79161234567', (text) => {
    expect(normalizePhone(text)).toBe('+79161234567');
  });

  it('keeps a Russian landline written with the trunk prefix', () => {
    expect(normalizePhone('8 (495) 123-45-67')).toBe('+74951234567');
  });

  it('keeps foreign numbers written with their country code', () => {
    expect(normalizePhone('+44 7700 900123')).toBe('+447700900123');
    expect(normalizePhone('+1 (212) 555-0123')).toBe('+12125550123');
    expect(normalizePhone('+380 44 123 4567')).toBe('+380441234567');
  });

  it('does not take a foreign number starting with 8 for a Russian one when it has a plus', () => {
    expect(normalizePhone('+81 3 1234 5678')).toBe('+81312345678');
  });

  it('reads the bracketed area code without a prefix, (916) 123-45-67, as +79161234567', () => {
    expect(normalizePhone('(916) 123-45-67')).toBe('+79161234567');
  });

  it.each([
    ['8 916 CALL ME', 'letters'],
    ['+7 916 123 45 67 доб. 12', 'an extension in words'],
    ['tel:+79161234567', 'a URI scheme'],
    ['+7-916-I23-45-67', 'a letter I for a one'],
    ['', 'empty'],
    ['   ', 'blanks'],
    ['+', 'a plus alone'],
    ['++79161234567', 'a doubled plus'],
    ['79+161234567', 'a plus inside'],
    ['123-45-67', 'seven digits: a local number without the area code'],
    ['+7 916 123', 'too short'],
    ['916123456', 'nine digits'],
    ['+1234567890123456', 'sixteen digits: longer than E.164 allows'],
  ])('rejects %j (%s)', (text) => {
    expect(normalizePhone(text)).toBeUndefined();
  });

  it('accepts the E.164 bounds, 10 and 15 digits', () => {
    expect(normalizePhone('+1234567890')).toBe('+1234567890');
    expect(normalizePhone('+123456789012345')).toBe('+123456789012345');
  });
});

describe('normalizeEmail', () => {
  it('trims and lower-cases the address', () => {
    expect(normalizeEmail('  Ivan.Petrov@Example.RU ')).toBe('ivan.petrov@example.ru');
  });

  it('keeps plus tags, subdomains and Cyrillic domains', () => {
    expect(normalizeEmail('anna+desk@mail.example.co.uk')).toBe('anna+desk@mail.example.co.uk');
    expect(normalizeEmail('Оператор@Почта.РФ')).toBe('оператор@почта.рф');
  });

  it.each([
    ['', 'empty'],
    ['ivan.petrov', 'no at sign'],
    ['ivan@', 'no domain'],
    ['@example.ru', 'no local part'],
    ['ivan@example', 'no dot in the domain'],
    ['ivan@@example.ru', 'two at signs'],
    ['ivan petrov@example.ru', 'a space inside'],
    ['ivan@example.ru, anna@example.ru', 'two addresses'],
  ])('rejects %j (%s)', (text) => {
    expect(normalizeEmail(text)).toBeUndefined();
  });
});
