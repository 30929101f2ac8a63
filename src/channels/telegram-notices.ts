import { chatTextOf, noticeKeyboard } from '../domain/telegram';
import type { OutboxTransport } from '../repositories/outbox';
import type { TelegramBotApi } from './telegram-bot-api';

/**
 * The outbox's Telegram channel: a notice goes to the chat (its recipient is the chat id) as one
 * message, subject first; a resolution notice carries the survey's rating buttons. A refusal
 * is thrown as the Bot API's error (403: the bot is blocked) for the sender to decide on.
 */
export function telegramTransport(api: TelegramBotApi): OutboxTransport {
  return {
    channel: 'telegram',
    async send(message, about) {
      await api.sendMessage(
        Number(message.to),
        chatTextOf({ subject: message.subject, body: message.text }),
        noticeKeyboard(about.ticketId, about.purpose),
      );
    },
  };
}
