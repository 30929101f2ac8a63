import { describe, expect, it } from 'vitest';
import { consentReasonToSkip, needsNotificationConsent, noticeKindOf } from '../../src/domain/notice-consent';

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
    const withdrawn = { granted: false, at: new Date('2026-11-20T10:00:00Z') };
    const given = { granted: true, at: new Date('2026-11-21T10:00:00Z') };
    expect(consentReasonToSkip('accepted', withdrawn)).toBe(
      'the client withdrew consent to notifications on 2026-11-20',
    );
    expect(consentReasonToSkip('accepted:2', given)).toBeNull();
    // Never asked: the desk sends as it always did.
    expect(consentReasonToSkip('accepted', null)).toBeNull();
    for (const purpose of ['resolution', 'status:7', 'registered', 'client-confirmation'])
      expect(consentReasonToSkip(purpose, withdrawn)).toBeNull();
  });
});
