/**
 * The loop and auto-reply guard: which messages are written by machines. Those are stored and
 * attached, but never answered and never reopen a ticket; a bounce also marks the address that
 * could not be reached.
 */

/** Header names lower-cased, each with its (first) value as text. */
export type MailHeaders = ReadonlyMap<string, string>;

export type AutomaticKind =
  'bounce' | 'auto_submitted' | 'auto_response_suppress' | 'bulk' | 'loop' | 'list' | 'own_domain' | 'mailer_daemon';

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1).toLowerCase();
const localOf = (address: string) => address.slice(0, address.lastIndexOf('@')).toLowerCase();

/**
 * Why a message is automatic, or null for a person's mail. `ownDomains`: the desk's mail
 * domains (mail from them is our own coming back); `loopMarker`: the X-Loop value we send.
 */
export function automaticKind(
  mail: { headers: MailHeaders; from: string; contentType?: string; reportType?: string },
  desk: { ownDomains: readonly string[]; loopMarker: string },
): AutomaticKind | null {
  const header = (name: string) => mail.headers.get(name)?.trim().toLowerCase();
  if (isBounce(mail)) return 'bounce';
  const from = mail.from.toLowerCase();
  if (['mailer-daemon', 'postmaster'].includes(localOf(from)) || from === '') return 'mailer_daemon';
  const autoSubmitted = header('auto-submitted');
  if (autoSubmitted && autoSubmitted.split(';')[0]!.trim() !== 'no') return 'auto_submitted';
  if (header('x-auto-response-suppress')) return 'auto_response_suppress';
  if (['bulk', 'list', 'junk'].includes(header('precedence') ?? '')) return 'bulk';
  const loop = header('x-loop');
  if (loop !== undefined) return 'loop';
  if ([...mail.headers.keys()].some((name) => name.startsWith('list-'))) return 'list';
  if (desk.ownDomains.map((d) => d.toLowerCase()).includes(domainOf(from))) return 'own_domain';
  return null;
}

/** A delivery status notification: multipart/report of type delivery-status. */
export function isBounce(mail: { contentType?: string; reportType?: string }): boolean {
  return mail.contentType?.toLowerCase() === 'multipart/report' && mail.reportType?.toLowerCase() === 'delivery-status';
}

export interface FailedRecipient {
  address: string;
  /** The DSN's status code, e.g. 5.1.1. */
  status: string;
  diagnostic: string | null;
}

/**
 * The permanently failed recipients of a DSN's message/delivery-status part (RFC 3464): each
 * per-recipient block with `Action: failed` or a 5.x.x status. Temporary failures (4.x.x) are
 * not failures of the address.
 */
export function failedRecipients(deliveryStatus: string): FailedRecipient[] {
  const blocks = deliveryStatus.replace(/\r\n/gu, '\n').split(/\n\s*\n/u);
  const failed: FailedRecipient[] = [];
  for (const block of blocks) {
    const fields = new Map<string, string>();
    for (const line of block.replace(/\n[ \t]+/gu, ' ').split('\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) fields.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const recipient = fields.get('final-recipient') ?? fields.get('original-recipient');
    const status = fields.get('status');
    if (!recipient || !status || !/^5\.\d{1,3}\.\d{1,3}/u.test(status)) continue;
    const address = recipient
      .replace(/^rfc822\s*;\s*/iu, '')
      .replace(/^<|>$/gu, '')
      .trim()
      .toLowerCase();
    if (address.includes('@'))
      failed.push({ address, status: status.split(/\s/u)[0]!, diagnostic: fields.get('diagnostic-code') ?? null });
  }
  return failed;
}
