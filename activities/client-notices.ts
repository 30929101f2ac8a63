import type { Mailer } from '../src/channels/email';
import type { Database } from '../src/db/client';
import { TelegramApiError } from '../src/channels/telegram-bot-api';
import type { NotificationChannel } from '../src/db/schema';
import {
  enqueueOnce,
  markSkipped,
  sendOnce,
  storedMessage,
  type OutboxTransport,
  type SendOutcome,
} from '../src/repositories/outbox';
import { markChatBlocked, noticeChatOfTicket } from '../src/repositories/telegram';
import type { Transaction } from './context';

export interface ClientNotice {
  ticketId: number;
  purpose: string;
  subject: string;
  body: string;
  messageId: string;
}

export interface NoticeSent {
  channel: NotificationChannel;
  recipient: string;
  outcome: SendOutcome;
}

/**
 * A client's notice on the channel their ticket came by: a ticket that came by Telegram is
 * answered in the client's chat, every other one (and a Telegram one whose chat is blocked) by
 * e-mail. Each channel's copy is one outbox row, sent once. A 403 from the Bot API (the client
 * blocked the bot) marks the chat undeliverable, keeps the Telegram copy as skipped with the
 * reason, and sends the stored copy (its link and all) by e-mail if the client has an address.
 * Answers null when the client has no channel left. A notice of a kind that waits for consent
 * (src/domain/notice-consent.ts) to a client who withdrew it is kept skipped with the reason, on
 * every channel.
 *
 * `firstStored` runs in the transaction that first stores the notice (a link's secret is issued
 * with the message that carries it); `onSent` in the one that marks it sent.
 */
export async function sendClientNotice(
  deps: { db: Database; mailer: Mailer; telegram?: OutboxTransport },
  notice: ClientNotice,
  email: string | null,
  options: {
    capped: boolean;
    firstStored?: (tx: Transaction) => Promise<void>;
    onSent?: (tx: Transaction, via: { channel: NotificationChannel; recipient: string }) => Promise<void>;
  },
): Promise<NoticeSent | null> {
  const { db } = deps;
  const send = async (
    transport: OutboxTransport,
    channel: NotificationChannel,
    recipient: string,
    body: ClientNotice,
    first: boolean,
  ) => {
    const message = { ...body, channel, recipient };
    await db.transaction(async (tx) => {
      if ((await enqueueOnce(tx, message)) && first && options.firstStored) await options.firstStored(tx);
    });
    const outcome = await sendOnce(
      db,
      transport,
      message,
      options.onSent && ((tx) => options.onSent!(tx, { channel, recipient })),
      // Whether this kind of notice waits for the client's consent is the outbox's rule (src/domain/notice-consent.ts).
      { capped: options.capped, consent: true },
    );
    return { channel, recipient, outcome };
  };

  const inChat = { ticketId: notice.ticketId, purpose: notice.purpose, channel: 'telegram' as const };
  const stored = deps.telegram ? await storedMessage(db, inChat) : undefined;
  if (stored?.status === 'sent') return { channel: 'telegram', recipient: stored.recipient, outcome: 'already_sent' };
  const chatId = deps.telegram ? await noticeChatOfTicket(db, notice.ticketId) : null;
  if (deps.telegram && chatId !== null && stored?.status !== 'skipped') {
    try {
      return await send(deps.telegram, 'telegram', String(chatId), notice, true);
    } catch (error) {
      if (!(error instanceof TelegramApiError && error.chatUnreachable)) throw error;
      const reason = `the chat cannot be written to (${error.errorCode} ${error.description}); fell back to e-mail`;
      await markChatBlocked(db, chatId, reason);
      await markSkipped(db, inChat, reason);
    }
  }
  if (!email) return null;
  // The copy stored for the chat is what the client was meant to get (its link's secret was issued with it).
  const kept = deps.telegram ? await storedMessage(db, inChat) : undefined;
  const body = kept ? { ...notice, subject: kept.subject, body: kept.body } : notice;
  return send(deps.mailer, 'email', email, body, kept === undefined);
}
