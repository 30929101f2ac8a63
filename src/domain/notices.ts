import { firstFitting, type SmsLanguage } from './sms-text';
import type { TicketDetails } from './ticket-details';

/**
 * What a filer wrote (a subject, a name), as the desk quotes it in its own mail: on one line of
 * its own, marked as the client's words, cut to a length, so a filer cannot make the desk's
 * message say something in the desk's voice ("your account is blocked, call …") or add lines
 * that look like the desk's.
 */
export function clientWords(text: string, max = 200): string {
  const line = text
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
  return `> ${line.length > max ? `${line.slice(0, max - 1)}…` : line}`;
}

/** A name in a greeting: one line, short; the desk greets by the name the client's record holds. */
export const greetingName = (name: string | null | undefined) => (name ? clientWords(name, 60).slice(2) : '');

/**
 * The message that tells a client their ticket is resolved, in Russian and English. The ticket's
 * subject is the filer's words and is quoted as such; a ticket whose client is not confirmed
 * (anyone may type someone's address) says so, and that it can be ignored.
 */
export function resolutionNotice(
  ticket: TicketDetails,
  surveyUrl: string,
  statusUrl?: string,
): { subject: string; text: string } {
  const name = greetingName(ticket.client.name);
  const unconfirmed = !ticket.client.confirmed;
  return {
    subject: `Заявка №${ticket.id} выполнена / Ticket #${ticket.id} resolved`,
    text: [
      `Здравствуйте${name ? `, ${name}` : ''}!`,
      '',
      `Ваша заявка №${ticket.id} выполнена. Тема заявки, как её написал заявитель:`,
      clientWords(ticket.subject),
      ...(unconfirmed
        ? ['Заявку подали, указав ваш адрес. Если это были не вы, просто не отвечайте на это письмо.']
        : []),
      `Результат: ${ticket.resolution ?? ''}`,
      ticket.quotedPrice !== null ? `Стоимость: ${ticket.quotedPrice} ₽` : '',
      '',
      `Оцените, пожалуйста, нашу работу от 1 до 5: ${surveyUrl}`,
      statusUrl ? `Заявка и переписка по ней: ${statusUrl}` : '',
      '',
      '---',
      `Hello${name ? ` ${name}` : ''},`,
      '',
      `your ticket #${ticket.id} has been resolved. Its subject, as the sender wrote it:`,
      clientWords(ticket.subject),
      ...(unconfirmed
        ? ['The ticket was filed giving your address. If that was not you, simply ignore this message.']
        : []),
      `Resolution: ${ticket.resolution ?? ''}`,
      '',
      `Please rate our work from 1 to 5: ${surveyUrl}`,
      statusUrl ? `Your ticket and its messages: ${statusUrl}` : '',
    ]
      .filter((line, i, all) => !(line === '' && all[i - 1] === ''))
      .join('\n'),
  };
}

/**
 * Someone filed a ticket giving a known client's contact: the client, at the contact the desk
 * has on file, is asked to confirm it was them. Until they do, the ticket runs as a one-time
 * client's (src/domain/client-confirmation.ts). The filer's subject is quoted, nothing else of it.
 */
export function clientConfirmationNotice(
  ticket: { id: number; subject: string },
  confirmUrl: string,
): { subject: string; text: string } {
  return {
    subject: `Заявка №${ticket.id}: подтвердите, что это вы / Ticket #${ticket.id}: please confirm it was you`,
    text: [
      'Здравствуйте!',
      '',
      `На ваш адрес зарегистрирована заявка №${ticket.id}. Тема, как её написал заявитель:`,
      clientWords(ticket.subject),
      `Если заявку подали вы, подтвердите это по ссылке: ${confirmUrl}`,
      'Если нет, просто не отвечайте: заявка не будет связана с вашими договорами и условиями.',
      '',
      '---',
      'Hello,',
      '',
      `ticket #${ticket.id} was filed giving your address. Its subject, as the sender wrote it:`,
      clientWords(ticket.subject),
      `If you filed it, please confirm: ${confirmUrl}`,
      'If not, simply ignore this message: the ticket will not be linked to your contracts and terms.',
    ].join('\n'),
  };
}

/** What staff are told about a ticket's SLA clock; `target` is the clock's kind (response, resolution, handover). */
export interface StaffNotice {
  subject: string;
  text: string;
}

/** A target's warning share of its budget is used: the deadline is near. */
export function slaWarningNotice(ticketId: number, target: string, dueAt: string): StaffNotice {
  return {
    subject: `Заявка №${ticketId}: скоро срок SLA / Ticket ${ticketId}: SLA deadline near`,
    text: `${target} due at ${dueAt}`,
  };
}

/** A target's budget is used up: the deadline is missed. */
export function slaBreachNotice(ticketId: number, target: string, dueAt: string, supportLine: number): StaffNotice {
  return {
    subject: `Заявка №${ticketId}: нарушен срок SLA / Ticket ${ticketId}: SLA breached`,
    text: `${target} was due at ${dueAt}; the ticket is on line ${supportLine}`,
  };
}

