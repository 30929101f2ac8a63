import type { TicketDetails } from './ticket-details';

/** The message that tells a client their ticket is resolved, in Russian and English. */
export function resolutionNotice(
  ticket: TicketDetails,
  surveyUrl: string,
  statusUrl?: string,
): { subject: string; text: string } {
  const name = ticket.client.name ?? '';
  return {
    subject: `Заявка №${ticket.id} выполнена / Ticket #${ticket.id} resolved`,
    text: [
      `Здравствуйте${name ? `, ${name}` : ''}!`,
      '',
      `Ваша заявка №${ticket.id} «${ticket.subject}» выполнена.`,
      `Результат: ${ticket.resolution ?? ''}`,
      ticket.quotedPrice !== null ? `Стоимость: ${ticket.quotedPrice} ₽` : '',
      '',
      `Оцените, пожалуйста, нашу работу от 1 до 5: ${surveyUrl}`,
      statusUrl ? `Заявка и переписка по ней: ${statusUrl}` : '',
      '',
      '---',
      `Hello${name ? ` ${name}` : ''},`,
      '',
      `your ticket #${ticket.id} "${ticket.subject}" has been resolved.`,
      `Resolution: ${ticket.resolution ?? ''}`,
      '',
      `Please rate our work from 1 to 5: ${surveyUrl}`,
      statusUrl ? `Your ticket and its messages: ${statusUrl}` : '',
    ]
      .filter((line, i, all) => !(line === '' && all[i - 1] === ''))
      .join('\n'),
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

/** The message that tells a client a specialist took their ticket: the quoted price and due date, when there are. */
export function acceptedNotice(
  ticket: Pick<TicketDetails, 'id' | 'subject' | 'quotedPrice' | 'dueAt'>,
  statusUrl: string,
): {
  subject: string;
  text: string;
} {
  const due = ticket.dueAt ? new Date(ticket.dueAt) : null;
  const moscow = due
    ? new Intl.DateTimeFormat('ru-RU', { timeZone: 'Europe/Moscow', dateStyle: 'short', timeStyle: 'short' }).format(
        due,
      )
    : null;
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
      ...(due ? [`Due: ${due.toISOString().replace('T', ' ').slice(0, 16)} UTC`] : []),
      `The ticket's status: ${statusUrl}`,
    ].join('\n'),
  };
}
