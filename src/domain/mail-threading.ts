import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Which ticket a reply belongs to. The desk signs the Message-IDs of its mail and the
 * plus-address it replies from with an HMAC of the ticket number under the desk's secret, so a
 * reference to one of them cannot be forged by guessing a number.
 */

const SIGNATURE_LENGTH = 12;

const signatureOf = (ticketId: number, secret: string) =>
  createHmac('sha256', secret).update(`ticket:${ticketId}`).digest('hex').slice(0, SIGNATURE_LENGTH);

const signatureMatches = (ticketId: number, signature: string, secret: string) => {
  const expected = Buffer.from(signatureOf(ticketId, secret));
  const given = Buffer.from(signature.toLowerCase());
  return given.length === expected.length && timingSafeEqual(given, expected);
};

/** `<ticket-1001.resolution-2.<signature>@host>`: the purpose keeps each notice's id unique. */
export function signedMessageId(ticketId: number, purpose: string, host: string, secret: string): string {
  const safePurpose = purpose.replace(/[^\w-]/gu, '-');
  return `<ticket-${ticketId}.${safePurpose}.${signatureOf(ticketId, secret)}@${host}>`;
}

/** The ticket a Message-ID of ours names, when its signature holds; null for anything else. */
export function ticketOfSignedMessageId(messageId: string, secret: string): number | null {
  const match = /^<?ticket-(\d{1,12})\.[\w-]+\.([0-9a-f]{12})@[^>]+>?$/iu.exec(messageId.trim());
  if (!match) return null;
  const ticketId = Number(match[1]);
  return signatureMatches(ticketId, match[2]!, secret) ? ticketId : null;
}

/** `desk@example.com` → `desk+t1001.<signature>@example.com`: a reply to it threads even without headers. */
export function signedPlusAddress(address: string, ticketId: number, secret: string): string {
  const at = address.lastIndexOf('@');
  return `${address.slice(0, at)}+t${ticketId}.${signatureOf(ticketId, secret)}${address.slice(at)}`;
}

/** The ticket a recipient's plus-part names, when its signature holds. */
export function ticketOfPlusAddress(address: string, secret: string): number | null {
  const match = /^[^@+\s]+\+t(\d{1,12})\.([0-9a-f]{12})@/iu.exec(address.trim());
  if (!match) return null;
  const ticketId = Number(match[1]);
  return signatureMatches(ticketId, match[2]!, secret) ? ticketId : null;
}

/** What a message says about its thread, gathered by the pipeline. */
export interface ThreadClues {
  /** In-Reply-To first, then References, newest last. */
  references: string[];
  recipients: string[];
  /** The ticket number in `[#…]` of the subject, if any. */
  subjectNumber: number | null;
  sender: string;
}

/** What the desk knows of the tickets the clues point at: asked by the pipeline from the database. */
export interface ThreadLookup {
  /** The ticket that has a message (an article or a notice) with one of these Message-IDs. */
  ticketByMessageId(messageIds: string[]): Promise<number | null>;
  /** The ticket's client's address and the addresses that wrote to it before; null: no such ticket. */
  addressesOf(ticketId: number): Promise<string[] | null>;
}

export type Thread =
  | { ticketId: number; by: 'signed_reference' | 'plus_address' | 'message_id' | 'subject_number' }
  | { ticketId: null; by: 'new_ticket' };

/**
 * Strictest first: our signed Message-ID in the references; our signed plus-address; any
 * Message-ID the ticket already has; a `[#number]` only from the ticket's client or a
 * participant; else a new ticket.
 */
export async function findThread(clues: ThreadClues, secret: string, lookup: ThreadLookup): Promise<Thread> {
  for (const reference of [...clues.references].reverse()) {
    const ticketId = ticketOfSignedMessageId(reference, secret);
    if (ticketId !== null) return { ticketId, by: 'signed_reference' };
  }
  for (const recipient of clues.recipients) {
    const ticketId = ticketOfPlusAddress(recipient, secret);
    if (ticketId !== null) return { ticketId, by: 'plus_address' };
  }
  if (clues.references.length > 0) {
    const ticketId = await lookup.ticketByMessageId(clues.references);
    if (ticketId !== null) return { ticketId, by: 'message_id' };
  }
  if (clues.subjectNumber !== null) {
    const addresses = await lookup.addressesOf(clues.subjectNumber);
    if (addresses?.includes(clues.sender.toLowerCase())) return { ticketId: clues.subjectNumber, by: 'subject_number' };
  }
  return { ticketId: null, by: 'new_ticket' };
}
