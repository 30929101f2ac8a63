/**
 * Phone numbers as the desk stores and looks them up: E.164 (`+` and up to 15 digits). A number
 * written with `+` (or the international prefix `00`) is read as it is; one written without is
 * read in the desk's default country (PHONE_DEFAULT_COUNTRY): its trunk prefix (RU `8`, UA `0`)
 * and its bare national numbers (countries whose numbers have one length). Pure: the one home of the rule, for every channel.
 */
interface CountryPlan {
  /** The country calling code, without the `+`. */
  code: string;
  /** How many digits a national (significant) number has. */
  national: number;
  /** The prefix dialled before a national number inside the country. */
  trunk: string;
}

/** The countries a desk may read bare numbers in; a number with `+` may be of any country. */
export const phoneCountries = {
  RU: { code: '7', national: 10, trunk: '8' },
  KZ: { code: '7', national: 10, trunk: '8' },
  BY: { code: '375', national: 9, trunk: '80' },
  UA: { code: '380', national: 9, trunk: '0' },
  US: { code: '1', national: 10, trunk: '1' },
  GB: { code: '44', national: 10, trunk: '0' },
} as const satisfies Record<string, CountryPlan>;
export type PhoneCountry = keyof typeof phoneCountries;
export const phoneCountryCodes = Object.keys(phoneCountries) as PhoneCountry[];

export const DEFAULT_PHONE_COUNTRY: PhoneCountry = 'RU';

const WRITTEN = /^[+(\d][\d\s().-]*$/;

/** The number in E.164, or undefined when the text cannot be a phone number. */
export function normalizePhone(text: string, country: PhoneCountry = DEFAULT_PHONE_COUNTRY): string | undefined {
  const trimmed = text.trim();
  if (!WRITTEN.test(trimmed)) return undefined;
  const digits = trimmed.replace(/\D/g, '');
  const e164 = trimmed.startsWith('+')
    ? digits
    : digits.startsWith('00')
      ? digits.slice(2)
      : inCountry(digits, phoneCountries[country]);
  if (e164.length < 10 || e164.length > 15) return undefined;
  return `+${e164}`;
}

/** A number written without `+`: national, with the trunk prefix, or with the country code. */
function inCountry(digits: string, plan: CountryPlan): string {
  if (digits.length === plan.national) return `${plan.code}${digits}`;
  if (digits.length === plan.trunk.length + plan.national && digits.startsWith(plan.trunk))
    return `${plan.code}${digits.slice(plan.trunk.length)}`;
  // Anything else is taken as written with its country code (79161234567, 447700900123).
  return digits;
}
