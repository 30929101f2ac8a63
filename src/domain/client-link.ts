import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A client's link (the survey page) carries a per-ticket secret the desk keeps only as its
 * SHA-256: a copy of the database opens no client's link. Hex, as PostgreSQL's
 * encode(sha256(...), 'hex') writes it (migration 0011 hashed the tokens stored before).
 */
export const linkTokenHash = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/** Compared in constant time, digest against digest, whatever the given token's length. */
export function isLinkToken(storedHash: string, given: string): boolean {
  const stored = Buffer.from(storedHash, 'hex');
  const offered = Buffer.from(linkTokenHash(given), 'hex');
  return stored.length === offered.length && timingSafeEqual(stored, offered);
}

/** The token of a link in a notice's text (`…/survey/1001#token=…`). */
export const linkTokenIn = (text: string) => /[#?&]token=([\w-]+)/.exec(text)?.[1];

/** A new link secret: 144 random bits, URL-safe. */
export const newLinkToken = () => randomBytes(18).toString('base64url');

/** A text with its links' secrets blanked (the copy a desk keeps of what it sent). */
export const withoutLinkTokens = (text: string) => text.replace(/([#?&]token=)[\w-]+/g, '$1[redacted]');
