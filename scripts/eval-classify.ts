/**
 * `npm run eval:classify -- <file.jsonl>`: trains the category model on one half of a labelled
 * file ({"text":..., "category":...} per line), and on the held-out half prints accuracy,
 * per-category precision/recall and the confusion table — for the model, the default rules,
 * and both together as the desk uses them (rules win, then a confident model, else triage).
 */
import fs from 'node:fs';
import { decideClassification } from '../src/domain/classify';
import {
  evaluate,
  isHeldOut,
  largestCategory,
  suggestCategory,
  trainCategoryModel,
  type Evaluation,
  type LabelledText,
} from '../src/domain/category-model';
import { defaultRules } from '../src/domain/default-rules';
import { applyRules, compileRules } from '../src/domain/rules';

function readLabelled(file: string): LabelledText[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((line, i) => [line.trim(), i + 1] as const)
    .filter(([line]) => line)
    .map(([line, n]) => {
      const row = JSON.parse(line) as Partial<LabelledText>;
      if (typeof row.text !== 'string' || typeof row.category !== 'string')
        throw new Error(`${file}:${n}: needs "text" and "category" strings`);
      return { text: row.text, category: row.category };
    });
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function print(title: string, result: Evaluation) {
  console.log(
    `\n## ${title}\naccuracy ${pct(result.accuracy)} on ${result.total} held-out tickets (always-the-largest-class: ${pct(result.baselineAccuracy)})\n`,
  );
  console.log('category       precision  recall  support');
  for (const c of result.perCategory)
    console.log(
      `${c.category.padEnd(14)} ${pct(c.precision).padStart(9)} ${pct(c.recall).padStart(7)} ${String(c.support).padStart(8)}`,
    );
  const categories = result.perCategory.map((c) => c.category);
  console.log(
    `\nconfusion (rows: actual, columns: predicted)\n${''.padEnd(14)}${categories.map((c) => c.slice(0, 6).padStart(7)).join('')}`,
  );
  for (const actual of categories) {
    console.log(
      `${actual.padEnd(14)}${categories.map((p) => String(result.confusion[actual]?.[p] ?? 0).padStart(7)).join('')}`,
    );
  }
}

function main() {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: npm run eval:classify -- <file.jsonl>');
    process.exit(2);
  }
  const all = readLabelled(file);
  const training = all.filter((row) => !isHeldOut(row.text));
  const heldOut = all.filter((row) => isHeldOut(row.text));
  const model = trainCategoryModel(training);
  const largest = largestCategory(training);
  const rules = compileRules(defaultRules.map((rule, i) => ({ ...rule, id: i + 1, position: i + 1, enabled: true })));
  const decideByRules = (text: string) =>
    applyRules(rules, { subject: text, description: '', channel: 'api', clientCategory: 'one_time' });

  console.log(
    `${file}: ${all.length} tickets, ${training.length} for training, ${heldOut.length} held out (split by a hash of the text)`,
  );
  print(
    'category model alone (no known word → the largest class)',
    evaluate((text) => suggestCategory(model, text)?.category ?? largest, heldOut, largest),
  );
  print(
    'default rules alone (no rule → general)',
    evaluate((text) => decideClassification(decideByRules(text), undefined).category, heldOut, largest),
  );
  print(
    'as the desk decides: rules, then a confident model, else triage',
    evaluate(
      (text) => decideClassification(decideByRules(text), suggestCategory(model, text)).category,
      heldOut,
      largest,
    ),
  );
}

main();
