import { noticeChannels, type NoticeChannel } from './enums';

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

/** A consent record as the client profile keeps it: given or withdrawn, on one channel or (null) on every one. */
export interface ConsentRecord {
  granted: boolean;
  at: Date;
  channel: NoticeChannel | null;
}

/**
 * The record that decides a kind of consent on a channel: the latest (by its date, then as
 * recorded) that names the channel or names none. So "no notifications" then "SMS is fine" leaves
 * SMS given and the others withdrawn; "no SMS" then "everything is fine" gives SMS again.
 * `records` of one kind, in any order; null: never asked on that channel.
 */
export function consentOn<R extends ConsentRecord & { id?: number }>(
  records: readonly R[],
  channel: NoticeChannel,
): R | null {
  let deciding: R | null = null;
  for (const record of records) {
    if (record.channel !== null && record.channel !== channel) continue;
    if (
      !deciding ||
      record.at.getTime() > deciding.at.getTime() ||
      (record.at.getTime() === deciding.at.getTime() && (record.id ?? 0) > (deciding.id ?? 0))
    )
      deciding = record;
  }
  return deciding;
}

const channelNames: Record<NoticeChannel, string> = { email: 'e-mail', sms: 'SMS', telegram: 'Telegram' };

/**
 * Why a notice is not sent on a channel, or null to send it there. With no record the desk sends
 * as it always did (consent to service notices is part of filing a request); only a withdrawal
 * recorded stops them, on the channels it covers. `goesOn`: the client still consents on another
 * channel, so the notice goes on there (the sender's next channel) instead of being held.
 */
export function consentReasonToSkip(
  purpose: string,
  notifications: readonly ConsentRecord[],
  channel: NoticeChannel,
): { reason: string; goesOn: boolean } | null {
  if (!needsNotificationConsent(purpose)) return null;
  const withdrawnOn = (c: NoticeChannel) => consentOn(notifications, c)?.granted === false;
  const deciding = consentOn(notifications, channel);
  if (!deciding || deciding.granted) return null;
  const on = deciding.channel === null ? '' : ` by ${channelNames[deciding.channel]}`;
  return {
    reason: `the client withdrew consent to notifications${on} on ${deciding.at.toISOString().slice(0, 10)}`,
    goesOn: noticeChannels.some((other) => other !== channel && !withdrawnOn(other)),
  };
}
