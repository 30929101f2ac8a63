import type { Mailer } from '../src/channels/email';
import { SmsProviderError } from '../src/channels/sms';
import { TelegramApiError } from '../src/channels/telegram-bot-api';
import type { Database } from '../src/db/client';
import { noticeRoute, type NoticeChannel } from '../src/domain/notice-channels';
import { smsLanguageOf, type SmsLanguage } from '../src/domain/sms-text';
import { noticeContactsOfTicket } from '../src/repositories/clients';
import {
  copiesOfNotice,
  enqueueOnce,
  markRefused,
  sendOnce,
  type OutboxTransport,
  type SendOutcome,
} from '../src/repositories/outbox';
import { markChatBlocked, noticeChatOfClient } from '../src/repositories/telegram';
import type { Transaction } from './context';

export interface ClientNotice {
  ticketId: number;
  purpose: string;
  subject: string;
  /** The full text: e-mail and Telegram. */
  body: string;
  /** The short text for an SMS, in the number's language (src/domain/sms-text.ts); no SMS when absent. */
  sms?: (language: SmsLanguage) => string;
  messageId: string;
}

/** A channel passed over or that refused the notice, and why: kept on the ticket with the one that carried it. */
export interface ChannelPassedOver {
  channel: NoticeChannel;
  recipient: string;
  reason: string;
  /** The channel carried it, and its provider reported afterwards that it did not reach the client. */
  undelivered?: true;
}

export interface NoticeSent {
  channel: NoticeChannel;
  recipient: string;
  outcome: SendOutcome;
  passedOver: ChannelPassedOver[];
}

/** The channels a desk has: e-mail always, Telegram and SMS when configured. */
export interface NoticeTransports {
  db: Database;
  mailer: Mailer;
  telegram?: OutboxTransport;
  sms?: OutboxTransport;
}

/** Why a channel will not carry the notice, ever: a chat that blocked the bot, an SMS gateway's permanent refusal; null: try again later. */
function refusalOf(channel: NoticeChannel, error: unknown): string | null {
  if (channel === 'telegram' && error instanceof TelegramApiError && error.chatUnreachable)
    return `the chat cannot be written to (${error.errorCode} ${error.description})`;
  if (channel === 'sms' && error instanceof SmsProviderError && error.permanent) return error.message;
  return null;
}

/**
 * A copy sent that its provider reported it could not deliver (an SMS the gateway gave up on): the
 * client did not get it, so it is not the notice sent, and the notice goes on down the channels
 * (activities/undelivered-notices.ts sends it on when the report comes).
 */
export const reportedUndelivered = (copy: { status: string; delivery: string | null }) =>
  copy.status === 'sent' && copy.delivery === 'failed';

const UNDELIVERED: Record<NoticeChannel, string> = {
  email: 'the mail server reported it undelivered',
  sms: 'the SMS gateway reported it undelivered',
  telegram: 'Telegram reported it undelivered',
};

/**
 * A client's notice on their channel (#13): the order is src/domain/notice-channels.ts's — the
 * channel the ticket came by, the preferred one, then e-mail, Telegram, SMS, each where the client
 * has a contact. Each channel's copy is one outbox row, sent once; once one copy is sent the notice
 * is sent, and a retry sends nothing. A channel that refuses for good (a blocked bot: the chat is
 * marked so; a bounced address; an SMS gateway's permanent error) keeps its copy skipped with the
 * reason (`channel_refused`) and the notice goes on to the next channel; any other failure is
 * thrown, for the activity to be retried. A notice of a kind that waits for consent
 * (src/domain/notice-consent.ts) is kept skipped on a channel the client withdrew it on, and goes
 * on to the next when they still consent on another (`channel_refused`), else nowhere.
 * Answers null when the client has no channel at all.
 *
 * `firstStored` runs in the transaction that first stores a channel's copy (a link's secret is
 * issued with the message that carries it); `onSent` in the one that marks a copy sent.
 */
