import type { LabelledText } from './evaluation';
import { stems } from './text';

/**
 * A multinomial naive Bayes model over normalised stems: the desk's first model, kept to load
 * old rows and as the baseline `npm run eval:classify` compares the linear model with.
 */
export interface NaiveBayesModel {
  kind?: 'naive-bayes';
  categories: string[];
  /** Training tickets per category. */
  tickets: Record<string, number>;
  /** Occurrences of each stem per category. */
  stemCounts: Record<string, Record<string, number>>;
  /** All stem occurrences per category. */
  totals: Record<string, number>;
  vocabularySize: number;
}

/** Numbers, one-letter words and the commonest function words say nothing about the category. */
const ignored = new Set([
  'и',
  'в',
  'на',
  'с',
  'по',
  'у',
  'к',
  'за',
  'из',
  'что',
  'как',
  'а',
  'the',
  'a',
  'an',
  'to',
  'of',
  'and',
  'in',
  'is',
  'it',
  'my',
  'on',
  'for',
]);
const features = (text: string) => stems(text).filter((s) => s.length > 1 && !ignored.has(s) && !/^\d+$/.test(s));

export function trainNaiveBayes(examples: LabelledText[]): NaiveBayesModel {
  const model: NaiveBayesModel = { categories: [], tickets: {}, stemCounts: {}, totals: {}, vocabularySize: 0 };
  const vocabulary = new Set<string>();
  for (const { text, category } of examples) {
    if (!(category in model.tickets)) {
      model.categories.push(category);
      model.tickets[category] = 0;
      model.stemCounts[category] = {};
      model.totals[category] = 0;
    }
    model.tickets[category]! += 1;
    const counts = model.stemCounts[category]!;
    for (const stem of features(text)) {
      counts[stem] = (counts[stem] ?? 0) + 1;
      model.totals[category]! += 1;
      vocabulary.add(stem);
    }
  }
  model.categories.sort();
  model.vocabularySize = vocabulary.size;
  return model;
}

/** Each category's posterior probability, in the model's order; undefined when no word of the text is known. */
export function naiveBayesPosterior(model: NaiveBayesModel, text: string): number[] | undefined {
  if (model.categories.length === 0) return undefined;
  const allTickets = model.categories.reduce((sum, c) => sum + model.tickets[c]!, 0);
  const words = features(text);
  if (!words.some((word) => model.categories.some((c) => word in model.stemCounts[c]!))) return undefined;
  const scores = model.categories.map((category) => {
    const counts = model.stemCounts[category]!;
    const denominator = model.totals[category]! + model.vocabularySize + 1;
    let score = Math.log(model.tickets[category]! / allTickets);
    for (const word of words) score += Math.log(((counts[word] ?? 0) + 1) / denominator);
    return score;
  });
  const best = Math.max(...scores);
  const weights = scores.map((s) => Math.exp(s - best));
  const sum = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / sum);
}
