import { newStemmer } from 'snowball-stemmers';

const russian = newStemmer('russian');
const english = newStemmer('english');

/** Lower case, ё → е, collapsed spaces: the form rules and the classifier read text in. */
export function normaliseText(text: string): string {
  return text.toLowerCase().replace(/ё/g, 'е').replace(/\s+/g, ' ').trim();
}

/** Words of a normalised text: Cyrillic or Latin letters and digits, hyphen kept inside a word (wi-fi). */
const wordPattern = /[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*/gu;

/** Tickets repeat the same few thousand words; Snowball is the slow part of reading a text. */
const remembered = new Map<string, string>();
const REMEMBER_AT_MOST = 50_000;

/** Snowball stem of one normalised word; the alphabet decides the language. */
export function stemWord(word: string): string {
  const known = remembered.get(word);
  if (known !== undefined) return known;
  const stem = /[а-я]/.test(word) ? russian.stem(word) : /^[a-z]/.test(word) ? english.stem(word) : word;
  if (remembered.size >= REMEMBER_AT_MOST) remembered.clear();
  remembered.set(word, stem);
  return stem;
}

/** "Роутеры не работают" → ["роутер", "не", "работа"]: what rules and the classifier compare. */
export function stems(text: string): string[] {
  return (normaliseText(text).match(wordPattern) ?? []).map(stemWord);
}
