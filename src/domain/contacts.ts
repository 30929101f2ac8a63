import { DEFAULT_PHONE_COUNTRY, normalizePhone, type PhoneCountry } from './phone';

export { normalizePhone } from './phone';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function normalizeEmail(text: string): string | undefined {
  const trimmed = text.trim().toLowerCase();
  return EMAIL.test(trimmed) ? trimmed : undefined;
}

/**
 * A client's phone and e-mail as the desk stores and looks them up; null where not given or not
 * one. Intake writes the phone in E.164 before the ticket's workflow starts (read in the desk's
 * PHONE_DEFAULT_COUNTRY), so a stored intake reads the same in any country.
 */
export function normalizedContact(
  client: { phone?: string; email?: string },
  country: PhoneCountry = DEFAULT_PHONE_COUNTRY,
) {
  return {
    phone: client.phone ? (normalizePhone(client.phone, country) ?? null) : null,
    email: client.email ? (normalizeEmail(client.email) ?? null) : null,
  };
}

/** The kinds of contact a client profile holds, several of each. */
export const contactKinds = ['phone', 'email', 'telegram'] as const;
export type ContactKind = (typeof contactKinds)[number];

const TELEGRAM_USERNAME = /^@?([A-Za-z][A-Za-z0-9_]{4,31})$/;

/** A Telegram username as `@name`, lower-cased (Telegram's usernames ignore case); undefined when not one. */
export function normalizeTelegram(text: string): string | undefined {
  const match = TELEGRAM_USERNAME.exec(text.trim());
  return match ? `@${match[1]!.toLowerCase()}` : undefined;
}

/** A contact as it is stored and looked up, or undefined with what it should look like. */
export function normalizeContactOf(
  kind: ContactKind,
  value: string,
  country: PhoneCountry = DEFAULT_PHONE_COUNTRY,
): { value: string } | { problem: string } {
  const normalized =
    kind === 'phone'
      ? normalizePhone(value, country)
      : kind === 'email'
        ? normalizeEmail(value)
        : normalizeTelegram(value);
  if (normalized) return { value: normalized };
  return {
    problem:
      kind === 'phone'
        ? 'is not a phone number'
        : kind === 'email'
          ? 'is not an e-mail address'
          : 'is not a Telegram username (5–32 letters, digits or _, starting with a letter)',
  };
}
