import path from 'node:path';
import { recordTicketEvent } from '../src/db/events';
import { resolutionSms } from '../src/domain/notices';
import { resolutionNoticeFor } from '../src/domain/notice-templates';
import { noticeTemplateOf } from '../src/repositories/notice-templates';
import {
  noticeSentOnEvent,
  notifyEvent,
  perRound,
  staffNoticeEvents,
  surveyRequestedEvent,
} from '../src/domain/ticket-events';
import { staffAddresses } from '../src/repositories/operators';
import { threadingSecretOf } from '../src/repositories/inbound-mail';
import { newLinkToken } from '../src/domain/client-link';
import { statusUrl } from '../src/domain/status-link';
import {
  clientMessageId,
  redactLinkTokens,
  sendOnce,
  sentPurposesUnder,
  staffMessageId,
} from '../src/repositories/outbox';
import { issueStatusLinkToken, issueSurveyToken, writeAwaitingSurvey } from '../src/repositories/ticket-writes';
import { loadTicketDetails } from '../src/repositories/tickets';
import type { Notified } from '../workflows/types';
import { sendClientNotice } from './client-notices';
import { ticketLogger, type ActivityDependencies } from './context';

/** Notices to the client and to staff, each sent once through the outbox. */
export function createNotifyActivities({ db, mailer, telegram, sms, logger, publicUrl }: ActivityDependencies) {
  const ticketLog = ticketLogger(logger);
  const threadingSecret = threadingSecretOf(db);
  const deskChannels = ['e-mail', ...(telegram ? ['Telegram'] : []), ...(sms ? ['SMS'] : [])];

  /** The survey starts once the client has been told: the diagram's survey step begins here. */
  const markAwaitingSurvey = (ticketId: number, round: number | undefined) =>
    db.transaction(async (tx) => {
      await writeAwaitingSurvey(tx, ticketId);
      await recordTicketEvent(tx, surveyRequestedEvent(ticketId, round));
    });

  return {
    /** Tells the client the work is done, with the survey link; a retry after it was sent sends nothing. */
    async notifyClient(input: { ticketId: number; round?: number }): Promise<Notified> {
      const log = ticketLog(input.ticketId);
      const details = await loadTicketDetails(db, input.ticketId);
      if (!details) throw new Error(`ticket ${input.ticketId} is not registered`);
      const purpose = perRound('resolution', input.round);
      const host = new URL(publicUrl).hostname || 'localhost';
      const token = newLinkToken();
      const statusToken = newLinkToken();
      const link = statusUrl(publicUrl, input.ticketId, statusToken);
      const notice = resolutionNoticeFor(
        details,
        {
          // In the fragment: browsers never send it, so the token stays out of request logs and Referer headers.
          survey: new URL(path.posix.join('/survey', String(input.ticketId)) + `#token=${token}`, publicUrl).toString(),
          status: link,
        },
        await noticeTemplateOf(db, 'resolution'),
      );
      const sent = await sendClientNotice(
        { db, mailer, telegram, sms },
        {
          ticketId: input.ticketId,
          purpose,
          subject: notice.subject,
          body: notice.text,
          // The SMS carries the status link only: the client rates the work on the status page.
          sms: (language) => resolutionSms(input.ticketId, link, language),
          messageId: clientMessageId(input.ticketId, purpose, host, await threadingSecret()),
        },
        {
          // Not capped: one notice per resolution an operator made, not an automatic answer to mail.
          capped: false,
          // The link's secret is issued with the message that carries it; a retry sends the stored one.
          firstStored: async (tx) => {
            await issueSurveyToken(tx, input.ticketId, token);
            await issueStatusLinkToken(tx, input.ticketId, statusToken);
          },
          // The event says which channel carried the notice, and which were passed over and why; a
          // copy sent on after one was reported undelivered has its own (the notify step's is the first's).
          onSent: async (tx, { channel, recipient, passedOver }) => {
            await recordTicketEvent(
              tx,
              passedOver.some((step) => step.undelivered)
                ? noticeSentOnEvent(input.ticketId, input.round, { channel, recipient, passedOver })
                : notifyEvent(input.ticketId, input.round, 'notified', {
                    channel,
                    recipient,
                    ...(passedOver.length ? { passedOver } : {}),
                  }),
            );
            await redactLinkTokens(tx, input.ticketId, purpose);
          },
        },
      );
      if (!sent) {
        await recordTicketEvent(
          db,
          notifyEvent(input.ticketId, input.round, 'not_notified', {
            reason: `the client has no ${deskChannels.join(', ')} contact the desk may write to`,
            preferredChannel: details.client.preferredChannel,
          }),
        );
        await markAwaitingSurvey(input.ticketId, input.round);
        log.warn('client has no deliverable channel; nothing sent');
        return { channel: null, recipient: null, status: 'no_channel' };
      }
      const { channel, recipient, outcome, passedOver } = sent;
      if (typeof outcome === 'object')
        await recordTicketEvent(
          db,
          notifyEvent(input.ticketId, input.round, 'not_notified', {
            reason: outcome.skipped,
            channel,
            recipient,
            ...(passedOver.length ? { passedOver } : {}),
          }),
        );
      // Marking is idempotent: a retry after the send still starts the survey.
      await markAwaitingSurvey(input.ticketId, input.round);
      if (typeof outcome === 'object') {
        log.warn({ recipient, reason: outcome.skipped }, 'client not notified');
        return { channel, recipient, status: 'skipped' };
      }
      if (outcome === 'already_sent') {
        log.info('resolution notice already sent');
        return { channel, recipient, status: 'already_sent' };
      }
      log.info({ recipient, channel, via: channel === 'email' ? mailer.target : channel }, 'client notified');
      return { channel, recipient, status: 'sent' };
    },

    /**
     * Tells staff about an SLA event by e-mail: the assignee on a warning, the managers on a
     * breach, a level's recipients on escalation. One outbox message per (event, recipient).
     */
    async notifyStaff(input: {
      ticketId: number;
      purpose: string;
      to: { operatorIds?: string[]; managers?: boolean };
      subject: string;
      text: string;
    }): Promise<{ sent: string[] }> {
      const notice = staffNoticeEvents(input.ticketId, input.purpose);
      if (notice) await recordTicketEvent(db, notice.sending());
      const sent: string[] = [];
      for (const recipient of await staffAddresses(db, input.to)) {
        const purpose = `${input.purpose}:${recipient.id}`;
        const message = {
          ticketId: input.ticketId,
          purpose,
          recipient: recipient.email,
          subject: input.subject,
          body: input.text,
          messageId: staffMessageId(input.ticketId, purpose),
        };
        if ((await sendOnce(db, mailer, message)) === 'sent') sent.push(recipient.id);
      }
      if (notice) await recordTicketEvent(db, notice.sent(await sentPurposesUnder(db, input.ticketId, input.purpose)));
      return { sent };
    },
  };
}
