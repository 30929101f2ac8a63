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
