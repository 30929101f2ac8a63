/**
 * Phone numbers as the desk stores them: E.164 with a leading +. Russian habits are
 * understood: 8 (916) 123-45-67, (916) 123-45-67 and 9161234567 are all +79161234567.
 * Returns undefined when the text cannot be a phone number.
 */
export function normalizePhone(text: string): string | undefined {
  const trimmed = text.trim();
  if (!/^[+(\d][\d\s().-]*$/.test(trimmed)) return undefined;
  let digits = trimmed.replace(/\D/g, '');
  if (!trimmed.startsWith('+')) {
    // Without a +, a desk in Russia reads the national forms: 8 and ten digits, or ten digits alone.
    if (digits.length === 11 && digits.startsWith('8')) digits = `7${digits.slice(1)}`;
    else if (digits.length === 10) digits = `7${digits}`;
  }
  if (digits.length < 10 || digits.length > 15) return undefined;
  return `+${digits}`;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function normalizeEmail(text: string): string | undefined {
  const trimmed = text.trim().toLowerCase();
  return EMAIL.test(trimmed) ? trimmed : undefined;
}

/** A client's phone and e-mail as the desk stores and looks them up; null where not given or not one. */
export function normalizedContact(client: { phone?: string; email?: string }) {
  return {
    phone: client.phone ? (normalizePhone(client.phone) ?? null) : null,
    email: client.email ? (normalizeEmail(client.email) ?? null) : null,
  };
}
