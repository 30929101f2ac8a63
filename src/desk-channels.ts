/**
 * The channels a desk takes requests by, started for the processes that answer them (not a
 * worker alone): e-mail (its SMTP receiver and a polled IMAP mailbox, one intake behind both),
 * Telegram (webhook or long polling, and the beat that retries what failed) and SMS (the gateway's
 * inbound webhook, delivery polling, accepted notices the gateway did not take).
 */
import type { Logger } from 'pino';
import { createAcceptedNotices } from '../activities/accepted-notice';
import { createUndeliveredNotices } from '../activities/undelivered-notices';
import type { Mailer } from './channels/email';
import { startImapPoller } from './channels/imap-poller';
import type { OutboxTransport } from './repositories/outbox';
import type { SmsProvider } from './channels/sms';
import { startSmtpReceiver } from './channels/smtp-receiver';
import type { TelegramBotApi } from './channels/telegram-bot-api';
import { startTelegramPoller } from './channels/telegram-poller';
import type { Database } from './db/client';
import type { DeskOptions, DeskRole } from './desk';
import { bareAddress } from './domain/mail-text';
import type { ArticleService } from './services/article-service';
import { createMailIntake } from './services/mail-intake';
import { createSmsDeliveries } from './services/sms-deliveries';
import { createSmsGatewayCallbacks } from './services/sms-gateway-callbacks';
import { createSmsIntake } from './services/sms-intake';
import { createTelegramIntake } from './services/telegram-intake';
import type { TicketService } from './services/ticket-service';

