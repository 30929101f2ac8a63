import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  evaluate,
  isHeldOut,
  largestCategory,
  suggestCategory,
  trainCategoryModel,
  type LabelledText,
} from '../../src/domain/category-model';

const labelled: LabelledText[] = fs
  .readFileSync(path.join(__dirname, '..', '..', 'data', 'tickets-labelled.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line));

describe('the category model', () => {
  const training = labelled.filter((row) => !isHeldOut(row.text));
  const heldOut = labelled.filter((row) => isHeldOut(row.text));

  it('is trained and judged on disjoint halves of the shipped sample', () => {
    expect(labelled.length).toBeGreaterThanOrEqual(200);
    expect(training.length).toBeGreaterThan(60);
    expect(heldOut.length).toBeGreaterThan(60);
    const trainingTexts = new Set(training.map((r) => r.text));
    expect(heldOut.some((r) => trainingTexts.has(r.text))).toBe(false);
  });

  it('beats always-the-largest-class on the held-out half by a wide margin', () => {
    const model = trainCategoryModel(training);
    const result = evaluate(
      (text) => suggestCategory(model, text)?.category ?? largestCategory(training),
      heldOut,
      largestCategory(training),
    );
    expect(result.accuracy).toBeGreaterThan(result.baselineAccuracy * 2);
    expect(result.accuracy).toBeGreaterThan(0.4);
  });

  it('gives a probability and learns from what it is shown', () => {
    const model = trainCategoryModel([
      { text: 'Роутер не раздаёт интернет', category: 'connectivity' },
      { text: 'Router has no internet', category: 'connectivity' },
      { text: 'Выставьте счёт на оплату', category: 'billing' },
      { text: 'Invoice is wrong', category: 'billing' },
    ]);
    const suggestion = suggestCategory(model, 'роутеры без интернета')!;
    expect(suggestion.category).toBe('connectivity');
    expect(suggestion.confidence).toBeGreaterThan(0.5);
    expect(suggestion.confidence).toBeLessThanOrEqual(1);
    expect(suggestCategory(trainCategoryModel([]), 'anything')).toBeUndefined();
    expect(suggestCategory(model, 'совсем другое')).toBeUndefined();
  });

  it('counts precision, recall and confusion correctly', () => {
    const result = evaluate(
      (text) => (text.startsWith('a') ? 'a' : 'b'),
      [
        { text: 'a1', category: 'a' },
        { text: 'a2', category: 'b' },
        { text: 'b1', category: 'b' },
        { text: 'b2', category: 'a' },
      ],
      'a',
    );
    expect(result.accuracy).toBe(0.5);
    expect(result.baselineAccuracy).toBe(0.5);
    expect(result.confusion).toEqual({ a: { a: 1, b: 1 }, b: { a: 1, b: 1 } });
    expect(result.perCategory).toEqual([
      { category: 'a', precision: 0.5, recall: 0.5, support: 2 },
      { category: 'b', precision: 0.5, recall: 0.5, support: 2 },
    ]);
  });
});
