import { describe, expect, it } from 'vitest';
import {
  botText,
  chooseTicketKeyboard,
  noticeKeyboard,
  rateCallbackData,
  subjectOfMessage,
  telegramEventOf,
  ticketNumberInBotText,
  updateIdOf,
} from '../../src/domain/telegram';

const from = { id: 42, is_bot: false, first_name: 'Ольга', language_code: 'ru' };
const chat = { id: 42, type: 'private' };
const message = (fields: Record<string, unknown>) => ({
  update_id: 1,
  message: { message_id: 7, from, chat, date: 0, ...fields },
});

describe('reading a Telegram update', () => {
  it('knows /start, /status with a number (and the bot’s name after the command), a contact and a text', () => {
    expect(telegramEventOf(message({ text: '/start' }))).toMatchObject({ kind: 'start', chatId: 42 });
    expect(telegramEventOf(message({ text: '/status@DeskBot №1001' }))).toMatchObject({
      kind: 'status',
      ticketId: 1001,
    });
    expect(telegramEventOf(message({ text: '/status' }))).toMatchObject({ kind: 'status', ticketId: null });
    expect(telegramEventOf(message({ text: '/status abc' }))).toMatchObject({ kind: 'status', ticketId: null });
    expect(telegramEventOf(message({ contact: { phone_number: '79161234567', user_id: 42 } }))).toMatchObject({
      kind: 'contact',
      phone: '79161234567',
      contactUserId: 42,
    });
    expect(telegramEventOf(message({ text: 'Не включается ноутбук' }))).toMatchObject({
      kind: 'text',
      text: 'Не включается ноутбук',
      repliedTicketId: null,
      from: { id: 42, firstName: 'Ольга' },
    });
  });

  it('reads the ticket of a reply only from a message of a bot', () => {
    const reply = (isBot: boolean) =>
      telegramEventOf(
        message({
          text: 'Всё ещё не работает',
          reply_to_message: { from: { id: 1, is_bot: isBot }, text: 'Заявка №1042 выполнена' },
        }),
      );
    expect(reply(true)).toMatchObject({ kind: 'text', repliedTicketId: 1042 });
    expect(reply(false)).toMatchObject({ kind: 'text', repliedTicketId: null });
  });

  it('knows the rating buttons, and only those, in a private chat', () => {
    const press = (data: string, type = 'private') =>
      telegramEventOf({
        update_id: 2,
        callback_query: { id: 'q1', from, data, message: { message_id: 1, chat: { id: 42, type } } },
      });
    expect(press('rate:1001:5')).toEqual({
      kind: 'rate',
      callbackId: 'q1',
      chatId: 42,
      from: expect.any(Object),
      ticketId: 1001,
      score: 5,
    });
    expect(press('rate:1001:6')).toMatchObject({ kind: 'unknown_button' });
    expect(press('rate:1001:5', 'group')).toMatchObject({ kind: 'unknown_button' });
    expect(press('approve:1001')).toMatchObject({ kind: 'unknown_button' });
    expect(press('pick:77:new')).toMatchObject({ kind: 'choose', messageRowId: 77, ticketId: null });
    expect(press('pick:77:1001')).toMatchObject({ kind: 'choose', messageRowId: 77, ticketId: 1001 });
    expect(press('pick:77:x')).toMatchObject({ kind: 'unknown_button' });
  });

  it('leaves anything else alone, and never throws, whatever the body', () => {
    for (const body of [null, 'text', 42, [], {}, { update_id: 1 }, { message: 'x' }, { message: { chat: { id: 1 } } }])
      expect(telegramEventOf(body).kind).toBe('other');
    expect(telegramEventOf(message({ chat: { id: -100, type: 'group' }, text: 'hi' }))).toMatchObject({
      kind: 'other',
    });
    expect(telegramEventOf(message({ sticker: { file_id: 'x' } }))).toMatchObject({
      kind: 'other',
      reason: 'a message without text',
    });
    expect(telegramEventOf({ update_id: 3, edited_message: { text: 'x' } })).toMatchObject({ kind: 'other' });
    // PostgreSQL text holds no NUL: it is dropped from what is read.
    expect(telegramEventOf(message({ text: 'a\u0000b' }))).toMatchObject({ text: 'ab' });
  });

  it('takes update_id only when it is a non-negative integer', () => {
    expect([
      updateIdOf({ update_id: 5 }),
      updateIdOf({ update_id: -1 }),
      updateIdOf({ update_id: '5' }),
      updateIdOf(null),
    ]).toEqual([5, null, null, null]);
  });
});

describe('what the bot says', () => {
  it('makes a subject of the first line, cut at a word', () => {
    expect(subjectOfMessage('Не печатает принтер\nПечатает пустые листы')).toBe('Не печатает принтер');
    const long = subjectOfMessage(`${'слово '.repeat(40)}конец`);
    expect(long.length).toBeLessThanOrEqual(121);
    expect(long.endsWith('слово…')).toBe(true);
  });

  it('keeps callback data within Telegram’s 64 bytes, and puts the rating buttons under a resolution notice only', () => {
    expect(Buffer.byteLength(rateCallbackData(999_999_999_999, 5))).toBeLessThanOrEqual(64);
    expect(noticeKeyboard(1001, 'resolution:2')?.inline_keyboard[0]).toHaveLength(5);
    expect(noticeKeyboard(1001, 'accepted')).toBeUndefined();
    const choice = chooseTicketKeyboard(999_999_999_999_999, [{ id: 999_999_999_999, subject: 'x'.repeat(300) }]);
    for (const [button] of choice.inline_keyboard) {
      expect(Buffer.byteLength(button!.callback_data)).toBeLessThanOrEqual(64);
      expect(button!.text.length).toBeLessThanOrEqual(60);
    }
  });

  it('speaks Russian and English, and names tickets so that a reply finds them', () => {
    expect(botText.registered(1001)).toMatch(/Заявка №1001[\s\S]*Your ticket №1001/);
    expect(ticketNumberInBotText(botText.registered(1001))).toBe(1001);
    expect(botText.status({ id: 1001, stage: 'in_work', dueAt: new Date('2026-12-04T12:00:00Z') })).toBe(
      'Заявка №1001: в работе. Срок: 04.12.2026, 15:00 (МСК).\n\nTicket №1001: in work. Due: 2026-12-04 12:00 UTC.',
    );
    expect(botText.status({ id: 1001, stage: 'closed', dueAt: new Date() })).not.toContain('Срок');
  });
});