export async function sendClientNotice(
  deps: NoticeTransports,
  notice: ClientNotice,
  options: {
    capped: boolean;
    firstStored?: (tx: Transaction) => Promise<void>;
    onSent?: (
      tx: Transaction,
      via: { channel: NoticeChannel; recipient: string; passedOver: ChannelPassedOver[] },
    ) => Promise<void>;
  },
): Promise<NoticeSent | null> {
  const { db } = deps;
  const copies = await copiesOfNotice(db, notice.ticketId, notice.purpose);
  const sent = copies.find((copy) => copy.status === 'sent' && !reportedUndelivered(copy));
  if (sent)
    return {
      channel: sent.channel as NoticeChannel,
      recipient: sent.recipient,
      outcome: 'already_sent',
      passedOver: [],
    };

  const contacts = await noticeContactsOfTicket(db, notice.ticketId);
  if (!contacts) throw new Error(`ticket ${notice.ticketId} has no client`);
  const route = noticeRoute({
    came: contacts.came,
    preferred: contacts.preferred,
    email: contacts.email,
    sms: deps.sms && notice.sms ? contacts.phone : null,
    telegram: deps.telegram ? await noticeChatOfClient(db, contacts.clientId) : null,
  });
  const transports: Record<NoticeChannel, OutboxTransport | undefined> = {
    email: deps.mailer,
    telegram: deps.telegram,
    sms: deps.sms,
  };
  // A copy an earlier attempt stored and did not finish goes first: the route may have changed since (a preference).
  const started = (step: { channel: NoticeChannel }) =>
    copies.some((copy) => copy.channel === step.channel && (copy.status === 'pending' || copy.status === 'sending'));
  const order = [...route.order.filter(started), ...route.order.filter((step) => !started(step))];
  const refusals: ChannelPassedOver[] = [];

  for (const { channel, recipient } of order) {
    const stored = copies.find((copy) => copy.channel === channel);
    if (stored?.status === 'skipped' && stored.channelRefused) {
      refusals.push({ channel, recipient: stored.recipient, reason: stored.lastError ?? 'refused' });
      continue;
    }
    if (stored && reportedUndelivered(stored)) {
      refusals.push({ channel, recipient: stored.recipient, reason: UNDELIVERED[channel], undelivered: true });
      continue;
    }
    const message = {
      ticketId: notice.ticketId,
      purpose: notice.purpose,
      subject: notice.subject,
      body: channel === 'sms' ? notice.sms!(smsLanguageOf(recipient)) : notice.body,
      messageId: notice.messageId,
      channel,
      recipient,
    };
    await db.transaction(async (tx) => {
      if ((await enqueueOnce(tx, message)) && options.firstStored) await options.firstStored(tx);
    });
    // A stored copy is sent as stored (its recipient and text, its link's secret with them).
    const toSend = stored ? { ...message, recipient: stored.recipient, body: stored.body } : message;
    const passedOver = [...route.passedOver, ...refusals];
    let outcome: SendOutcome;
    try {
      outcome = await sendOnce(
        db,
        transports[channel]!,
        toSend,
        options.onSent && ((tx) => options.onSent!(tx, { channel, recipient: toSend.recipient, passedOver })),
        // Whether this kind of notice waits for the client's consent is the outbox's rule (src/domain/notice-consent.ts).
        { capped: options.capped, consent: true },
      );
    } catch (error) {
      const reason = refusalOf(channel, error);
      if (!reason) throw error;
      if (channel === 'telegram') await markChatBlocked(db, Number(toSend.recipient), reason);
      await markRefused(db, message, reason);
      refusals.push({ channel, recipient: toSend.recipient, reason });
      continue;
    }
    if (typeof outcome === 'object' && outcome.refused) {
      refusals.push({ channel, recipient: toSend.recipient, reason: outcome.skipped });
      continue;
    }
    return { channel, recipient: toSend.recipient, outcome, passedOver };
  }
  // Every channel refused: the answer is the last refusal, with the others passed over before it.
  const last = refusals.pop();
  if (!last) return null;
  return {
    channel: last.channel,
    recipient: last.recipient,
    outcome: { skipped: last.reason, refused: true },
    passedOver: [...route.passedOver, ...refusals],
  };
}
