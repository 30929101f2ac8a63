/**
 * The legal details an invoice to a company needs, and their check digits: ИНН, КПП, ОГРН /
 * ОГРНИП, БИК, расчётный and корреспондентский счёт. Pure; the one home of these rules. Each
 * check answers null when the value is right, or what is wrong with it (the API prefixes the field).
 */

const digits = (value: string) => [...value].map(Number);
const weighted = (value: string, weights: readonly number[]) =>
  weights.reduce((sum, weight, i) => sum + weight * Number(value[i]), 0);

const INN_10 = [2, 4, 10, 3, 5, 9, 4, 6, 8] as const;
const INN_11 = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8] as const;
const INN_12 = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8] as const;

const checkDigit = (value: string, weights: readonly number[]) => (weighted(value, weights) % 11) % 10;

/** The check digits an ИНН's first 9 (organisation) or 10 (individual) digits call for. */
export function innCheckDigits(prefix: string): string {
  if (prefix.length === 9) return String(checkDigit(prefix, INN_10));
  const n11 = checkDigit(prefix, INN_11);
  return `${n11}${checkDigit(prefix + n11, INN_12)}`;
}

/** ИНН: 10 digits for an organisation, 12 for an individual (entrepreneur), with its check digits. */
export function innProblem(inn: string): string | null {
  if (!/^(\d{10}|\d{12})$/.test(inn)) return 'must be 10 digits (an organisation) or 12 (an individual entrepreneur)';
  const prefix = inn.slice(0, inn.length === 10 ? 9 : 10);
  return innCheckDigits(prefix) === inn.slice(prefix.length) ? null : 'checksum does not match';
}

/** КПП: 4 digits (the tax office), 2 digits or capital Latin letters (the reason), 3 digits. */
export function kppProblem(kpp: string): string | null {
  return /^\d{4}[\dA-Z]{2}\d{3}$/.test(kpp)
    ? null
    : 'must be 9 characters: 4 digits, 2 digits or capital letters, 3 digits';
}

/** The check digit of an ОГРН's first 12 digits (mod 11) or an ОГРНИП's first 14 (mod 13). */
export function ogrnCheckDigit(prefix: string): string {
  const modulus = prefix.length === 12 ? 11n : 13n;
  return String((BigInt(prefix) % modulus) % 10n);
}

/** ОГРН (13 digits, an organisation) or ОГРНИП (15, an individual entrepreneur), with its check digit. */
export function ogrnProblem(ogrn: string): string | null {
  if (!/^(\d{13}|\d{15})$/.test(ogrn)) return 'must be 13 digits (ОГРН) or 15 (ОГРНИП)';
  return ogrnCheckDigit(ogrn.slice(0, -1)) === ogrn.slice(-1) ? null : 'check digit does not match';
}

export function bikProblem(bik: string): string | null {
  return /^04\d{7}$/.test(bik) ? null : 'must be 9 digits starting with 04';
}

const ACCOUNT_WEIGHTS = Array.from({ length: 23 }, (_, i) => [7, 1, 3][i % 3]!);

/** The control key of an account: 3 digits from the БИК and the 20 of the account, weighted 7-1-3, end in 0. */
const keyMatches = (bikPart: string, account: string) => weighted(bikPart + account, ACCOUNT_WEIGHTS) % 10 === 0;

/** Which digits of the БИК key an account: a bank's own (the last three) or, for a corr. account, `0` and the 5th–6th. */
const settlementKey = (bik: string) => bik.slice(6);
const correspondentKey = (bik: string) => `0${bik.slice(4, 6)}`;

/** Расчётный счёт: 20 digits whose control key matches the bank's БИК. */
export function settlementAccountProblem(account: string, bik: string): string | null {
  if (!/^\d{20}$/.test(account)) return 'must be 20 digits';
  return keyMatches(settlementKey(bik), account) ? null : "control key does not match the bank's БИК";
}

/** Корреспондентский счёт: 20 digits, 301…, whose control key matches the БИК. */
export function correspondentAccountProblem(account: string, bik: string): string | null {
  if (!/^301\d{17}$/.test(account)) return 'must be 20 digits starting with 301';
  return keyMatches(correspondentKey(bik), account) ? null : "control key does not match the bank's БИК";
}

