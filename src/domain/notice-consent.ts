/**
 * Which of a client's notices wait for their consent to notifications (#13). A service desk
 * must still tell a client what the service they asked for needs them to know, and must answer
 * what they wrote; everything else it says on its own initiative only with their consent:
 *
 * - `answer`: a reply to the client's own message — the bot's "registered" and "added to your
 *   ticket", the answer to a status question. Always sent: the client asked.
 * - `transactional`: the resolution notice (the work is done, the device can be collected, with
 *   the price) and the link that asks a known client to confirm a ticket filed with their contact
 *   (it protects them). Always sent.
 * - `progress`: the accepted notice (a specialist took it, price and due date). Only with consent:
 *   the client who withdrew follows the ticket on its status page or asks (/status, a reply).
 * - Marketing is never sent by the desk; a notice of a kind not listed here waits for consent too,
 *   until it is classified.
 */
export type NoticeKind = 'answer' | 'transactional' | 'progress';

const kinds: Array<[RegExp, NoticeKind]> = [
  [/^registered$/u, 'answer'],
  [/^status:/u, 'answer'],
  [/^resolution(:\d+)?$/u, 'transactional'],
  [/^client-confirmation$/u, 'transactional'],
  [/^accepted(:\d+)?$/u, 'progress'],
];

/** The kind of a client notice by its outbox purpose (`accepted:2` is the second round's accepted notice); null: unclassified. */
export function noticeKindOf(purpose: string): NoticeKind | null {
  return kinds.find(([pattern]) => pattern.test(purpose))?.[1] ?? null;
}

/** Whether a client notice with this purpose is sent only while the client consents to notifications. */
export function needsNotificationConsent(purpose: string): boolean {
  const kind = noticeKindOf(purpose);
  return kind === null || kind === 'progress';
}

/** The latest consent record of its kind, as the client profile keeps it; none: never asked. */
export interface ConsentRecord {
  granted: boolean;
  at: Date;
}

/**
 * Why a notice is not sent, or null to send it. With no record the desk sends as it always did
 * (consent to service notices is part of filing a request); only a withdrawal recorded stops them.
 */
export function consentReasonToSkip(purpose: string, notifications: ConsentRecord | null): string | null {
  if (!needsNotificationConsent(purpose) || !notifications || notifications.granted) return null;
  return `the client withdrew consent to notifications on ${notifications.at.toISOString().slice(0, 10)}`;
}
