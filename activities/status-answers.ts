import { statusAnswer, statusAnswerSms } from '../src/domain/status-question';
import { ticketStatusForClient } from '../src/repositories/clients';
import { threadingSecretOf } from '../src/repositories/inbound-mail';
import { newLinkToken, withoutLinkTokens } from '../src/domain/client-link';
import { statusUrl } from '../src/domain/status-link';
import { issueStatusLinkToken } from '../src/repositories/ticket-writes';
import { clientMessageId, redactLinkTokens } from '../src/repositories/outbox';
import { insertArticle } from '../src/repositories/ticket-articles';
import type { StatusAnswered, StatusQuestion } from '../workflows/types';
import { smsLanguageOf } from '../src/domain/sms-text';
import { sendClientNotice } from './client-notices';
import { ticketLogger, type ActivityDependencies } from './context';

/** "Is my laptop ready?": the answer with the ticket's live status, to the contact the desk has on file. */
export function createStatusAnswerActivities({ db, mailer, telegram, sms, logger, publicUrl }: ActivityDependencies) {
  const ticketLog = ticketLogger(logger);
  const threadingSecret = threadingSecretOf(db);
  return {
    /**
     * Sent once per question (the outbox purpose names its article), and kept as the desk's
     * article on the ticket so staff see what the client was told. The stage is read when the
     * answer is sent: a retry after the ticket moved on tells the newer stage. A ticket that came
     * by Telegram is answered in the client's chat (src/channels/telegram-notices.ts), one by SMS
     * by SMS; the client's other channels are the fallback (activities/client-notices.ts).
     */
    async answerStatusQuestion(input: StatusQuestion): Promise<StatusAnswered> {
      const log = ticketLog(input.ticketId);
      const ticket = await ticketStatusForClient(db, input.ticketId);
      if (!ticket) throw new Error(`ticket ${input.ticketId} is not registered`);
      const statusToken = newLinkToken();
      const link = statusUrl(publicUrl, input.ticketId, statusToken);
      const answer = statusAnswer(ticket, ticket.clientName, link);
      const purpose = `status:${input.articleId}`;
      const host = new URL(publicUrl).hostname || 'localhost';
      const messageId = clientMessageId(input.ticketId, purpose, host, await threadingSecret());
      const notice = {
        ticketId: input.ticketId,
        purpose,
        subject: answer.subject,
        body: answer.text,
        sms: (language: 'ru' | 'en') => statusAnswerSms(ticket, link, language),
        messageId,
      };
      const delivered = await sendClientNotice({ db, mailer, telegram, sms }, notice, {
        capped: true,
        // The link's secret is issued with the message that carries it; a retry sends the stored one.
        firstStored: (tx) => issueStatusLinkToken(tx, input.ticketId, statusToken),
        onSent: (tx) => redactLinkTokens(tx, input.ticketId, purpose),
      });
      if (!delivered) {
        log.warn({ articleId: input.articleId }, 'status question kept; the client has no channel to answer on');
        return { status: 'no_channel' };
      }
      const sent = delivered.outcome;
      if (typeof sent === 'object') {
        log.warn({ articleId: input.articleId, reason: sent.skipped }, 'status question kept; not answered');
        return { status: 'skipped', reason: sent.skipped };
      }
      await insertArticle(db, {
        ticketId: input.ticketId,
        channel: delivered.channel,
        direction: 'out',
        // As the chat's messages in are written: telegram:<chat id>.
        sender: delivered.channel === 'telegram' ? `telegram:${delivered.recipient}` : delivered.recipient,
        subject: answer.subject,
        // The desk's copy, without the link's secret: the text the client got on this channel.
        body: withoutLinkTokens(
          delivered.channel === 'sms' ? notice.sms(smsLanguageOf(delivered.recipient)) : answer.text,
        ),
        messageId,
        dedupeKey: `status-answer:${input.articleId}`,
      });
      log.info({ articleId: input.articleId, stage: ticket.stage, sent }, 'status question answered');
      return { status: sent, stage: ticket.stage };
    },
  };
}
