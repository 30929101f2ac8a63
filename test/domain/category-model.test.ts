import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  rankCategories,
  suggestCategory,
  trainCategoryModel,
  type CategoryModel,
} from '../../src/domain/category-model';
import { trainNaiveBayes } from '../../src/domain/naive-bayes';
import { evaluateHeldOut, isHeldOut, largestCategory, type LabelledText } from '../../src/domain/evaluation';

const labelled: LabelledText[] = fs
  .readFileSync(path.join(__dirname, '..', '..', 'data', 'tickets-labelled.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line));

const alone = (train: (rows: LabelledText[]) => CategoryModel) => (training: LabelledText[]) => {
  const model = train(training);
  return (text: string) => suggestCategory(model, text)?.category ?? largestCategory(training);
};

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

  it('is the linear model, and it does at least as well as naive Bayes on the held-out half', () => {
    expect(trainCategoryModel(training.slice(0, 10)).kind).toBe('linear');
    const linear = evaluateHeldOut(alone(trainCategoryModel), training, heldOut);
    const bayes = evaluateHeldOut(alone(trainNaiveBayes), training, heldOut);
    expect(linear.macroF1).toBeGreaterThanOrEqual(bayes.macroF1 - 0.02);
    const largestShare = heldOut.filter((r) => r.category === largestCategory(training)).length / heldOut.length;
    expect(linear.accuracy).toBeGreaterThan(largestShare * 2);
  });

  it('trains the same model from the same verdicts, whatever their order', () => {
    const a = trainCategoryModel(training);
    const b = trainCategoryModel(training);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    // Stored as JSON and read back (a jsonb row): it answers the same.
    const stored = JSON.parse(JSON.stringify(a)) as CategoryModel;
    const text = heldOut[0]!.text;
    expect(rankCategories(stored, text)).toEqual(rankCategories(a, text));
  });

  it('gives probabilities that sum to one, likeliest first, and learns from what it is shown', () => {
    const examples = [
      { text: 'Роутер не раздаёт интернет', category: 'connectivity' },
      { text: 'Router has no internet', category: 'connectivity' },
      { text: 'Выставьте счёт на оплату', category: 'billing' },
      { text: 'Invoice is wrong', category: 'billing' },
    ];
    for (const model of [trainCategoryModel(examples), trainNaiveBayes(examples)]) {
      const ranked = rankCategories(model, 'роутеры без интернета');
      expect(ranked[0]).toMatchObject({ category: 'connectivity' });
      expect(ranked[0]!.confidence).toBeGreaterThan(0.5);
      expect(ranked.reduce((sum, r) => sum + r.confidence, 0)).toBeCloseTo(1, 6);
      expect(suggestCategory(model, 'qqq zzz')).toBeUndefined();
    }
    expect(suggestCategory(trainCategoryModel([]), 'anything')).toBeUndefined();
  });

  it('still reads a naive Bayes model stored before the linear one (a row without kind)', () => {
    const stored = JSON.parse(
      JSON.stringify(trainNaiveBayes([{ text: 'Router has no internet', category: 'connectivity' }])),
    ) as CategoryModel;
    expect(stored.kind).toBeUndefined();
    expect(suggestCategory(stored, 'router')).toEqual({ category: 'connectivity', confidence: 1 });
  });
});
