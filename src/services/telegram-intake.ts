import { timingSafeEqual, createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { TelegramApiError, type ReplyMarkup, type TelegramBotApi } from '../channels/telegram-bot-api';
import type { Database } from '../db/client';
import { normalizePhone } from '../domain/contacts';
import { ticketNumbersIn } from '../domain/status-question';
import {
  botText,
  chooseTicketKeyboard,
  sharePhoneKeyboard,
  subjectOfMessage,
  telegramEventOf,
  updateIdOf,
  type TelegramEvent,
} from '../domain/telegram';
import { deskSecret } from '../repositories/inbound-mail';
import { openTicketsOfClient } from '../repositories/clients';
import { markRefused, redactLinkTokens, sendOnce, type OutboxTransport } from '../repositories/outbox';
import {
  linkChatToPhone,
  loadUpdate,
  markChatBlocked,
  markUpdate,
  nextUpdateOffset,
  noteUpdateTicket,
  pendingUpdateIds,
  rememberChat,
  requeueWaitingUpdates,
  storeUpdate,
  ticketOfClient,
  tryPollerLock,
  unsentAcceptedNotices,
  type StoredUpdate,
  type TelegramChat,
} from '../repositories/telegram';
import type { ArticleService } from './article-service';
import { DeskError } from './errors';
import type { TicketService } from './ticket-service';
import { createDrain } from './drain';

/** desk_secrets names: the webhook's random path and the token Telegram sends in X-Telegram-Bot-Api-Secret-Token. */
export const WEBHOOK_PATH_SECRET = 'telegram-webhook-path';
export const WEBHOOK_TOKEN_SECRET = 'telegram-webhook-token';

/**
 * An update whose processing failed this often is left `failed` (kept, visible), not tried again:
 * at the desk's 30 s beat, ten minutes of Telegram or the engine being away.
 */
const MAX_ATTEMPTS = 20;
const DESCRIPTION_MAX = 20_000;

type Outcome = { status: 'processed' | 'ignored' | 'waiting' | 'asked'; note?: string; ticketId?: number };
type TextEvent = Extract<TelegramEvent, { kind: 'text' }>;

const ASKED = 'asked: a new request or about an open ticket';
const dedupeKeyOf = (row: StoredUpdate) => `update:${row.updateId}`;
const senderOf = (event: TextEvent) => `telegram:${event.chatId}`;

const sameSecret = (given: string, expected: string) => {
  // Compared as hashes: equal lengths for timingSafeEqual, and nothing learnt from the time taken.
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
};

/**
 * The Telegram bot's side of the desk, one pipeline for both ways updates arrive (the webhook,
 * getUpdates): `receive` stores the update by its update_id and nothing else, so the webhook is
 * answered 200 and the poller confirms the offset only once it is kept; then each stored update
 * is processed, one at a time: a chat's message becomes a ticket through the same intake as
 * POST /tickets (channel `telegram`), an article of the ticket it replies to or the client chose,
 * or a status question attached to the client's open ticket; /start, a shared contact, /status
 * and the buttons are answered in the chat.
 */
export function createTelegramIntake(deps: {
  db: Database;
  bot: TelegramBotApi;
  /** The outbox's Telegram channel (src/channels/telegram-notices.ts). */
  transport: OutboxTransport;
  tickets: Pick<TicketService, 'register' | 'answerSurveyFromChat'>;
  articles: ArticleService;
  logger: Logger;
}) {
  const { db, bot, logger } = deps;
  const log = logger.child({ channel: 'telegram' });

  /** A reply in the chat; a blocked bot marks the chat, and notices go by e-mail until it writes again. */
  async function reply(chatId: number, text: string, markup?: ReplyMarkup) {
    try {
      await bot.sendMessage(chatId, text, markup);
    } catch (error) {
      if (!(error instanceof TelegramApiError && error.chatUnreachable)) throw error;
      await markChatBlocked(db, chatId, `${error.errorCode} ${error.description}`);
      log.info({ chatId }, 'the chat blocked the bot; its notices go by e-mail until it writes again');
    }
  }

  async function answerButton(callbackId: string, text: string) {
    // A button pressed long ago can no longer be answered (400): the press itself was still taken.
    await bot.answerCallbackQuery(callbackId, text).catch((error: unknown) => {
      log.debug({ err: error }, 'callback query not answered');
    });
  }

  const linkedClient = (chat: TelegramChat) => (chat.clientId !== null && chat.phone ? chat : null);

  /** The message as a new ticket, through the same intake as POST /tickets (a status question is attached by it). */
  async function registerMessage(row: StoredUpdate, event: TextEvent, linked: TelegramChat): Promise<Outcome> {
    // A crash after registering left the ticket on the row: processing again does not register twice.
    let ticketId = row.ticketId;
    if (ticketId === null) {
      const registration = await deps.tickets.register({
        channel: 'telegram',
        subject: subjectOfMessage(event.text),
        description: event.text.slice(0, DESCRIPTION_MAX),
        client: { phone: linked.phone!, ...(event.from.firstName && { name: event.from.firstName }) },
      });
      if ('attachedTo' in registration) {
        // A status question: attached to the open ticket, answered in this chat by its own workflow.
        await noteUpdateTicket(db, row.id, registration.attachedTo);
        return { status: 'processed', note: 'status question', ticketId: registration.attachedTo };
      }
      ticketId = registration.ticketId;
      await noteUpdateTicket(db, row.id, ticketId);
    }
    await deps.articles.attachArticle(
      {
        ticketId,
        channel: 'telegram',
        direction: 'in',
        sender: senderOf(event),
        body: event.text,
        dedupeKey: dedupeKeyOf(row),
      },
      // The first message of a new ticket is its description, never a reply to reopen anything.
      { mayReopen: false },
    );
    await sendNotice({
      ticketId,
      purpose: 'registered',
      recipient: String(event.chatId),
      subject: `Заявка №${ticketId} / Ticket №${ticketId}`,
      body: botText.registered(ticketId),
    });
    return { status: 'processed', note: 'new ticket', ticketId };
  }

  /** The message as an article of the client's open ticket; a reply reopens it while its survey waits. */
  async function attachMessage(row: StoredUpdate, event: TextEvent, ticketId: number, note: string): Promise<Outcome> {
    await deps.articles.attachArticle(
      {
        ticketId,
        channel: 'telegram',
        direction: 'in',
        sender: senderOf(event),
        body: event.text,
        dedupeKey: dedupeKeyOf(row),
      },
      { mayReopen: true },
    );
    await reply(event.chatId, botText.attached(ticketId));
    return { status: 'processed', note, ticketId };
  }

  async function onText(row: StoredUpdate, event: TextEvent, chat: TelegramChat): Promise<Outcome> {
    const linked = linkedClient(chat);
    if (!linked) {
      await reply(event.chatId, botText.sharePhoneFirst, sharePhoneKeyboard);
      return { status: 'waiting', note: 'kept until the chat shares its phone number' };
    }
    const replied = event.repliedTicketId
      ? await ticketOfClient(db, event.repliedTicketId, linked.clientId!)
      : undefined;
    if (replied && replied.stage !== 'closed') return attachMessage(row, event, replied.id, 'reply to the ticket');
    // A chat with tickets open asks which one a message is for, unless the message names one (intake attaches it).
    const open = (await openTicketsOfClient(db, linked.clientId!, 50))
      .filter((ticket) => ticket.channel === 'telegram')
      .slice(0, 3);
    const named = ticketNumbersIn(event.text).some((n) => open.some((ticket) => ticket.id === n));
    if (row.ticketId === null && open.length > 0 && !named) {
      await reply(event.chatId, botText.chooseTicket, chooseTicketKeyboard(row.id, open));
      return { status: 'asked', note: ASKED };
    }
    return registerMessage(row, event, linked);
  }

  /** The client's answer to "new or open ticket?": the stored message, if it is this chat's and still asked about. */
  async function onChoice(event: Extract<TelegramEvent, { kind: 'choose' }>, chat: TelegramChat): Promise<Outcome> {
    const linked = linkedClient(chat);
    const asked = await loadUpdate(db, event.messageRowId);
    const message = asked ? telegramEventOf(JSON.parse(asked.raw) as unknown) : undefined;
    if (!linked || !asked || asked.status !== 'asked' || asked.chatId !== event.chatId || message?.kind !== 'text') {
      await answerButton(event.callbackId, botText.unknownButton);
      return { status: 'ignored', note: 'a choice about no message of this chat waiting for one' };
    }
    const ticket = event.ticketId === null ? undefined : await ticketOfClient(db, event.ticketId, linked.clientId!);
    if (event.ticketId !== null && (!ticket || ticket.stage === 'closed')) {
      await answerButton(event.callbackId, botText.unknownButton);
      return { status: 'ignored', note: 'a choice of a ticket not the chat’s or closed' };
    }
    await answerButton(event.callbackId, botText.chosen);
    const outcome = ticket
      ? await attachMessage(asked, message, ticket.id, 'chosen: an open ticket')
      : await registerMessage(asked, message, linked);
    await markUpdate(db, asked.id, outcome);
    return { status: 'processed', note: `chose for update ${asked.id}`, ticketId: outcome.ticketId };
  }

  async function onEvent(row: StoredUpdate, event: TelegramEvent): Promise<Outcome> {
    if (event.kind === 'other') return { status: 'ignored', note: event.reason };
    if (event.kind === 'unknown_button') {
      await answerButton(event.callbackId, botText.unknownButton);
      return { status: 'ignored', note: 'a button the desk does not know' };
    }
    const chat = await rememberChat(db, event.chatId, event.from);
    switch (event.kind) {
      case 'start':
        await reply(event.chatId, botText.welcome, linkedClient(chat) ? undefined : sharePhoneKeyboard);
        return { status: 'processed', note: '/start' };
      case 'contact': {
        // Only the chat's own number (Telegram has verified it) links the chat: a forwarded card proves nothing.
        if (event.contactUserId !== event.from.id) {
          await reply(event.chatId, botText.notOwnContact, sharePhoneKeyboard);
          return { status: 'ignored', note: 'a contact that is not the sender’s own' };
        }
        const phone = normalizePhone(event.phone.startsWith('+') ? event.phone : `+${event.phone}`);
        if (!phone) {
          await reply(event.chatId, botText.badPhone, sharePhoneKeyboard);
          return { status: 'ignored', note: 'a phone number that cannot be read' };
        }
        await linkChatToPhone(db, event.chatId, phone, event.from.firstName);
        await requeueWaitingUpdates(db, event.chatId);
        await reply(event.chatId, botText.linked, { remove_keyboard: true });
        // The chat's messages that waited for the link are pending again: another pass takes them.
        pending.again();
        return { status: 'processed', note: 'chat linked to the client' };
      }
      case 'status': {
        const linked = linkedClient(chat);
        if (event.ticketId === null) {
          await reply(event.chatId, botText.statusUsage);
          return { status: 'processed', note: '/status without a number' };
        }
        // Someone else's ticket and no ticket at all get one answer: the chat learns nothing of others.
        const ticket = linked ? await ticketOfClient(db, event.ticketId, linked.clientId!) : undefined;
        await reply(event.chatId, ticket ? botText.status(ticket) : botText.statusNotFound(event.ticketId));
        return { status: 'processed', note: ticket ? '/status answered' : '/status refused: not the chat’s ticket' };
      }
      case 'rate': {
        const linked = linkedClient(chat);
        const ticket = linked ? await ticketOfClient(db, event.ticketId, linked.clientId!) : undefined;
        if (!ticket || ticket.stage !== 'awaiting_survey') {
          await answerButton(event.callbackId, botText.surveyClosed);
          return { status: 'ignored', note: 'rating of a ticket not the chat’s or not awaiting its survey' };
        }
        try {
          await deps.tickets.answerSurveyFromChat(ticket.id, event.score);
        } catch (error) {
          if (!(error instanceof DeskError)) throw error;
          await answerButton(event.callbackId, botText.surveyClosed);
          return { status: 'ignored', note: error.message };
        }
        await answerButton(event.callbackId, botText.rated);
        return { status: 'processed', note: `rated ${event.score}`, ticketId: ticket.id };
      }
      case 'choose':
        return onChoice(event, chat);
      case 'text':
        return onText(row, event, chat);
    }
  }

  /** A ticket's message to the chat, once (the outbox's Telegram channel); a blocked chat leaves it skipped. */
  async function sendNotice(message: {
    ticketId: number;
    purpose: string;
    recipient: string;
    subject: string;
    body: string;
  }) {
    const stored = {
      ...message,
      channel: 'telegram' as const,
      messageId: `<ticket-${message.ticketId}.${message.purpose}@telegram>`,
    };
    try {
      // A link's secret in it (the accepted notice's status link) is blanked in the stored copy once sent.
      await sendOnce(db, deps.transport, stored, (tx) => redactLinkTokens(tx, message.ticketId, message.purpose), {
        // A notice resent from the outbox (the accepted one) still waits for consent (src/domain/notice-consent.ts).
        consent: true,
      });
    } catch (error) {
      if (!(error instanceof TelegramApiError && error.chatUnreachable)) throw error;
      await markChatBlocked(db, Number(message.recipient), `${error.errorCode} ${error.description}`);
      await markRefused(db, stored, `the chat cannot be written to (${error.errorCode} ${error.description})`);
    }
  }

  const settled = (row: StoredUpdate | undefined) => !row || !['received', 'failed'].includes(row.status);

  async function processUpdate(id: number): Promise<Outcome | undefined> {
    const row = await loadUpdate(db, id);
    if (!row || settled(row)) return undefined;
    try {
      const event = telegramEventOf(JSON.parse(row.raw) as unknown);
      const outcome = await onEvent(row, event);
      await markUpdate(db, id, outcome);
      log.info({ telegramUpdateId: id, kind: event.kind, ...outcome }, 'telegram update processed');
      return outcome;
    } catch (error) {
      log.error({ err: error, telegramUpdateId: id }, 'telegram update could not be processed; kept to retry');
      await markUpdate(db, id, { status: 'failed', note: String(error) });
      return undefined;
    }
  }

  // One run at a time; a kick during a run (or a chat linked in it) asks for another pass.
  const pending = createDrain(
    async (stopped) => {
      // Each pending update once per pass, oldest first: one that fails waits for the next pass, not blocking the rest.
      for (let after = 0, ids = await pendingUpdateIds(db, MAX_ATTEMPTS); ids.length > 0;) {
        for (const id of ids) {
          if (stopped()) return;
          await processUpdate(id);
          after = id;
        }
        ids = await pendingUpdateIds(db, MAX_ATTEMPTS, after);
      }
    },
    (error) => log.error({ err: error }, 'telegram update processing stopped'),
  );

  /** Sends again the accepted notices the outbox holds for chats and did not send (a failure, a stop mid-send). */
  async function resendUnsent(olderThanMs: number) {
    for (const message of await unsentAcceptedNotices(db, olderThanMs)) {
      if (pending.stopped()) return;
      const { ticketId, purpose, recipient, subject, body } = message;
      await sendNotice({ ticketId, purpose, recipient, subject, body }).catch((error: unknown) =>
        log.warn(
          { err: error, ticketId: message.ticketId, purpose: message.purpose },
          'telegram notice still not sent',
        ),
      );
    }
  }

  const webhookSecrets = async () => ({
    path: await deskSecret(db, WEBHOOK_PATH_SECRET),
    token: await deskSecret(db, WEBHOOK_TOKEN_SECRET),
  });

  return {
    /** Stores the update as it arrived (any body: one that is not an update is kept inert); only then may it be confirmed. */
    async receive(raw: string): Promise<{ id: number; created: boolean }> {
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        body = undefined;
      }
      const event = body === undefined ? null : telegramEventOf(body);
      return storeUpdate(db, {
        botId: bot.botId,
        updateId: updateIdOf(body),
        raw: raw.replaceAll('\u0000', ''),
        chatId: event && 'chatId' in event ? event.chatId : null,
      });
    },

    /**
     * The webhook's two checks: the random path and Telegram's secret header (constant time).
     * A wrong path is "no such route"; a missing header 401, a wrong one 403.
     */
    async checkWebhook(pathSecret: string, headerToken: string | undefined) {
      const secrets = await webhookSecrets();
      if (!sameSecret(pathSecret, secrets.path)) throw new DeskError('NOT_FOUND', 'no such route');
      if (!headerToken)
        throw new DeskError('WEBHOOK_SECRET_REQUIRED', 'the X-Telegram-Bot-Api-Secret-Token header is required');
      if (!sameSecret(headerToken, secrets.token))
        throw new DeskError('BAD_WEBHOOK_SECRET', 'the X-Telegram-Bot-Api-Secret-Token header is not this desk’s');
    },

    /** Tells Telegram where to POST updates: PUBLIC_URL + the random path, with the secret header. */
    async registerWebhook(publicUrl: string) {
      const secrets = await webhookSecrets();
      const url = new URL(`/channels/telegram/${secrets.path}`, publicUrl).toString();
      await bot.setWebhook(url, secrets.token);
      log.info({ url: new URL('/channels/telegram/…', publicUrl).toString() }, 'telegram webhook set');
    },

    processUpdate,
    resendUnsent,

    /** Processes what is stored and not yet settled; resolves when nothing is left to do. */
    processPending: pending.run,

    /** getUpdates' one-consumer lock and offset, for the poller. */
    pollerLock: () => tryPollerLock(db, bot.botId),
    nextOffset: () => nextUpdateOffset(db, bot.botId),

    stop: pending.stop,
  };
}

export type TelegramIntake = ReturnType<typeof createTelegramIntake>;
