/**
 * What an e-mail's text means to the desk: its subject without reply and forward prefixes, the
 * ticket number a client wrote in it, and attachment names that are safe to show and store.
 */

/** Re:, Fwd:, Fw:, Отв:, Ответ:, Пересл:, with counters (Re[2]:, Re(3):) and repeated, in any case. */
const replyPrefix = /^\s*(?:re|fwd?|aw|wg|отв|ответ|пересл|переслано)\s*(?:\[\d+\]|\(\d+\))?\s*:\s*/iu;

export function normalizeSubject(subject: string): string {
  let text = subject.replace(/\s+/gu, ' ').trim();
  for (let previous = ''; previous !== text;) {
    previous = text;
    text = text.replace(replyPrefix, '').trim();
  }
  return text;
}

/** The `[#1234]` a reply keeps in its subject; null when there is none. */
export function ticketNumberInSubject(subject: string): number | null {
  const match = /\[#(\d{1,12})\]/u.exec(subject);
  if (!match) return null;
  const number = Number(match[1]);
  return Number.isSafeInteger(number) && number > 0 ? number : null;
}

/** The subject the desk writes on its own mail, so the client's reply carries the number back. */
export const subjectWithNumber = (ticketId: number, subject: string) =>
  ticketNumberInSubject(subject) === ticketId ? subject : `[#${ticketId}] ${subject}`;

const MAX_NAME = 120;

/**
 * An attachment's name with no path in it (`../../etc/passwd` → `passwd`), no control or
 * reserved characters, not hidden, and not too long; `attachment` when nothing is left.
 */
export function sanitizeAttachmentName(name: string | undefined | null): string {
  const base = (name ?? '').split(/[\\/]/u).pop() ?? '';
  let clean = base
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f<>:"|?*]/gu, '_')
    .replace(/^[.\s]+/u, '')
    .trim();
  if (clean.length > MAX_NAME) {
    const dot = clean.lastIndexOf('.');
    const extension = dot > 0 && clean.length - dot <= 10 ? clean.slice(dot) : '';
    clean = clean.slice(0, MAX_NAME - extension.length) + extension;
  }
  return clean || 'attachment';
}

/** `Service Desk <desk@example.com>` → `desk@example.com`, lower-cased. */
export function bareAddress(mailbox: string): string {
  const angled = /<([^<>]+)>\s*$/u.exec(mailbox);
  return (angled ? angled[1]! : mailbox).trim().toLowerCase();
}
