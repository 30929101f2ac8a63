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

/** Words of the text (numbers as one token: "№1042" says "a ticket number", not which). */
function wordsOf(text: string): string[] {
  return (normaliseText(text).match(wordPattern) ?? []).map((w) => (/^\d+$/.test(w) ? '0' : w));
}

export function textFeatures(text: string): FeatureVector {
  const counts = new Map<number, number>();
  const add = (bucket: number, weight: number) => counts.set(bucket, (counts.get(bucket) ?? 0) + weight);
  const words = wordsOf(text);
  const stems = words.map(stemWord);
  for (let i = 0; i < stems.length; i++) {
    add(bucketOf(STEM, stems[i]!), 1);
    if (i + 1 < stems.length) add(bucketOf(PAIR, `${stems[i]} ${stems[i + 1]}`), 1);
    const word = `<${words[i]}>`;
    if (word.length < 5) continue;
    for (let n = 3; n <= 5; n++)
      for (let at = 0; at + n <= word.length; at++) add(bucketOf(GRAM, word.slice(at, at + n)), GRAM_WEIGHT);
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
