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
