import type { TicketDetails } from '../src/domain/ticket-details';
import { newLinkToken } from '../src/domain/client-link';
import { acceptedSms } from '../src/domain/notices';
import { acceptedNoticeFor } from '../src/domain/notice-templates';
import { noticeTemplateOf } from '../src/repositories/notice-templates';
import { statusUrl } from '../src/domain/status-link';
import { perRound } from '../src/domain/ticket-events';
import { threadingSecretOf } from '../src/repositories/inbound-mail';
import { clientMessageId, redactLinkTokens } from '../src/repositories/outbox';
import { unsentAcceptedNotices } from '../src/repositories/telegram';
import { issueStatusLinkToken } from '../src/repositories/ticket-writes';
import { loadTicketDetails } from '../src/repositories/tickets';
import { sendClientNotice } from './client-notices';
import { ticketLogger, type ActivityDependencies } from './context';

/** `accepted` → the first acceptance, `accepted:2` → the second (perRound). */
const acceptanceOf = (purpose: string) => {
  const round = /^accepted:(\d+)$/u.exec(purpose)?.[1];
  return round === undefined ? undefined : Number(round);
};

/**
 * The notice that a specialist took the ticket, with price and due date: to a client who came by
 * Telegram in their chat, to one who came by SMS or a call by SMS, on their next channel if that
 * one refuses (activities/client-notices.ts). A client who wrote by e-mail or the web is not told:
 * the status page shows it. The acceptance never waits on it: a failed send stays in the outbox,
 * sent again by the bot's process (a chat, src/services/telegram-intake.ts) or by `resendUnsent`
 * (an SMS).
 */
export function createAcceptedNotices({
  db,
  logger,
  mailer,
  telegram,
  sms,
  publicUrl,
}: Pick<ActivityDependencies, 'db' | 'logger' | 'mailer' | 'telegram' | 'sms' | 'publicUrl'>) {
  const ticketLog = ticketLogger(logger);
  const threadingSecret = threadingSecretOf(db);

  async function send(details: TicketDetails, acceptance: number | undefined) {
    const statusToken = newLinkToken();
    const link = statusUrl(publicUrl, details.id, statusToken);
    const notice = acceptedNoticeFor(details, link, await noticeTemplateOf(db, 'accepted'));
    const purpose = perRound('accepted', acceptance);
    await sendClientNotice(
      { db, mailer, telegram, sms },
      {
        ticketId: details.id,
        purpose,
        subject: notice.subject,
        body: notice.text,
        sms: (language) => acceptedSms(details, link, language),
        messageId: clientMessageId(
          details.id,
          purpose,
          new URL(publicUrl).hostname || 'localhost',
          await threadingSecret(),
        ),
      },
      {
        capped: false,
        // The status link's secret is issued with the message that carries it, blanked once it is sent.
        firstStored: (tx) => issueStatusLinkToken(tx, details.id, statusToken),
        onSent: (tx) => redactLinkTokens(tx, details.id, purpose),
      },
    );
  }

  return {
    async tell(details: TicketDetails, acceptance: number | undefined) {
      const byChat = telegram && details.channel === 'telegram';
      const byPhone = sms && (details.channel === 'sms' || details.channel === 'phone');
      if (!byChat && !byPhone) return;
      try {
        await send(details, acceptance);
      } catch (error) {
        ticketLog(details.id).warn({ err: error, acceptance }, 'accepted notice not sent yet; it waits in the outbox');
      }
    },

    /** The notice sent again, as stored, and on down the client's channels past those that refused or failed. */
    async sendAgain(ticketId: number, purpose: string) {
      const details = await loadTicketDetails(db, ticketId);
      if (details) await send(details, acceptanceOf(purpose));
    },

    /**
     * Accepted notices whose SMS waits in the outbox (the gateway was away), at least `olderThanMs`
     * old: sent again as stored, and on down the client's channels if the gateway now refuses it.
     */
    async resendUnsent(olderThanMs: number) {
      for (const copy of await unsentAcceptedNotices(db, olderThanMs, 50, 'sms')) {
        const details = await loadTicketDetails(db, copy.ticketId);
        if (!details) continue;
        await send(details, acceptanceOf(copy.purpose)).catch((error: unknown) =>
          ticketLog(copy.ticketId).warn({ err: error, purpose: copy.purpose }, 'accepted SMS still not sent'),
        );
      }
    },
  };
}