/** An escalation level after a breach: where the ticket is now. */
export function escalationNotice(
  ticketId: number,
  level: number,
  target: string,
  dueAt: string,
  moved: { supportLine: number; queueCode: string },
): StaffNotice {
  return {
    subject: `Заявка №${ticketId}: эскалация, уровень ${level} / Ticket ${ticketId}: escalation level ${level}`,
    text: `${target} breached at ${dueAt}; the ticket is now on line ${moved.supportLine} (queue ${moved.queueCode})`,
  };
}

/** A promised date as the accepted notice gives it: Moscow time, short; null without one. */
export const dueInMoscow = (dueAt: string | null) =>
  dueAt
    ? new Intl.DateTimeFormat('ru-RU', { timeZone: 'Europe/Moscow', dateStyle: 'short', timeStyle: 'short' }).format(
        new Date(dueAt),
      )
    : null;

/** The same in UTC, to the minute ("2026-12-07 14:00"); null without one. */
export const dueInUtc = (dueAt: string | null) =>
  dueAt ? new Date(dueAt).toISOString().replace('T', ' ').slice(0, 16) : null;

/** The message that tells a client a specialist took their ticket: the quoted price and due date, when there are. */
export function acceptedNotice(
  ticket: Pick<TicketDetails, 'id' | 'subject' | 'quotedPrice' | 'dueAt'>,
  statusUrl: string,
): {
  subject: string;
  text: string;
} {
  const due = ticket.dueAt ? new Date(ticket.dueAt) : null;
  const moscow = dueInMoscow(ticket.dueAt);
  return {
    subject: `Заявка №${ticket.id} принята в работу / Ticket №${ticket.id} accepted`,
    text: [
      `Специалист принял вашу заявку №${ticket.id} «${ticket.subject}».`,
      ...(ticket.quotedPrice !== null ? [`Стоимость: ${ticket.quotedPrice} ₽`] : []),
      ...(moscow ? [`Срок: ${moscow} (МСК)`] : []),
      `Статус заявки: ${statusUrl}`,
      '',
      `A specialist has taken your ticket №${ticket.id} "${ticket.subject}".`,
      ...(ticket.quotedPrice !== null ? [`Price: ${ticket.quotedPrice} RUB`] : []),
      ...(due ? [`Due: ${dueInUtc(ticket.dueAt)} UTC`] : []),
      `The ticket's status: ${statusUrl}`,
    ].join('\n'),
  };
}

/**
 * The resolution notice by SMS, in the client's language (src/domain/sms-text.ts): the number and
 * the status link, where the client rates the work and reads the resolution. The filer's words are
 * not quoted: an SMS has no room to mark them as theirs.
 */
export function resolutionSms(ticketId: number, statusUrl: string, language: SmsLanguage): string {
  return language === 'ru'
    ? firstFitting([
        `Заявка №${ticketId} выполнена. Оценка и ответ: ${statusUrl}`,
        `№${ticketId} выполнена: ${statusUrl}`,
      ])
    : firstFitting([
        `Your ticket #${ticketId} is resolved. Please rate our work: ${statusUrl}`,
        `Ticket #${ticketId} resolved: ${statusUrl}`,
      ]);
}

/** The accepted notice by SMS: price and due date while they fit two parts, the status link always. */
export function acceptedSms(
  ticket: Pick<TicketDetails, 'id' | 'quotedPrice' | 'dueAt'>,
  statusUrl: string,
  language: SmsLanguage,
): string {
  const due = ticket.dueAt ? new Date(ticket.dueAt) : null;
  if (language === 'ru') {
    const price = ticket.quotedPrice !== null ? ` ${ticket.quotedPrice} ₽.` : '';
    const moscow = due
      ? ` До ${new Intl.DateTimeFormat('ru-RU', { timeZone: 'Europe/Moscow', day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit' }).format(due).replace(',', '')} МСК.`
      : '';
    return firstFitting([
      `Заявка №${ticket.id} в работе.${price}${moscow} Статус: ${statusUrl}`,
      `Заявка №${ticket.id} в работе.${price} Статус: ${statusUrl}`,
      `№${ticket.id} в работе: ${statusUrl}`,
    ]);
  }
  const price = ticket.quotedPrice !== null ? ` Price ${ticket.quotedPrice} RUB.` : '';
  const utc = due ? ` Due ${due.toISOString().replace('T', ' ').slice(0, 16)} UTC.` : '';
  return firstFitting([
    `A specialist has taken your ticket #${ticket.id}.${price}${utc} Status: ${statusUrl}`,
    `Ticket #${ticket.id} accepted.${price} Status: ${statusUrl}`,
    `Ticket #${ticket.id} accepted: ${statusUrl}`,
  ]);
}
