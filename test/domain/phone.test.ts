import { describe, expect, it } from 'vitest';
import { normalizePhone, phoneCountryCodes } from '../../src/domain/phone';

describe('normalizePhone with a default country', () => {
  it.each([
    ['8 912 345-67-89', 'the trunk prefix 8'],
    ['+7 (912) 345-67-89', 'E.164 written with brackets'],
    ['79123456789', 'the country code without the plus'],
    ['(912) 345 67 89', 'the national number alone'],
    ['0079123456789', 'the international prefix 00'],
  ])('reads %s (%s) in RU as +79123456789', (text) => {
    expect(normalizePhone(text, 'RU')).toBe('+79123456789');
  });

  it('is RU when no country is given', () => {
    expect(normalizePhone('8 912 345-67-89')).toBe('+79123456789');
  });

  it('reads bare numbers in the country given', () => {
    expect(normalizePhone('050 123 4567', 'UA')).toBe('+380501234567');
    expect(normalizePhone('501234567', 'UA')).toBe('+380501234567');
    expect(normalizePhone('8029 123 45 67', 'BY')).toBe('+375291234567');
    expect(normalizePhone('07700 900123', 'GB')).toBe('+447700900123');
    expect(normalizePhone('(212) 555-0123', 'US')).toBe('+12125550123');
    expect(normalizePhone('1 212 555 0123', 'US')).toBe('+12125550123');
  });

  it('reads a number with + the same in every country', () => {
    for (const country of phoneCountryCodes) {
      expect(normalizePhone('+7 912 345 67 89', country)).toBe('+79123456789');
      expect(normalizePhone('+44 7700 900123', country)).toBe('+447700900123');
    }
  });

  it('does not read a RU trunk 8 as the country code elsewhere', () => {
    expect(normalizePhone('8 912 345-67-89', 'UA')).toBe('+89123456789');
    expect(normalizePhone('8 912 345-67-89', 'RU')).toBe('+79123456789');
  });

  it('is idempotent: an E.164 number normalises to itself', () => {
    for (const text of ['+79123456789', '+380501234567', '+12125550123'])
      for (const country of phoneCountryCodes) expect(normalizePhone(text, country)).toBe(text);
  });

  it.each([['anonymous'], ['123'], ['+7 912'], ['sip:101@pbx'], ['']])('rejects %j', (text) => {
    expect(normalizePhone(text, 'RU')).toBeUndefined();
  });
});