export async function startIntakeChannels(deps: {
  options: DeskOptions;
  role: DeskRole;
  db: Database;
  logger: Logger;
  mailer: Mailer;
  tickets: TicketService;
  articles: ArticleService;
  telegram?: { bot: TelegramBotApi; transport: OutboxTransport };
  sms?: { provider: SmsProvider; transport: OutboxTransport };
}) {
  const { options, role, db, logger, mailer, tickets, articles } = deps;
  const deskAddress = bareAddress(options.mailFrom);
  const deskLocal = deskAddress.slice(0, deskAddress.lastIndexOf('@'));
  const mailDomains = [
    ...new Set([deskAddress.slice(deskAddress.lastIndexOf('@') + 1), options.mailReceiver?.domain?.toLowerCase()]),
  ].filter((domain): domain is string => Boolean(domain));
  // A notice the provider reports undelivered after taking it (a bounce, an SMS the gateway gave up
  // on) goes on by the client's next channel; the sweep sends on what a crash cut short.
  // What a client notice sent outside a workflow (sent again, sent on) goes through: the desk's channels.
  const noticeDeps = {
    db,
    logger,
    mailer,
    sms: deps.sms?.transport,
    telegram: deps.telegram?.transport,
    publicUrl: options.publicUrl,
  };
  const undelivered = createUndeliveredNotices(noticeDeps);
  const undeliveredSweepMs = options.sms?.deliveryPollMs ?? 60_000;
  const undeliveredTimer = setInterval(
    () =>
      void undelivered
        .sweep()
        .catch((error: unknown) => logger.warn({ err: error }, 'undelivered notices not sent on; tried again later')),
    undeliveredSweepMs,
  );
  undeliveredTimer.unref();
  const mail = createMailIntake({
    db,
    tickets,
    articles,
    mailbox: { ownDomains: mailDomains, loopMarker: deskAddress },
    logger,
    onUndelivered: undelivered.passOn,
  });
  const receivingDomain = options.mailReceiver?.domain?.toLowerCase() ?? mailDomains[0];
  const mailReceiver =
    options.mailReceiver && role !== 'worker'
      ? await startSmtpReceiver({
          ...options.mailReceiver,
          // The desk's address and its plus-addresses (desk+t1001.<signature>@…) at the receiving domain.
          acceptsRecipient: (address) => {
            const at = address.lastIndexOf('@');
            return address.slice(at + 1) === receivingDomain && address.slice(0, at).split('+')[0] === deskLocal;
          },
          store: (message) => mail.receive(message),
          onStored: () => void mail.processPending(),
          logger,
        })
      : undefined;
  const imapPoller =
    options.imap && role !== 'worker'
      ? await startImapPoller({
          ...options.imap,
          store: (message) => mail.receive(message),
          onStored: () => void mail.processPending(),
          logger,
        })
      : undefined;
  // Messages stored before a stop (or whose processing failed) are processed again.
  if (mailReceiver || imapPoller) void mail.processPending();
  const telegram =
    deps.telegram && role !== 'worker'
      ? createTelegramIntake({
          db,
          bot: deps.telegram.bot,
          transport: deps.telegram.transport,
          tickets,
          articles,
          logger,
        })
      : undefined;
  if (telegram && options.telegram?.mode === 'webhook')
    await telegram
      .registerWebhook(options.publicUrl)
      .catch((error: unknown) =>
        logger.error({ err: error }, 'telegram setWebhook failed; no updates arrive until it is set'),
      );
  const telegramPoller =
    telegram && options.telegram?.mode === 'polling'
      ? startTelegramPoller({
          bot: deps.telegram!.bot,
          pollTimeoutSeconds: options.telegram.pollTimeoutSeconds,
          standbyMs: options.telegram.standbyMs ?? 5_000,
          lock: () => telegram.pollerLock(),
          nextOffset: () => telegram.nextOffset(),
          store: (raw) => telegram.receive(raw),
          onStored: () => void telegram.processPending(),
          logger: logger.child({ channel: 'telegram' }),
        })
      : undefined;
  if (telegram) void telegram.processPending();
  const resendEveryMs = options.telegram?.resendEveryMs ?? 30_000;
  // Updates whose processing failed (Telegram or the engine away for a while) and accepted notices
  // not sent are tried again on this beat, not only when the next update arrives.
  const resendTimer = telegram
    ? setInterval(() => {
        void telegram.processPending();
        void telegram
          .resendUnsent(resendEveryMs)
          .catch((error: unknown) => logger.warn({ err: error }, 'telegram notices not resent; tried again later'));
      }, resendEveryMs)
    : undefined;
  resendTimer?.unref();
  const smsIntake =
    options.sms?.token && role !== 'worker'
      ? createSmsIntake({
          db,
          token: options.sms.token,
          phoneCountry: options.phoneCountry ?? 'RU',
          tickets,
          articles,
          logger,
        })
      : undefined;
  const acceptedBySms = deps.sms && createAcceptedNotices(noticeDeps);
  const smsDeliveries = deps.sms
    ? createSmsDeliveries({ db, provider: deps.sms.provider, logger, onUndelivered: undelivered.passOn })
    : undefined;
  const smsCallbacks =
    deps.sms && smsIntake && smsDeliveries
      ? createSmsGatewayCallbacks({ provider: deps.sms.provider, intake: smsIntake, deliveries: smsDeliveries, logger })
      : undefined;
  const smsPollMs = options.sms?.deliveryPollMs ?? 60_000;
  // The polling fallback for gateways whose delivery callbacks do not come (or are not set up), and
  // the accepted notices whose SMS waits in the outbox (the acceptance does not wait on them).
  const smsDeliveryTimer = smsDeliveries
    ? setInterval(() => {
        void smsDeliveries.poll();
        void acceptedBySms!
          .resendUnsent(smsPollMs)
          .catch((error: unknown) => logger.warn({ err: error }, 'accepted SMS not resent; tried again later'));
      }, smsPollMs)
    : undefined;
  smsDeliveryTimer?.unref();

  return {
    mail,
    mailReceiver,
    imapPoller,
    telegram,
    telegramPoller,
    smsIntake,
    smsDeliveries,
    smsCallbacks,
    async stop() {
      await mailReceiver?.close();
      await imapPoller?.stop();
      await mail.stop();
      clearInterval(resendTimer);
      clearInterval(smsDeliveryTimer);
      clearInterval(undeliveredTimer);
      await telegramPoller?.stop();
      await telegram?.stop();
    },
  };
}
