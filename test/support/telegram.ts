import { expect } from 'vitest';

export { startFakeBotApi, type FakeBotApi, type SentChatMessage } from './fake-bot-api';

type Params = Record<string, unknown>;

/** Updates as Telegram sends them, from a private chat whose id is its user's. */
export function updates(chatId: number, firstName = 'Ольга') {
  let nextUpdateId = chatId * 1000;
  let nextMessageId = 1;
  const from = { id: chatId, is_bot: false, first_name: firstName, language_code: 'ru' };
  const chat = { id: chatId, type: 'private', first_name: firstName };
  const message = (fields: Params) => ({
    update_id: nextUpdateId++,
    message: { message_id: nextMessageId++, from, chat, date: Math.floor(Date.now() / 1000), ...fields },
  });
  return {
    text: (text: string, fields: Params = {}) => message({ text, ...fields }),
    /** The chat's own number, shared with the request_contact button. */
    ownContact: (phone: string) =>
      message({ contact: { phone_number: phone, first_name: firstName, user_id: chatId } }),
    contactOf: (phone: string, userId: number) =>
      message({ contact: { phone_number: phone, first_name: 'Кто-то', user_id: userId } }),
    button: (data: string) => ({
      update_id: nextUpdateId++,
      callback_query: {
        id: `cb-${chatId}-${nextUpdateId}`,
        from,
        chat_instance: `ci-${chatId}`,
        data,
        message: { message_id: 1, from: { id: 1, is_bot: true, first_name: 'Desk' }, chat, date: 0, text: '…' },
      },
    }),
  };
}

/** expect.poll with room for a ticket's intake and a worker's activity on a loaded machine. */
export const eventually = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 20_000, interval: 100 });
