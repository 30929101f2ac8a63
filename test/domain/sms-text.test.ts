import { describe, expect, it } from 'vitest';
import { acceptedSms, resolutionSms } from '../../src/domain/notices';
import { clientStageText, statusAnswerSms } from '../../src/domain/status-question';
import { MAX_SMS_PARTS, smsLanguageOf, smsSegments } from '../../src/domain/sms-text';
import type { TicketStage } from '../../src/domain/process';

describe('SMS segments (3GPP TS 23.038 / 23.040)', () => {
  it('counts GSM-7 as 160 in one segment and 153 a part, its extension characters as two', () => {
    expect(smsSegments('a'.repeat(160))).toEqual({ encoding: 'gsm7', units: 160, parts: 1 });
    expect(smsSegments('a'.repeat(161))).toEqual({ encoding: 'gsm7', units: 161, parts: 2 });
    expect(smsSegments('a'.repeat(306)).parts).toBe(2);
    expect(smsSegments('a'.repeat(307)).parts).toBe(3);
    expect(smsSegments('€'.repeat(80))).toEqual({ encoding: 'gsm7', units: 160, parts: 1 });
    expect(smsSegments('https://desk.example.org/status/1001#token=Ab_-9').encoding).toBe('gsm7');
  });

  it('sends any text with a character outside GSM-7 (Cyrillic, №, ₽) as UCS-2: 70 in one segment, 67 a part', () => {
    expect(smsSegments('я'.repeat(70))).toEqual({ encoding: 'ucs2', units: 70, parts: 1 });
    expect(smsSegments('я'.repeat(71))).toEqual({ encoding: 'ucs2', units: 71, parts: 2 });
    expect(smsSegments('я'.repeat(134)).parts).toBe(2);
    expect(smsSegments('я'.repeat(135)).parts).toBe(3);
    // One ruble sign makes a Latin text UCS-2.
    expect(smsSegments(`${'a'.repeat(70)}₽`)).toEqual({ encoding: 'ucs2', units: 71, parts: 2 });
    // An emoji is two UTF-16 units.
    expect(smsSegments('🙂').units).toBe(2);
  });
});

describe('the desk’s SMS notices', () => {
  // A PUBLIC_URL of 40 characters, a seven-digit ticket number, a link token as the desk issues them (24 characters).
  const link = `${'https://servicedesk.example-centre.ru'.padEnd(40, 'x')}/status/1000123#token=${'T'.repeat(24)}`;
  const due = '2026-12-11T15:00:00.000Z';
  const texts = (language: 'ru' | 'en') => [
    resolutionSms(1000123, link, language),
    acceptedSms({ id: 1000123, quotedPrice: '125000', dueAt: due }, link, language),
    acceptedSms({ id: 1000123, quotedPrice: null, dueAt: null }, link, language),
    ...(Object.keys(clientStageText) as TicketStage[]).map((stage) =>
      statusAnswerSms({ id: 1000123, stage }, link, language),
    ),
  ];

  it(`fit ${MAX_SMS_PARTS} parts in either language and always carry the status link`, () => {
    for (const language of ['ru', 'en'] as const)
      for (const text of texts(language)) {
        expect(smsSegments(text).parts, text).toBeLessThanOrEqual(MAX_SMS_PARTS);
        expect(text).toContain(link);
      }
    expect(texts('ru').every((text) => smsSegments(text).encoding === 'ucs2')).toBe(true);
    expect(texts('en').every((text) => smsSegments(text).encoding === 'gsm7')).toBe(true);
  });

  it('tell price and due date while they fit, and drop them before the link', () => {
    const short = 'http://desk.test/status/1001#token=' + 'T'.repeat(24);
    expect(acceptedSms({ id: 1001, quotedPrice: '2500', dueAt: due }, short, 'ru')).toBe(
      `Заявка №1001 в работе. 2500 ₽. До 11.12 18:00 МСК. Статус: ${short}`,
    );
    expect(acceptedSms({ id: 1001, quotedPrice: '2500', dueAt: due }, short, 'en')).toBe(
      `A specialist has taken your ticket #1001. Price 2500 RUB. Due 2026-12-11 15:00 UTC. Status: ${short}`,
    );
    expect(acceptedSms({ id: 1000123, quotedPrice: '125000', dueAt: due }, link, 'ru')).toBe(
      `Заявка №1000123 в работе. 125000 ₽. Статус: ${link}`,
    );
  });

  it('speak Russian to the Russian-speaking country codes and English elsewhere', () => {
    expect(['+79161234567', '+77011234567', '+375291234567', '+996555123456'].map(smsLanguageOf)).toEqual([
      'ru',
      'ru',
      'ru',
      'ru',
    ]);
    expect(['+4915112345678', '+12025550123', '+380501234567'].map(smsLanguageOf)).toEqual(['en', 'en', 'en']);
  });
});
