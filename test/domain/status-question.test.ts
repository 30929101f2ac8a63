import { describe, expect, it } from 'vitest';
import { statusAnswer, statusQuestionTarget, ticketNumbersIn, type OpenTicket } from '../../src/domain/status-question';

const ticket = (id: number, more: Partial<OpenTicket> = {}): OpenTicket => ({
  id,
  channel: 'web',
  stage: 'in_work',
  subject: 'Не печатает принтер',
  receivedAt: new Date(Date.UTC(2026, 11, 1, 9, id % 60)),
  dueAt: new Date(Date.UTC(2026, 11, 3, 11, 0)),
  ...more,
});

describe('ticketNumbersIn', () => {
  it.each([
    ['какой статус заявки 1042?', [1042]],
    ['По заявке №1042 есть новости?', [1042]],
    ['Re: [#1042] Не печатает', [1042]],
    ['status of ticket #5512 and request 5513', [5512, 5513]],
    ['обращение № 77001', [77001]],
    ['zakaz 1042 gotov?', []],
    ['заказ 1042 готов?', [1042]],
  ])('finds the numbers in "%s"', (text, numbers) => {
    expect(ticketNumbersIn(text)).toEqual(numbers);
  });

  it('does not take a bare number (a price, a model, a year) for a ticket', () => {
    expect(ticketNumbersIn('ноутбук Lenovo 5000 за 45000 рублей, куплен в 2024')).toEqual([]);
  });
});

describe('statusQuestionTarget', () => {
  const open = [ticket(1040, { channel: 'email' }), ticket(1041), ticket(1042, { stage: 'queued' })];

  it("attaches a message that names one of the client's open tickets, whatever its category", () => {
    expect(
      statusQuestionTarget({
        text: 'по заявке 1040: ещё и мышь',
        category: 'repair',
        channel: 'web',
        openTickets: open,
      }),
    ).toEqual({
      ticketId: 1040,
      because: 'named',
    });
  });

  it("never attaches to a number that is not the client's open ticket", () => {
    const closed = [ticket(1050, { stage: 'closed' })];
    for (const openTickets of [open, closed])
      expect(
        statusQuestionTarget({ text: 'заявка 1050 готова?', category: 'billing', channel: 'web', openTickets }),
      ).toBeUndefined();
  });

  it("sends a status question without a number to the client's latest open ticket on the same channel", () => {
    expect(
      statusQuestionTarget({ text: 'принтер уже починили?', category: 'status', channel: 'web', openTickets: open }),
    ).toEqual({
      ticketId: 1042,
      because: 'latest_open_on_channel',
    });
    expect(statusQuestionTarget({ text: 'ready?', category: 'status', channel: 'email', openTickets: open })).toEqual({
      ticketId: 1040,
      because: 'latest_open_on_channel',
    });
  });

  it('files anything else as a new ticket: another category, no open ticket on that channel, none open at all', () => {
    expect(
      statusQuestionTarget({ text: 'сломался сканер', category: 'repair', channel: 'web', openTickets: open }),
    ).toBeUndefined();
    expect(
      statusQuestionTarget({ text: 'готово?', category: 'status', channel: 'sms', openTickets: open }),
    ).toBeUndefined();
    expect(
      statusQuestionTarget({ text: 'готово?', category: 'status', channel: 'web', openTickets: [] }),
    ).toBeUndefined();
  });
});

describe('statusAnswer', () => {
  it('gives the stage and, while in work, the due date in Moscow time and in UTC', () => {
    const answer = statusAnswer(ticket(1042), 'Ольга');
    expect(answer.subject).toBe('Заявка №1042: в работе / Ticket #1042: in work');
    expect(answer.text).toContain('Здравствуйте, Ольга!');
    expect(answer.text).toContain('Ваша заявка №1042: в работе.');
    // The subject is the filer's words: quoted on a line of its own, never in the desk's sentence.
    expect(answer.text).toContain('\n> Не печатает принтер\n');
    expect(answer.text).toContain('Срок выполнения: 03.12.2026, 14:00 (МСК).');
    expect(answer.text).toContain('Due: 2026-12-03 11:00 UTC.');
  });

  it('leaves the due date out once the work is done', () => {
    const answer = statusAnswer(ticket(1042, { stage: 'awaiting_survey' }));
    expect(answer.subject).toBe(
      'Заявка №1042: выполнена, ждёт вашей оценки / Ticket #1042: resolved, waiting for your rating',
    );
    expect(answer.text).not.toContain('Срок');
    expect(answer.text).toContain('Здравствуйте!');
  });
});
