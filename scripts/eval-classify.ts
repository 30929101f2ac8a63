/**
 * `npm run eval:classify -- <file.jsonl> [--tune]`: for the naive Bayes model, the linear model,
 * the default rules and the desk's decision (before: rules override the model; now: combined),
 * 5-fold cross-validated figures on the training half and figures on the held-out half (chosen
 * by a hash of the text, never tuned on): accuracy, macro-F1, per-category precision/recall/F1,
 * the confusion table, and whether the model's confidence means what it says.
 * `--tune` prints the cross-validated grid the training defaults were chosen from (training half only).
 */
import fs from 'node:fs';
import { rankCategories, suggestCategory, type CategoryModel } from '../src/domain/category-model';
import { trainNaiveBayes } from '../src/domain/naive-bayes';
import { decideClassification, defaultCombination, TRIAGE_CATEGORY, type Combination } from '../src/domain/classify';
import { defaultRules } from '../src/domain/default-rules';
import {
  crossValidate,
  evaluateHeldOut,
  isHeldOut,
  largestCategory,
  parseLabelled,
  reliability,
  type LabelledText,
  type Learner,
} from '../src/domain/evaluation';
import { trainLinearModel, type TrainingOptions } from '../src/domain/linear-model';
import { applyRules, compileRules, type CompiledRules, type RuleKind } from '../src/domain/rules';
import { printEvaluation, printReliability, printSummary, type Row } from './eval-report';

const compiled = (kind?: RuleKind) =>
  compileRules(
    defaultRules.map((rule, i) => ({ ...rule, kind: kind ?? rule.kind, id: i + 1, position: i + 1, enabled: true })),
  );
const on = (rules: CompiledRules) => (text: string) =>
  applyRules(rules, { subject: text, description: '', channel: 'api', clientCategory: 'one_time' });
const rulesOn = on(compiled());
/** Before rules had kinds every rule was authoritative: the first word list that fired named the category. */
const rulesBeforeOn = on(compiled('authoritative'));

const modelAlone =
  (train: (training: LabelledText[]) => CategoryModel): Learner =>
  (training) => {
    const model = train(training);
    const largest = largestCategory(training);
    return (text) => suggestCategory(model, text)?.category ?? largest;
  };

const learners: Record<string, Learner> = {
  'naive Bayes alone (no known word → the largest class)': modelAlone(trainNaiveBayes),
  'linear model alone (no known word → the largest class)': modelAlone((t) => trainLinearModel(t)),
  'default rules alone (no rule → general)': () => (text) => decideClassification(rulesOn(text), []).category,
  'the desk before: any rule overrides, then naive Bayes ≥ 60 %, else triage': (training) => {
    const model = trainNaiveBayes(training);
    return (text) => {
      const category = rulesBeforeOn(text).outcome.category;
      if (category) return category;
      const suggestion = suggestCategory(model, text);
      return suggestion && suggestion.confidence >= 0.6 ? suggestion.category : TRIAGE_CATEGORY;
    };
  },
  'the desk now: authoritative rules, else the linear model with evidence rules, else triage': (training) =>
    deskNow(training, defaultCombination),
};

function deskNow(training: LabelledText[], combination: Combination, options?: TrainingOptions) {
  const model = trainLinearModel(training, options);
  return (text: string) => decideClassification(rulesOn(text), rankCategories(model, text), combination).category;
}

function tune(training: LabelledText[]) {
  const row = (cells: Array<string | number>, cv: { accuracy: number; macroF1: number }) =>
    console.log(
      `${cells.map((c) => String(c).padEnd(10)).join('')}${(cv.accuracy * 100).toFixed(1).padStart(8)}% ${cv.macroF1.toFixed(3).padStart(9)}`,
    );
  console.log(
    '\n## the linear model (5-fold CV on the training half only)\nNB weight epochs    lambda      accuracy  macro-F1',
  );
  for (const naiveBayesWeight of [0, 0.3, 0.5, 1])
    for (const epochs of [10, 20])
      for (const lambda of [1e-5, 1e-4]) {
        const options: TrainingOptions = { naiveBayesWeight, epochs, lambda };
        row(
          [naiveBayesWeight, epochs, lambda],
          crossValidate(
            modelAlone((t) => trainLinearModel(t, options)),
            training,
          ),
        );
      }
  console.log(
    '\n## the desk now: combination (5-fold CV on the training half only)\nthreshold weight        accuracy  macro-F1',
  );
  for (const threshold of [0.2, 0.3, 0.4, 0.5])
    for (const evidenceWeight of [0, 0.5, 1, 1.5, 2])
      row(
        [threshold, evidenceWeight],
        crossValidate((t) => deskNow(t, { threshold, evidenceWeight }), training),
      );
}

function main() {
  const file = process.argv[2];
  if (!file || file.startsWith('-')) {
    console.error('usage: npm run eval:classify -- <file.jsonl> [--tune]');
    process.exit(2);
  }
  const all = parseLabelled(fs.readFileSync(file, 'utf8'), file);
  const training = all.filter((row) => !isHeldOut(row.text));
  const heldOut = all.filter((row) => isHeldOut(row.text));
  console.log(
    `${file}: ${all.length} tickets, ${training.length} for training (5-fold CV), ${heldOut.length} held out (split by a hash of the text)`,
  );
  if (process.argv.includes('--tune')) return tune(training);
  const rows: Row[] = [];
  for (const [title, learn] of Object.entries(learners)) {
    const started = performance.now();
    const cv = crossValidate(learn, training);
    const held = evaluateHeldOut(learn, training, heldOut);
    rows.push({ title, cv, heldOut: held, ms: performance.now() - started });
    printEvaluation(title, cv, held);
  }
  const linear = trainLinearModel(training);
  printReliability(
    'linear model',
    reliability(
      heldOut.flatMap(({ text, category }) => {
        const [top] = rankCategories(linear, text);
        return top ? [{ confidence: top.confidence, right: top.category === category }] : [];
      }),
    ),
  );
  printSummary(rows);
}

main();
