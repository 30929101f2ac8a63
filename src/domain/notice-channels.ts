import type { IntakeChannel, NoticeChannel, NotificationChannel } from './enums';

export type { NoticeChannel } from './enums';

/** What the desk knows of a client's reach on each channel when a notice is to go. */
export interface NoticeReach {
  /** The channel the ticket came by. */
  came: IntakeChannel;
  /** The client profile's preferred channel. */
  preferred: NotificationChannel;
  /** The address on file (whether it bounced the outbox finds when it comes to it, and goes on). */
  email: string | null;
  /** The phone on file (E.164), when the desk has an SMS gateway and this notice an SMS text. */
  sms: string | null;
  /** The client's linked chat the bot may write to, when the desk has a bot. */
  telegram: { chatId: string } | { blockedChatId: string } | null;
}

export interface NoticeRoute {
  /** The channels to try, in order, each with its recipient; the next is tried when one refuses for good. */
  order: Array<{ channel: NoticeChannel; recipient: string }>;
  /** Channels the client has but that are known not to carry: a chat that blocked the bot. */
  passedOver: Array<{ channel: NoticeChannel; recipient: string; reason: string }>;
}

/**
 * After the ticket's own channel and the preferred one, the rest in this order: the free channels
 * before SMS, which the desk pays for per part.
 */
const FALLBACK_ORDER: readonly NoticeChannel[] = ['email', 'telegram', 'sms'];

/**
 * A call is answered on the caller's phone; a preference for calls the desk meets by SMS, the
 * phone's written channel. The web form and the API have no channel of their own.
 */
const noticeChannelOf = (channel: IntakeChannel | NotificationChannel): NoticeChannel | null =>
  channel === 'phone' ? 'sms' : channel === 'api' || channel === 'web' ? null : channel;

/**
 * Where a client's notice goes (#13): first on the channel the ticket came by (the client is
 * answered where they wrote), then on their preferred channel, then on the others they can be
 * reached on, e-mail, Telegram, SMS. A channel the client has no contact on is not a channel; a
 * chat that blocked the bot is passed over with the reason. A channel that refuses when tried (an
 * address that bounced, an SMS gateway's permanent error) makes the sender go on down the order.
 * Consent is not decided here but by the outbox on each channel (src/domain/notice-consent.ts):
 * withdrawn on one channel, the notice goes on to the next as from a refusal; withdrawn on every
 * channel, it is held.
 */
export function noticeRoute(reach: NoticeReach): NoticeRoute {
  const route: NoticeRoute = { order: [], passedOver: [] };
  const wanted = [noticeChannelOf(reach.came), noticeChannelOf(reach.preferred), ...FALLBACK_ORDER];
  for (const channel of new Set(wanted.filter((c): c is NoticeChannel => c !== null))) {
    if (channel === 'email' && reach.email) route.order.push({ channel, recipient: reach.email });
    if (channel === 'sms' && reach.sms) route.order.push({ channel, recipient: reach.sms });
    if (channel === 'telegram' && reach.telegram) {
      if ('chatId' in reach.telegram) route.order.push({ channel, recipient: reach.telegram.chatId });
      else
        route.passedOver.push({
          channel,
          recipient: reach.telegram.blockedChatId,
          reason: 'the client blocked the bot',
        });
    }
  }
  return route;
}
