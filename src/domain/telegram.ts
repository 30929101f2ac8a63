/**
 * What the desk reads of a Telegram update and what the bot says back: pure rules, no I/O.
 * Only private chats with the bot are read; a group, a channel post or an edit is kept and
 * left alone. Shapes as published in core.telegram.org/bots/api (Update, Message, Contact,
 * CallbackQuery); anything else in an update is ignored.
 */
import { clientStageText, moscowTime } from './status-question';
import type { TicketStage } from './process';

export interface TelegramUser {
  id: number;
  firstName: string | null;
  username: string | null;
  languageCode: string | null;
}

export type TelegramEvent =
  | { kind: 'start'; chatId: number; from: TelegramUser }
  | { kind: 'status'; chatId: number; from: TelegramUser; ticketId: number | null }
  | { kind: 'contact'; chatId: number; from: TelegramUser; phone: string; contactUserId: number | null }
  | {
      kind: 'text';
      chatId: number;
      from: TelegramUser;
      messageId: number;
      text: string;
      /** The ticket a reply to one of the bot's own messages is about (its `№1001`). */
      repliedTicketId: number | null;
    }
  | { kind: 'rate'; callbackId: string; chatId: number; from: TelegramUser; ticketId: number; score: number }
  /** The answer to "a new request or about an open ticket?" for the stored message `messageRowId`; ticketId null: new. */
  | {
      kind: 'choose';
      callbackId: string;
      chatId: number;
      from: TelegramUser;
      messageRowId: number;
      ticketId: number | null;
    }
  | { kind: 'unknown_button'; callbackId: string; chatId: number | null }
  | { kind: 'other'; chatId: number | null; reason: string };

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isId = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value);
// PostgreSQL text holds no NUL: a \u0000 in an update would fail every write of it.
const text = (value: unknown) => (typeof value === 'string' ? value.replaceAll('\u0000', '') : null);

/** The update's id, when the body is an update at all (an object with an integer `update_id`). */
export function updateIdOf(body: unknown): number | null {
  return isObject(body) && isId(body.update_id) && body.update_id >= 0 ? body.update_id : null;
}

function userOf(value: unknown): TelegramUser | null {
  if (!isObject(value) || !isId(value.id)) return null;
  return {
    id: value.id,
    firstName: text(value.first_name)?.slice(0, 200) ?? null,
    username: text(value.username)?.slice(0, 100) ?? null,
    languageCode: text(value.language_code)?.slice(0, 10) ?? null,
  };
}

/** `rate:<ticket>:<score>`, well inside callback_data's 64 bytes. */
export const rateCallbackData = (ticketId: number, score: number) => `rate:${ticketId}:${score}`;

/** `pick:<stored message>:<ticket | new>`: which ticket a message from a chat with open tickets is for. */
export const chooseCallbackData = (messageRowId: number, ticketId: number | null) =>
  `pick:${messageRowId}:${ticketId ?? 'new'}`;

/** The ticket a message of the bot names: `№1001` in the desk's own texts. */
export function ticketNumberInBotText(value: string | null): number | null {
  const match = value ? /№\s?(\d{1,12})\b/u.exec(value) : null;
  return match ? Number(match[1]) : null;
}

function commandOf(value: string): { name: string; argument: string } | null {
  // `/status@DeskBot 1001` in a client that adds the bot's name.
  const match = /^\/([a-z_]+)(?:@\w+)?(?:\s+([\s\S]*))?$/iu.exec(value.trim());
  return match ? { name: match[1]!.toLowerCase(), argument: (match[2] ?? '').trim() } : null;
}

