import type { OutboxTransport } from '../repositories/outbox';
import type { SmsProvider } from './sms';

/**
 * The outbox's SMS channel: a notice goes to the number (its recipient, E.164) as its short text
 * (the stored body; the subject stays in the outbox). The gateway's id and first status are
 * given back to be kept with the message, so its delivery can be followed. A refusal is thrown as
 * the gateway's error (SmsProviderError, `permanent` when it will refuse again).
 */
export function smsTransport(provider: SmsProvider): OutboxTransport {
  return {
    channel: 'sms',
    async send(message) {
      // The outbox's Message-ID, the same on every attempt: a gateway that knows it drops a resend after a crash.
      return provider.send(message.to, message.text, message.messageId);
    },
  };
}
