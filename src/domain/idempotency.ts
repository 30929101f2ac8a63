import { createHash } from 'node:crypto';

/**
 * The id of the work entry an Idempotency-Key stands for: a UUID (version 5's layout, SHA-256
 * instead of SHA-1) of the ticket, the operator and the key, so the same key from the same
 * operator on the same ticket is the same entry, and one operator's key never names another's.
 */
export function keyedEntryId(ticketId: number, operatorId: string, key: string): string {
  const hex = createHash('sha256').update(`work\u0000${ticketId}\u0000${operatorId}\u0000${key}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A value as JSON with every object's keys in order: the same request, however its sender ordered it. */
const canonical = (value: unknown): string =>
  Array.isArray(value)
    ? `[${value.map(canonical).join(',')}]`
    : value !== null && typeof value === 'object'
      ? `{${Object.keys(value)
          .sort()
          .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
          .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
          .join(',')}}`
      : JSON.stringify(value);

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

/**
 * What an Idempotency-Key of a ticket's filing is kept under: a hash of the key and whose it is —
 * the member of staff who files, else the client's contact as given — so one filer's key never
 * names another's ticket; and a hash of the request, to tell a retry from another ticket.
 */
export function intakeKeyOf(
  ticket: { client: { email?: string | null; phone?: string | null } },
  identifiedBy: string | undefined,
  idempotencyKey: string,
): { key: string; requestHash: string } {
  const filer = identifiedBy
    ? `staff\u0000${identifiedBy}`
    : `client\u0000${ticket.client.email ?? ''}\u0000${ticket.client.phone ?? ''}`;
  return { key: sha256(`intake\u0000${filer}\u0000${idempotencyKey}`), requestHash: sha256(canonical(ticket)) };
}
