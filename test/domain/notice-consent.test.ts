import { describe, expect, it } from 'vitest';
import {
  consentOn,
  consentReasonToSkip,
  needsNotificationConsent,
  noticeKindOf,
} from '../../src/domain/notice-consent';

describe('notices and the client’s consent to notifications (#13)', () => {
  it('classifies every client notice the desk sends by its outbox purpose', () => {
    expect(
      ['registered', 'status:42', 'resolution', 'resolution:2', 'client-confirmation', 'accepted', 'accepted:3'].map(
        noticeKindOf,
      ),
    ).toEqual(['answer', 'answer', 'transactional', 'transactional', 'transactional', 'progress', 'progress']);
    // A kind nobody classified waits for consent, as marketing would.
    expect([noticeKindOf('newsletter'), needsNotificationConsent('newsletter')]).toEqual([null, true]);
    expect(noticeKindOf('accepted-ish')).toBeNull();
  });

  it('skips only what waits for consent, and only once the client withdrew it', () => {
    const withdrawn = { granted: false, at: new Date('2026-11-20T10:00:00Z'), channel: null };
    const given = { granted: true, at: new Date('2026-11-21T10:00:00Z'), channel: null };
    expect(consentReasonToSkip('accepted', [withdrawn], 'email')).toEqual({
      reason: 'the client withdrew consent to notifications on 2026-11-20',
      goesOn: false,
    });
    expect(consentReasonToSkip('accepted:2', [withdrawn, given], 'sms')).toBeNull();
    // Never asked: the desk sends as it always did.
    expect(consentReasonToSkip('accepted', [], 'telegram')).toBeNull();
    for (const purpose of ['resolution', 'status:7', 'registered', 'client-confirmation'])
      expect(consentReasonToSkip(purpose, [withdrawn], 'email')).toBeNull();
  });

  it('decides each channel by the latest record naming it or none, and goes on where consent remains', () => {
    const at = (day: number) => new Date(`2026-11-${day}T10:00:00Z`);
    const noneAtAll = { granted: false, at: at(10), channel: null };
    const smsFine = { granted: true, at: at(12), channel: 'sms' as const };
    // "No notifications", then "SMS is fine": SMS given, the others withdrawn.
    expect(consentOn([smsFine, noneAtAll], 'sms')).toBe(smsFine);
    expect(consentOn([smsFine, noneAtAll], 'email')).toBe(noneAtAll);
    expect(consentReasonToSkip('accepted', [noneAtAll, smsFine], 'sms')).toBeNull();
    expect(consentReasonToSkip('accepted', [noneAtAll, smsFine], 'email')).toEqual({
      reason: 'the client withdrew consent to notifications on 2026-11-10',
      goesOn: true,
    });
    // "No SMS": the notice goes on by e-mail and Telegram, never asked there.
    const noSms = { granted: false, at: at(14), channel: 'sms' as const };
    expect(consentReasonToSkip('accepted', [noSms], 'sms')).toEqual({
      reason: 'the client withdrew consent to notifications by SMS on 2026-11-14',
      goesOn: true,
    });
    expect(consentReasonToSkip('accepted', [noSms], 'email')).toBeNull();
    // Then "everything is fine": SMS given again.
    const allFine = { granted: true, at: at(15), channel: null };
    expect(consentReasonToSkip('accepted', [noSms, allFine], 'sms')).toBeNull();
    // Withdrawn on each channel one by one: held, as a withdrawal on every channel is.
    const each = (['email', 'sms', 'telegram'] as const).map((channel) => ({ granted: false, at: at(16), channel }));
    expect(consentReasonToSkip('accepted', each, 'telegram')).toMatchObject({ goesOn: false });
    // Records of one date: the one recorded later decides.
    const first = { id: 1, granted: false, at: at(17), channel: null };
    const second = { id: 2, granted: true, at: at(17), channel: null };
    expect(consentOn([second, first], 'email')).toBe(second);
    expect(consentOn([first, second], 'email')).toBe(second);
  });
});
