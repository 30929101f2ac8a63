/**
 * How long an SMS is on the air (3GPP TS 23.038 and 23.040): a text of GSM 03.38 characters only
 * goes as GSM-7, 160 characters in one segment, 153 in each part of a longer one (the 7 others
 * carry the concatenation header); any other character (Cyrillic, `№`, `₽`) makes the whole text
 * UCS-2, 70 UTF-16 units in one segment, 67 in each part. A character of GSM-7's extension table
 * (`€ [ ] { } | ^ ~ \`) costs two. The desk's SMS notices are kept to MAX_SMS_PARTS parts: every
 * part is paid for, and some handsets show a long message badly.
 */

export const MAX_SMS_PARTS = 2;

export const SMS_LIMITS = {
  gsm7: { single: 160, part: 153 },
  ucs2: { single: 70, part: 67 },
} as const;

export type SmsEncoding = keyof typeof SMS_LIMITS;

const GSM7_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM7_EXTENSION = new Set('\f^{}\\[~]|€');

/** The encoding a text goes in, how many units it takes in it, and how many segments (parts) it is sent as. */
export function smsSegments(text: string): { encoding: SmsEncoding; units: number; parts: number } {
  let gsmUnits = 0;
  for (const character of text) {
    if (GSM7_BASIC.has(character)) gsmUnits += 1;
    else if (GSM7_EXTENSION.has(character)) gsmUnits += 2;
    else {
      gsmUnits = -1;
      break;
    }
  }
  const encoding: SmsEncoding = gsmUnits >= 0 ? 'gsm7' : 'ucs2';
  // UCS-2 counts UTF-16 units: a character outside the BMP (an emoji) takes two.
  const units = encoding === 'gsm7' ? gsmUnits : text.length;
  const limit = SMS_LIMITS[encoding];
  const parts = units <= limit.single ? 1 : Math.ceil(units / limit.part);
  return { encoding, units, parts };
}

export const fitsSms = (text: string, parts = MAX_SMS_PARTS) => smsSegments(text).parts <= parts;

/**
 * The first of a notice's texts, fullest first, that fits MAX_SMS_PARTS parts; the last (the
 * barest, which keeps the number and the link) when none does, as a link longer than a
 * PUBLIC_URL of ordinary length makes it.
 */
export function firstFitting(texts: readonly [string, ...string[]]): string {
  return texts.find((text) => fitsSms(text)) ?? texts[texts.length - 1]!;
}

/** The language of the desk's SMS to a number: Russian for the Russian-speaking country codes, English elsewhere. */
export type SmsLanguage = 'ru' | 'en';
const RUSSIAN_SPEAKING = ['+7', '+375', '+996'];

/**
 * One language per SMS (both with the link do not fit two UCS-2 parts): by the number's country
 * code, +7 (Russia, Kazakhstan), +375 (Belarus), +996 (Kyrgyzstan) in Russian, others in English.
 * The client profile keeps no language; this is the one fact the desk has.
 */
export const smsLanguageOf = (phone: string): SmsLanguage =>
  RUSSIAN_SPEAKING.some((code) => phone.startsWith(code)) ? 'ru' : 'en';
