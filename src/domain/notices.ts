import type { TicketDetails } from './ticket-details';

/** The message that tells a client their ticket is resolved, in Russian and English. */
export function resolutionNotice(ticket: TicketDetails, surveyUrl: string): { subject: string; text: string } {
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
      '',
      '---',
      `Hello${name ? ` ${name}` : ''},`,
      '',
      `your ticket #${ticket.id} "${ticket.subject}" has been resolved.`,
      `Resolution: ${ticket.resolution ?? ''}`,
      '',
      `Please rate our work from 1 to 5: ${surveyUrl}`,
    ]
      .filter((line, i, all) => !(line === '' && all[i - 1] === ''))
      .join('\n'),
  };
}