/** Reads an update into the one thing the desk does with it; never throws, whatever the body. */
export function telegramEventOf(body: unknown): TelegramEvent {
  if (!isObject(body)) return { kind: 'other', chatId: null, reason: 'not a JSON object' };
  const callback = body.callback_query;
  if (isObject(callback)) {
    const callbackId = text(callback.id);
    const from = userOf(callback.from);
    const chat = isObject(callback.message) && isObject(callback.message.chat) ? callback.message.chat : null;
    const chatId = chat && isId(chat.id) ? chat.id : null;
    if (!callbackId || !from) return { kind: 'other', chatId, reason: 'callback query without id or sender' };
    if (chatId === null || chat?.type !== 'private') return { kind: 'unknown_button', callbackId, chatId };
    const data = text(callback.data) ?? '';
    const rate = /^rate:(\d{1,12}):([1-5])$/.exec(data);
    if (rate) return { kind: 'rate', callbackId, chatId, from, ticketId: Number(rate[1]), score: Number(rate[2]) };
    const pick = /^pick:(\d{1,15}):(new|\d{1,12})$/.exec(data);
    if (pick)
      return {
        kind: 'choose',
        callbackId,
        chatId,
        from,
        messageRowId: Number(pick[1]),
        ticketId: pick[2] === 'new' ? null : Number(pick[2]),
      };
    return { kind: 'unknown_button', callbackId, chatId };
  }
  const message = body.message;
  if (!isObject(message)) return { kind: 'other', chatId: null, reason: 'no message or callback query in the update' };
  const chat = isObject(message.chat) ? message.chat : null;
  const chatId = chat && isId(chat.id) ? chat.id : null;
  const from = userOf(message.from);
  if (chatId === null || !from) return { kind: 'other', chatId, reason: 'message without chat or sender' };
  if (chat?.type !== 'private')
    return { kind: 'other', chatId, reason: `a ${String(chat?.type)} chat, not a private one` };
  if (isObject(message.contact)) {
    const phone = text(message.contact.phone_number);
    if (!phone) return { kind: 'other', chatId, reason: 'contact without a phone number' };
    const contactUserId = isId(message.contact.user_id) ? message.contact.user_id : null;
    return { kind: 'contact', chatId, from, phone: phone.slice(0, 32), contactUserId };
  }
  const said = text(message.text) ?? text(message.caption);
  if (!said || !said.trim()) return { kind: 'other', chatId, reason: 'a message without text' };
  const command = commandOf(said);
  if (command?.name === 'start') return { kind: 'start', chatId, from };
  if (command?.name === 'status') {
    const number = /^[#№]?\s?(\d{1,12})$/u.exec(command.argument);
    return { kind: 'status', chatId, from, ticketId: number ? Number(number[1]) : null };
  }
  const reply = isObject(message.reply_to_message) ? message.reply_to_message : null;
  const fromBot = reply && isObject(reply.from) && reply.from.is_bot === true;
  return {
    kind: 'text',
    chatId,
    from,
    messageId: isId(message.message_id) ? message.message_id : 0,
    text: said,
    repliedTicketId: fromBot ? ticketNumberInBotText(text(reply.text)) : null,
  };
}

const SUBJECT_MAX = 300;

/** A ticket's subject from a chat message: its first line, cut at a word near 120 characters. */
export function subjectOfMessage(message: string): string {
  const line = message.trim().split(/\r?\n/u)[0]!.trim();
  if (line.length <= 120) return line.slice(0, SUBJECT_MAX) || '(Telegram)';
  const cut = line.slice(0, 120);
  const space = cut.lastIndexOf(' ');
  return `${space > 60 ? cut.slice(0, space) : cut}…`;
}

/** The keyboard that asks for the chat's own phone number (`request_contact`). */
export const sharePhoneKeyboard = {
  keyboard: [[{ text: 'Поделиться номером / Share my phone number', request_contact: true }]],
  one_time_keyboard: true,
  resize_keyboard: true,
};

/** Buttons 1–5 under a resolution notice: the survey, answered from the chat. */
export const ratingKeyboard = (ticketId: number) => ({
  inline_keyboard: [
    [1, 2, 3, 4, 5].map((score) => ({ text: '★'.repeat(score), callback_data: rateCallbackData(ticketId, score) })),
  ],
});

/** "A new request, or about one of these open tickets?": one button each, the new request first. */
export const chooseTicketKeyboard = (messageRowId: number, openTickets: { id: number; subject: string }[]) => ({
  inline_keyboard: [
    [{ text: 'Новая заявка / New request', callback_data: chooseCallbackData(messageRowId, null) }],
    ...openTickets.map((ticket) => [
      {
        text: `№${ticket.id} ${ticket.subject}`.slice(0, 60),
        callback_data: chooseCallbackData(messageRowId, ticket.id),
      },
    ]),
  ],
});

/** What the bot says, in Russian and English. */
export const botText = {
  welcome:
    'Здравствуйте! Это бот сервисного центра. Опишите проблему одним сообщением — мы зарегистрируем заявку. ' +
    'Чтобы мы узнали вас, поделитесь номером телефона (кнопка ниже). Статус заявки: /status <номер>.\n\n' +
    'Hello! This is the service desk bot. Describe your problem in one message and we will register a ticket. ' +
    'Share your phone number (the button below) so that we know who you are. A ticket’s status: /status <number>.',
  sharePhoneFirst:
    'Чтобы зарегистрировать заявку, поделитесь, пожалуйста, номером телефона (кнопка ниже). Ваше сообщение сохранено.\n\n' +
    'To register your request, please share your phone number (the button below). Your message is kept.',
  notOwnContact:
    'Пожалуйста, поделитесь своим номером кнопкой ниже, а не чужим контактом.\n\n' +
    'Please share your own number with the button below, not someone else’s contact.',
  badPhone: 'Не удалось прочитать номер телефона.\n\nThe phone number could not be read.',
  linked:
    'Спасибо, номер сохранён. Опишите проблему одним сообщением.\n\nThank you, your number is saved. Describe your problem in one message.',
  registered: (ticketId: number) =>
    `Заявка №${ticketId} зарегистрирована. Мы сообщим здесь, когда специалист её примет и когда она будет выполнена.\n\n` +
    `Your ticket №${ticketId} is registered. We will tell you here when a specialist takes it and when it is done.`,
  attached: (ticketId: number) =>
    `Сообщение добавлено к вашей заявке №${ticketId}.\n\nYour message has been added to your ticket №${ticketId}.`,
  statusUsage: 'Напишите номер заявки: /status 1001\n\nGive the ticket’s number: /status 1001',
  statusNotFound: (ticketId: number) => `Среди ваших заявок нет №${ticketId}.\n\nNone of your tickets is №${ticketId}.`,
  status: (ticket: { id: number; stage: TicketStage; dueAt: Date | null }) => {
    const stage = clientStageText[ticket.stage];
    const due =
      ticket.dueAt && ['queued', 'in_work', 'waiting_for_client'].includes(ticket.stage) ? ticket.dueAt : null;
    return [
      `Заявка №${ticket.id}: ${stage.ru}.${due ? ` Срок: ${moscowTime(due)}.` : ''}`,
      '',
      `Ticket №${ticket.id}: ${stage.en}.${due ? ` Due: ${due.toISOString().replace('T', ' ').slice(0, 16)} UTC.` : ''}`,
    ].join('\n');
  },
  chooseTicket:
    'У вас есть открытые заявки. Это новая заявка или сообщение к одной из них?\n\n' +
    'You have open tickets. Is this a new request, or about one of them?',
  chosen: 'Принято. / Got it.',
  rated: 'Спасибо за оценку! / Thank you for your rating!',
  surveyClosed: 'Оценка этой заявки уже не принимается. / This ticket can no longer be rated.',
  unknownButton: 'Эта кнопка больше не действует. / This button no longer works.',
};

/** The text a notice is sent as in a chat: its subject, then its body (Telegram has no subject line). */
export const chatTextOf = (notice: { subject: string; body: string }) => `${notice.subject}\n\n${notice.body}`;

/** The keyboard a notice goes with, chosen by its purpose so a retry sends the same: the survey under a resolution. */
export function noticeKeyboard(ticketId: number, purpose: string) {
  return purpose === 'resolution' || purpose.startsWith('resolution:') ? ratingKeyboard(ticketId) : undefined;
}
