/**
 * "Принтер уже починили?": a client's message about a ticket they already have is not a new
 * ticket. Which ticket it asks about, and the status answer the client is sent on their channel,
 * with no I/O (src/services/status-questions.ts does the lookups and the sending).
 */
import { clientWords, greetingName } from './notices';
import type { TicketStage } from './process';
import { firstFitting, type SmsLanguage } from './sms-text';

export interface OpenTicket {
  id: number;
  channel: string;
  stage: TicketStage;
  subject: string;
  receivedAt: Date;
  dueAt: Date | null;
}

/**
 * Ticket numbers a text names: "№1042", "#1042", "[#1042]", "заявка 1042", "заявке 1042",
 * "ticket 1042", "request 1042", "order 1042". A bare number is not one (a price, a model, a date).
 */
export function ticketNumbersIn(text: string): number[] {
  const found = new Set<number>();
  // \b and \w are ASCII-only in JavaScript, so word edges are spelt with \p{L}.
  const pattern =
    /(?:№|#|(?<![\p{L}\p{N}])(?:заявк\p{L}*|обращени\p{L}*|заказ\p{L}*|ticket|request|case|order)\s*(?:№|#|no\.?)?)\s*(\d{3,12})(?!\p{N})/giu;
  for (const match of text.matchAll(pattern)) {
    const n = Number(match[1]);
    if (Number.isSafeInteger(n)) found.add(n);
  }
  return [...found];
}

export type StatusTarget = { ticketId: number; because: 'named' | 'latest_open_on_channel' };

/**
 * The client's open ticket the message is about: one its text names by number (whatever else the
 * message says, it refers to that ticket); else, when the message is a status question, the
 * client's most recent open ticket on the same channel. Undefined: a new ticket.
 */
export function statusQuestionTarget(input: {
  text: string;
  category: string;
  channel: string;
  openTickets: OpenTicket[];
}): StatusTarget | undefined {
  const open = input.openTickets.filter((t) => t.stage !== 'closed');
  const named = ticketNumbersIn(input.text)
    .map((n) => open.find((t) => t.id === n))
    .find(Boolean);
  if (named) return { ticketId: named.id, because: 'named' };
  if (input.category !== STATUS_CATEGORY) return undefined;
  const latest = open
    .filter((t) => t.channel === input.channel)
    .sort((a, b) => b.receivedAt.getTime() - a.receivedAt.getTime() || b.id - a.id)[0];
  return latest ? { ticketId: latest.id, because: 'latest_open_on_channel' } : undefined;
}

/** What the sender of a status question is told: nothing of the ticket (the answer goes to the contact on file). */
export const questionAttachedMessage =
  'Сообщение добавлено к вашей открытой заявке, её статус отправлен на ваш контакт из заявки. / ' +
  'Your message was added to your open ticket; its status was sent to the contact on file.';

/** The category of questions about a ticket's progress (data/README.md). */
export const STATUS_CATEGORY = 'status';

/** A stage as the client reads it, in Russian and English (status answers, the status page). */
export const clientStageText: Record<TicketStage, { ru: string; en: string }> = {
  registering: { ru: 'регистрируется', en: 'being registered' },
  queued: { ru: 'в очереди, ждёт специалиста', en: 'queued, waiting for a specialist' },
  in_work: { ru: 'в работе', en: 'in work' },
  waiting_for_client: { ru: 'ждёт вашего ответа', en: 'waiting for your reply' },
  resolved: { ru: 'выполнена', en: 'resolved' },
  awaiting_survey: { ru: 'выполнена, ждёт вашей оценки', en: 'resolved, waiting for your rating' },
  complaint: { ru: 'выполнена, ваша жалоба рассматривается', en: 'resolved, your complaint is being handled' },
  closed: { ru: 'закрыта', en: 'closed' },
};

/** Moscow time, the zone of the desk's default calendar; the message says so. */
export function moscowTime(at: Date): string {
  return `${new Intl.DateTimeFormat('ru-RU', {
    timeZone: 'Europe/Moscow',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(at)} (МСК)`;
}

/**
 * The answer to a status question, in Russian and English: the ticket's stage and, while it is
 * being worked, its due date. The client's own words are not repeated in it.
 */
export function statusAnswer(
  ticket: Pick<OpenTicket, 'id' | 'stage' | 'subject' | 'dueAt'>,
  clientName?: string | null,
  statusUrl?: string,
) {
  const name = clientName ? greetingName(clientName) : '';
  const stage = clientStageText[ticket.stage];
  const due = ticket.dueAt && ['queued', 'in_work', 'waiting_for_client'].includes(ticket.stage) ? ticket.dueAt : null;
  return {
    subject: `Заявка №${ticket.id}: ${stage.ru} / Ticket #${ticket.id}: ${stage.en}`,
    text: [
      `Здравствуйте${name ? `, ${name}` : ''}!`,
      `Ваша заявка №${ticket.id}: ${stage.ru}. Тема заявки, как её написал заявитель:`,
      clientWords(ticket.subject),
      ...(due ? [`Срок выполнения: ${moscowTime(due)}.`] : []),
      'Ваше сообщение добавлено к заявке.',
      ...(statusUrl ? [`Следить за заявкой: ${statusUrl}`] : []),
      '',
      '---',
      `Hello${name ? ` ${name}` : ''},`,
      `your ticket #${ticket.id} is ${stage.en}. Its subject, as the sender wrote it:`,
      clientWords(ticket.subject),
      ...(due ? [`Due: ${due.toISOString().replace('T', ' ').slice(0, 16)} UTC.`] : []),
      'Your message has been added to the ticket.',
      ...(statusUrl ? [`Follow your ticket: ${statusUrl}`] : []),
    ].join('\n'),
  };
}

/** The status answer by SMS, in the client's language: the stage in words and the status link. */
export function statusAnswerSms(
  ticket: Pick<OpenTicket, 'id' | 'stage'>,
  statusUrl: string,
  language: SmsLanguage,
): string {
  const stage = clientStageText[ticket.stage];
  return language === 'ru'
    ? firstFitting([`Заявка №${ticket.id}: ${stage.ru}. Статус: ${statusUrl}`, `№${ticket.id}: ${statusUrl}`])
    : firstFitting([
        `Your ticket #${ticket.id} is ${stage.en}. Status: ${statusUrl}`,
        `Ticket #${ticket.id}: ${statusUrl}`,
      ]);
}
