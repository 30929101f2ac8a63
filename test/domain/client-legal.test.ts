import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  accountWithKey,
  correspondentAccountProblem,
  imeiProblem,
  innCheckDigits,
  innProblem,
  kppProblem,
  legalDetailsProblems,
  luhnCheckDigit,
  ogrnCheckDigit,
  ogrnProblem,
  settlementAccountProblem,
} from '../../src/domain/client-legal';

const digitString = (length: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: length, maxLength: length }).map((d) => d.join(''));

/** The same string with the digit at `position` replaced by another one. */
const mutated = (value: string, position: number, shift: number) =>
  value.slice(0, position) + ((Number(value[position]) + shift) % 10) + value.slice(position + 1);

// Published details of ПАО Сбербанк (ИНН, ОГРН, БИК, корр. счёт) and of an individual entrepreneur.
const SBER = {
  inn: '7707083893',
  kpp: '773601001',
  ogrn: '1027700132195',
  bik: '044525225',
  corr: '30101810400000000225',
};

describe('ИНН', () => {
  it('accepts known valid numbers, 10 and 12 digits', () => {
    for (const inn of [SBER.inn, '7830002293', '500100732259']) expect(innProblem(inn), inn).toBeNull();
  });

  it('refuses a wrong check digit, a wrong length and letters, saying which', () => {
    expect(innProblem('7707083894')).toBe('checksum does not match');
    expect(innProblem('500100732258')).toBe('checksum does not match');
    expect(innProblem('500100732269')).toBe('checksum does not match');
    expect(innProblem('77070838')).toMatch(/10 digits .* or 12/);
    expect(innProblem('77070838931')).toMatch(/10 digits/);
    expect(innProblem('77070838a3')).toMatch(/10 digits/);
  });

  it('property: a prefix with its computed check digits is valid; any other last digit is not', () => {
    fc.assert(
      fc.property(fc.oneof(digitString(9), digitString(10)), fc.integer({ min: 1, max: 9 }), (prefix, shift) => {
        const inn = prefix + innCheckDigits(prefix);
        expect(innProblem(inn)).toBeNull();
        expect(innProblem(mutated(inn, inn.length - 1, shift))).toBe('checksum does not match');
      }),
    );
  });
});

describe('ОГРН / ОГРНИП', () => {
  it('accepts known valid numbers and refuses a wrong check digit', () => {
    expect(ogrnProblem(SBER.ogrn)).toBeNull();
    expect(ogrnProblem('304500116000157')).toBeNull();
    expect(ogrnProblem('1027700132196')).toBe('check digit does not match');
    expect(ogrnProblem('304500116000158')).toBe('check digit does not match');
    expect(ogrnProblem('10277001321')).toMatch(/13 digits/);
  });

  it('property: the computed check digit validates, every other one does not', () => {
    fc.assert(
      fc.property(fc.oneof(digitString(12), digitString(14)), fc.integer({ min: 1, max: 9 }), (prefix, shift) => {
        const ogrn = prefix + ogrnCheckDigit(prefix);
        expect(ogrnProblem(ogrn)).toBeNull();
        expect(ogrnProblem(mutated(ogrn, ogrn.length - 1, shift))).toBe('check digit does not match');
      }),
    );
  });
});

describe('КПП', () => {
  it('4 digits, 2 digits or capital letters, 3 digits', () => {
    expect(kppProblem(SBER.kpp)).toBeNull();
    expect(kppProblem('7736AB001')).toBeNull();
    expect(kppProblem('77360100')).toMatch(/9 characters/);
    expect(kppProblem('7736ab001')).toMatch(/9 characters/);
  });
});

describe('bank accounts against the БИК', () => {
  it('accepts Sberbank’s correspondent account with its БИК, refuses it with another', () => {
    expect(correspondentAccountProblem(SBER.corr, SBER.bik)).toBeNull();
    expect(correspondentAccountProblem(SBER.corr, '044030653')).toBe("control key does not match the bank's БИК");
    expect(correspondentAccountProblem('40702810400000000225', SBER.bik)).toMatch(/starting with 301/);
  });

  it('property: an account keyed to a БИК validates; changing any one of its digits breaks the key', () => {
    fc.assert(
      fc.property(
        digitString(20),
        digitString(7),
        fc.integer({ min: 0, max: 19 }),
        fc.integer({ min: 1, max: 9 }),
        (raw, bikTail, position, shift) => {
          const bik = `04${bikTail}`;
          const account = accountWithKey(raw, bik, 'settlement');
          expect(settlementAccountProblem(account, bik)).toBeNull();
          // Weights 7, 1 and 3 are prime to 10: a one-digit change always moves the sum's last digit.
          expect(settlementAccountProblem(mutated(account, position, shift), bik)).toBe(
            "control key does not match the bank's БИК",
          );
        },
      ),
    );
  });
});

describe('IMEI', () => {
  it('accepts a valid IMEI and refuses a wrong Luhn digit or length', () => {
    expect(imeiProblem('490154203237518')).toBeNull();
    expect(imeiProblem('490154203237519')).toBe('Luhn check digit does not match');
    expect(imeiProblem('49015420323751')).toBe('must be 15 digits');
  });

  it('property: Luhn catches every one-digit change', () => {
    fc.assert(
      fc.property(digitString(14), fc.integer({ min: 0, max: 14 }), fc.integer({ min: 1, max: 9 }), (prefix, p, s) => {
        const imei = prefix + luhnCheckDigit(prefix);
        expect(imeiProblem(imei)).toBeNull();
        expect(imeiProblem(mutated(imei, p, s))).toBe('Luhn check digit does not match');
      }),
    );
  });
});

describe('legal details together', () => {
  it('names each bad field, and details that do not fit together', () => {
    expect(
      legalDetailsProblems({
        kind: 'company',
        inn: SBER.inn,
        kpp: SBER.kpp,
        ogrn: SBER.ogrn,
        bankBik: SBER.bik,
        bankCorrAccount: SBER.corr,
      }),
    ).toEqual([]);
    expect(legalDetailsProblems({ kind: 'company', inn: '7707083894', ogrn: '1027700132196' })).toEqual([
      'inn: checksum does not match',
      'ogrn: check digit does not match',
    ]);
    expect(legalDetailsProblems({ kind: 'company', inn: '500100732259', kpp: SBER.kpp, ogrn: SBER.ogrn })).toEqual([
      'kpp: an individual entrepreneur (12-digit ИНН) has none',
      'ogrn: an individual entrepreneur (12-digit ИНН) has a 15-digit ОГРНИП',
    ]);
    expect(legalDetailsProblems({ kind: 'person', inn: SBER.inn })).toEqual([
      'inn: only a company has one (kind is "person")',
    ]);
    expect(legalDetailsProblems({ kind: 'company', bankAccount: '40702810938000000000' })).toEqual([
      "bankAccount: needs the bank's БИК (bankBik) to be checked",
    ]);
  });
});
