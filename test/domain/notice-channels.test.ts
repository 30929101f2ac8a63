import { describe, expect, it } from 'vitest';
import { noticeRoute, type NoticeReach } from '../../src/domain/notice-channels';

const everything: NoticeReach = {
  came: 'api',
  preferred: 'email',
  email: 'client@example.com',
  sms: '+79161234567',
  telegram: { chatId: '4242' },
};
const channels = (reach: Partial<NoticeReach>) => noticeRoute({ ...everything, ...reach }).order.map((s) => s.channel);

describe('which channels a client notice goes on, in order (#13)', () => {
  it('first the channel the ticket came by, then the preferred one, then e-mail, Telegram, SMS', () => {
    expect(channels({ came: 'sms' })).toEqual(['sms', 'email', 'telegram']);
    expect(channels({ came: 'telegram', preferred: 'sms' })).toEqual(['telegram', 'sms', 'email']);
    expect(channels({ came: 'email', preferred: 'telegram' })).toEqual(['email', 'telegram', 'sms']);
    // The web form and the API have no channel of their own: the preference leads.
    expect(channels({ came: 'web', preferred: 'sms' })).toEqual(['sms', 'email', 'telegram']);
    expect(channels({ came: 'api', preferred: 'email' })).toEqual(['email', 'telegram', 'sms']);
  });

  it('answers a call, and a preference for calls, by SMS', () => {
    expect(channels({ came: 'phone' })).toEqual(['sms', 'email', 'telegram']);
    expect(channels({ came: 'web', preferred: 'phone' })).toEqual(['sms', 'email', 'telegram']);
  });

  it('leaves out the channels the client cannot be reached on, each with its recipient', () => {
    expect(noticeRoute({ ...everything, came: 'sms', email: null, telegram: null }).order).toEqual([
      { channel: 'sms', recipient: '+79161234567' },
    ]);
    // A ticket by SMS from a client known by e-mail only (or a desk with no SMS gateway) is answered by e-mail.
    expect(channels({ came: 'sms', sms: null, telegram: null })).toEqual(['email']);
    expect(noticeRoute({ ...everything, email: null, sms: null, telegram: null })).toEqual({
      order: [],
      passedOver: [],
    });
  });

  it('passes over a chat that blocked the bot, saying so, and falls back to SMS or e-mail', () => {
    const route = noticeRoute({ ...everything, came: 'telegram', telegram: { blockedChatId: '4242' } });
    expect(route.order.map((s) => s.channel)).toEqual(['email', 'sms']);
    expect(route.passedOver).toEqual([
      { channel: 'telegram', recipient: '4242', reason: 'the client blocked the bot' },
    ]);
    expect(
      noticeRoute({ ...everything, came: 'telegram', email: null, telegram: { blockedChatId: '4242' } }).order,
    ).toEqual([{ channel: 'sms', recipient: '+79161234567' }]);
  });

  it('puts every channel once, whatever the ticket and the preference repeat', () => {
    expect(channels({ came: 'email', preferred: 'email' })).toEqual(['email', 'telegram', 'sms']);
    expect(channels({ came: 'sms', preferred: 'phone' })).toEqual(['sms', 'email', 'telegram']);
  });
});
