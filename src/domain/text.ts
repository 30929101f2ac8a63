import { newStemmer } from 'snowball-stemmers';

const russian = newStemmer('russian');
const english = newStemmer('english');

/** Lower case, ё → е, collapsed spaces: the form rules and the classifier read text in. */
export function normaliseText(text: string): string {
  return text.toLowerCase().replace(/ё/g, 'е').replace(/\s+/g, ' ').trim();
}

/** Words of a normalised text: Cyrillic or Latin letters and digits, hyphen kept inside a word (wi-fi). */
const wordPattern = /[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*/gu;

/** Snowball stem of one normalised word; the alphabet decides the language. */
export function stemWord(word: string): string {
  if (/[а-я]/.test(word)) return russian.stem(word);
  if (/^[a-z]/.test(word)) return english.stem(word);
  return word;
}

/** "Роутеры не работают" → ["роутер", "не", "работа"]: what rules and the classifier compare. */
export function stems(text: string): string[] {
  return (normaliseText(text).match(wordPattern) ?? []).map(stemWord);
}
