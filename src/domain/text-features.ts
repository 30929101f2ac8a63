import { normaliseText, stemWord } from './text';

/**
 * What the linear category model reads in a text, hashed into a fixed number of buckets:
 * Snowball stems (ru/en), pairs of neighbouring stems ("не включа", "when can"), and character
 * 3–5-grams inside each word with its boundaries ("<ноу", "бук>"), which carry the Russian
 * endings the stemmer misses, typos ("ноутбк") and transliteration ("noutbuk").
 */
export const FEATURE_BITS = 18;
const BUCKETS = 1 << FEATURE_BITS;

/** A sparse feature vector: bucket indices and their values, L2-normalised. */
export interface FeatureVector {
  index: Int32Array;
  value: Float32Array;
}

const wordPattern = /[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*/gu;

/** FNV-1a of a string, with a prefix per feature kind so that kinds do not share buckets by design. */
function bucketOf(kind: number, feature: string): number {
  let hash = 0x811c9dc5 ^ kind;
  for (let i = 0; i < feature.length; i++) {
    hash ^= feature.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) & (BUCKETS - 1);
}

const STEM = 1;
const PAIR = 2;
const GRAM = 3;
/** Character n-grams are many per word; at this weight a word's grams together count about as its stem. */
const GRAM_WEIGHT = 0.35;

function addGrams(add: (bucket: number, weight: number) => void, word: string, weight: number) {
  const bounded = `<${word}>`;
  if (bounded.length < 5) return;
  for (let n = 3; n <= 5; n++)
    for (let at = 0; at + n <= bounded.length; at++) add(bucketOf(GRAM, bounded.slice(at, at + n)), weight);
}

/** Words of the text (numbers as one token: "№1042" says "a ticket number", not which). */
function wordsOf(text: string): string[] {
  return (normaliseText(text).match(wordPattern) ?? []).map((w) => (/^\d+$/.test(w) ? '0' : w));
}

/** Latin spellings of Russian sounds, longest first: "uzhasnyy remont" is read as "ужасный ремонт". */
const latinToCyrillic: Array<[string, string]> = [
  ['shch', 'щ'],
  ['sch', 'щ'],
  ['zh', 'ж'],
  ['kh', 'х'],
  ['ch', 'ч'],
  ['sh', 'ш'],
  ['ts', 'ц'],
  ['ya', 'я'],
  ['yu', 'ю'],
  ['yo', 'е'],
  ['ye', 'е'],
  ['ia', 'я'],
  ['iu', 'ю'],
  ...[...'abvgdezijklmnoprstufhcwxq'].map((l): [string, string] => [
    l,
    'абвгдезийклмнопрстуфхквкк'['abvgdezijklmnoprstufhcwxq'.indexOf(l)]!,
  ]),
];

/** A Latin word as a Russian one would be typed in Latin letters; "y" is "й" after a vowel, else "ы". */
export function cyrillicReading(word: string): string {
  let out = '';
  for (let at = 0; at < word.length;) {
    if (word[at] === 'y' && !latinToCyrillic.some(([l]) => l.length > 1 && word.startsWith(l, at))) {
      out += /[аеиоуыэюя]$/.test(out) ? 'й' : 'ы';
      at++;
      continue;
    }
    const match = latinToCyrillic.find(([l]) => word.startsWith(l, at));
    if (match) {
      out += match[1];
      at += match[0].length;
    } else at++;
  }
  return out;
}

/** A transliterated reading is a guess: it counts less than the word as written. */
const READING_WEIGHT = 0.5;

export function textFeatures(text: string): FeatureVector {
  const counts = new Map<number, number>();
  const add = (bucket: number, weight: number) => counts.set(bucket, (counts.get(bucket) ?? 0) + weight);
  const words = wordsOf(text);
  const stems = words.map(stemWord);
  for (let i = 0; i < stems.length; i++) {
    add(bucketOf(STEM, stems[i]!), 1);
    if (i + 1 < stems.length) add(bucketOf(PAIR, `${stems[i]} ${stems[i + 1]}`), 1);
    addGrams(add, words[i]!, GRAM_WEIGHT);
    if (/^[a-z]{3,}$/.test(words[i]!)) {
      const reading = cyrillicReading(words[i]!);
      add(bucketOf(STEM, stemWord(reading)), READING_WEIGHT);
      addGrams(add, reading, GRAM_WEIGHT * READING_WEIGHT);
    }
  }
  // Sublinear counts: a word said five times is not five times the evidence.
  const index = Int32Array.from(counts.keys());
  const value = Float32Array.from(counts.values(), (c) => Math.log1p(c));
  let norm = 0;
  for (const v of value) norm += v * v;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < value.length; i++) value[i] = value[i]! / norm;
  return { index, value };
}
