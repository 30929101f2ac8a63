import { stems } from './text';

/**
 * A multinomial naive Bayes model over normalised stems: small enough to keep as one JSON row,
 * fast enough to score a ticket in microseconds, and honest about its confidence.
 */
export interface CategoryModel {
  categories: string[];
  /** Training tickets per category. */
  tickets: Record<string, number>;
  /** Occurrences of each stem per category. */
  stemCounts: Record<string, Record<string, number>>;
  /** All stem occurrences per category. */
  totals: Record<string, number>;
  vocabularySize: number;
}

export interface LabelledText {
  text: string;
  category: string;
}

export interface CategorySuggestion {
  category: string;
  /** Posterior probability of the category, 0–1. */
  confidence: number;
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

export function trainCategoryModel(examples: LabelledText[]): CategoryModel {
  const model: CategoryModel = { categories: [], tickets: {}, stemCounts: {}, totals: {}, vocabularySize: 0 };
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

/**
 * The likeliest category with its posterior probability; undefined for an untrained model or a
 * text with no word the model has seen (the prior alone is no evidence about this ticket).
 */
export function suggestCategory(model: CategoryModel, text: string): CategorySuggestion | undefined {
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
  const top = scores.indexOf(best);
  return { category: model.categories[top]!, confidence: weights[top]! / sum };
}

/** A stable half of any labelled set, chosen by the text alone: the held-out half never trains. */
export function isHeldOut(text: string): boolean {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % 2 === 1;
}

export interface Evaluation {
  total: number;
  accuracy: number;
  /** Accuracy of always answering the commonest training category. */
  baselineAccuracy: number;
  perCategory: Array<{ category: string; precision: number; recall: number; support: number }>;
  /** confusion[actual][predicted] = count */
  confusion: Record<string, Record<string, number>>;
}

export function evaluate(
  predict: (text: string) => string,
  testSet: LabelledText[],
  largestTrainingCategory: string,
): Evaluation {
  const confusion: Record<string, Record<string, number>> = {};
  let correct = 0;
  let baseline = 0;
  for (const { text, category } of testSet) {
    const predicted = predict(text);
    confusion[category] ??= {};
    confusion[category]![predicted] = (confusion[category]![predicted] ?? 0) + 1;
    if (predicted === category) correct++;
    if (category === largestTrainingCategory) baseline++;
  }
  const categories = [
    ...new Set([...Object.keys(confusion), ...Object.values(confusion).flatMap((row) => Object.keys(row))]),
  ].sort();
  const perCategory = categories.map((category) => {
    const truePositive = confusion[category]?.[category] ?? 0;
    const predictedAs = Object.values(confusion).reduce((sum, row) => sum + (row[category] ?? 0), 0);
    const support = Object.values(confusion[category] ?? {}).reduce((a, b) => a + b, 0);
    return {
      category,
      precision: predictedAs ? truePositive / predictedAs : 0,
      recall: support ? truePositive / support : 0,
      support,
    };
  });
  const total = testSet.length;
  return {
    total,
    accuracy: total ? correct / total : 0,
    baselineAccuracy: total ? baseline / total : 0,
    perCategory,
    confusion,
  };
}

export function largestCategory(examples: LabelledText[]): string {
  const counts = new Map<string, number>();
  for (const { category } of examples) counts.set(category, (counts.get(category) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
}