/**
 * The digit at `position` (0-based) of a 20-digit account that makes its key match this БИК:
 * what the tests (and a form that suggests a fix) need. Position 8 is the key by convention.
 */
export function accountWithKey(account: string, bik: string, kind: 'settlement' | 'correspondent', position = 8) {
  const bikPart = kind === 'settlement' ? settlementKey(bik) : correspondentKey(bik);
  for (let d = 0; d <= 9; d++) {
    const candidate = account.slice(0, position) + d + account.slice(position + 1);
    if (keyMatches(bikPart, candidate)) return candidate;
  }
  throw new Error('unreachable: weights 7, 1 and 3 are each prime to 10');
}

/** What a client's legal details say, as the API takes them (any of them may be absent). */
export interface LegalDetails {
  kind: 'person' | 'company';
  inn?: string | null;
  kpp?: string | null;
  ogrn?: string | null;
  bankBik?: string | null;
  bankAccount?: string | null;
  bankCorrAccount?: string | null;
}

/**
 * Every problem of a client's legal details as `field: what is wrong`, in the order of the fields:
 * each value's own check, then how they fit together (a КПП only for an organisation's ИНН, an
 * ОГРН of the same kind as the ИНН, accounts only with a БИК to check them by).
 */
export function legalDetailsProblems(details: LegalDetails): string[] {
  const problems: string[] = [];
  const check = (field: string, value: string | null | undefined, problem: (v: string) => string | null) => {
    if (value == null) return;
    const found = problem(value);
    if (found) problems.push(`${field}: ${found}`);
  };
  check('inn', details.inn, innProblem);
  check('kpp', details.kpp, kppProblem);
  check('ogrn', details.ogrn, ogrnProblem);
  check('bankBik', details.bankBik, bikProblem);
  const bik = details.bankBik;
  if (bik && !bikProblem(bik)) {
    check('bankAccount', details.bankAccount, (a) => settlementAccountProblem(a, bik));
    check('bankCorrAccount', details.bankCorrAccount, (a) => correspondentAccountProblem(a, bik));
  } else if (!bik && (details.bankAccount || details.bankCorrAccount))
    problems.push(
      `${details.bankAccount ? 'bankAccount' : 'bankCorrAccount'}: needs the bank's БИК (bankBik) to be checked`,
    );
  if (details.kind === 'person') {
    for (const field of ['inn', 'kpp', 'ogrn'] as const)
      if (details[field] != null) problems.push(`${field}: only a company has one (kind is "person")`);
    return problems;
  }
  const inn = details.inn;
  if (details.kpp != null && inn?.length === 12)
    problems.push('kpp: an individual entrepreneur (12-digit ИНН) has none');
  if (details.ogrn != null && inn != null && !innProblem(inn) && !ogrnProblem(details.ogrn)) {
    const entrepreneur = inn.length === 12;
    if (entrepreneur !== (details.ogrn.length === 15))
      problems.push(
        entrepreneur
          ? 'ogrn: an individual entrepreneur (12-digit ИНН) has a 15-digit ОГРНИП'
          : 'ogrn: an organisation (10-digit ИНН) has a 13-digit ОГРН',
      );
  }
  return problems;
}

/** IMEI: 15 digits, the last a Luhn check digit over the first 14. */
export function imeiProblem(imei: string): string | null {
  if (!/^\d{15}$/.test(imei)) return 'must be 15 digits';
  return luhnValid(imei) ? null : 'Luhn check digit does not match';
}

export function luhnValid(number: string): boolean {
  const sum = digits(number)
    .reverse()
    .reduce((total, digit, i) => {
      if (i % 2 === 0) return total + digit;
      const doubled = digit * 2;
      return total + (doubled > 9 ? doubled - 9 : doubled);
    }, 0);
  return sum % 10 === 0;
}

/** The Luhn check digit a number's digits call for. */
export function luhnCheckDigit(prefix: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(prefix + d)) return String(d);
  throw new Error('unreachable');
}
