/**
 * How well a classifier does, measured so that it cannot fool itself: the held-out half of a
 * labelled set is chosen by a hash of each text (never by the tuner), and anything tuned is
 * tuned by k-fold cross-validation on the other half, folds also chosen by the hash.
 */
export interface LabelledText {
  text: string;
  category: string;
}

/** A labelled file's lines (`{"text": ..., "category": ...}` each, blank lines skipped); a bad line is named by its number. */
export function parseLabelled(content: string, name: string): LabelledText[] {
  return content
    .split('\n')
    .map((line, i) => [line.trim(), i + 1] as const)
    .filter(([line]) => line)
    .map(([line, n]) => {
      let row: Partial<LabelledText>;
      try {
        row = JSON.parse(line) as Partial<LabelledText>;
      } catch {
        throw new Error(`${name}:${n}: not JSON`);
      }
      if (typeof row.text !== 'string' || typeof row.category !== 'string' || !row.text.trim() || !row.category)
        throw new Error(`${name}:${n}: needs "text" and "category" strings`);
      return { text: row.text, category: row.category };
    });
}

function textHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A stable half of any labelled set, chosen by the text alone: the held-out half never trains. */
export function isHeldOut(text: string): boolean {
  return textHash(text) % 2 === 1;
}

/** The cross-validation fold of a training text (0…k−1), from the hash bits the split does not use. */
export function foldOf(text: string, k: number): number {
  return Math.floor(textHash(text) / 2) % k;
}

export interface CategoryFigures {
  category: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Evaluation {
  total: number;
  accuracy: number;
  /** The mean of every category's F1: a small category counts as much as a large one. */
  macroF1: number;
  perCategory: CategoryFigures[];
  /** confusion[actual][predicted] = count */
  confusion: Record<string, Record<string, number>>;
}

/** Figures from (actual, predicted) pairs. */
export function evaluatePairs(pairs: Array<{ actual: string; predicted: string }>): Evaluation {
  const confusion: Record<string, Record<string, number>> = {};
  let correct = 0;
  for (const { actual, predicted } of pairs) {
    const row = (confusion[actual] ??= {});
    row[predicted] = (row[predicted] ?? 0) + 1;
    if (predicted === actual) correct++;
  }
  const categories = [
    ...new Set([...Object.keys(confusion), ...Object.values(confusion).flatMap((row) => Object.keys(row))]),
  ].sort();
  const perCategory = categories.map((category) => {
    const truePositive = confusion[category]?.[category] ?? 0;
    const predictedAs = Object.values(confusion).reduce((sum, row) => sum + (row[category] ?? 0), 0);
    const support = Object.values(confusion[category] ?? {}).reduce((a, b) => a + b, 0);
    const precision = predictedAs ? truePositive / predictedAs : 0;
    const recall = support ? truePositive / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { category, precision, recall, f1, support };
  });
  const scored = perCategory.filter((c) => c.support > 0);
  const total = pairs.length;
  return {
    total,
    accuracy: total ? correct / total : 0,
    macroF1: scored.length ? scored.reduce((sum, c) => sum + c.f1, 0) / scored.length : 0,
    perCategory,
    confusion,
  };
}

/** A predictor trained on some texts, asked about others. */
export type Learner = (training: LabelledText[]) => (text: string) => string;

/** Trained on the training half, scored on the held-out half. */
export function evaluateHeldOut(learn: Learner, training: LabelledText[], heldOut: LabelledText[]): Evaluation {
  const predict = learn(training);
  return evaluatePairs(heldOut.map(({ text, category }) => ({ actual: category, predicted: predict(text) })));
}

/** k-fold cross-validation: each fold predicted by a learner trained on the other folds; the pooled figures. */
export function crossValidate(learn: Learner, training: LabelledText[], k = 5): Evaluation {
  const pairs: Array<{ actual: string; predicted: string }> = [];
  for (let fold = 0; fold < k; fold++) {
    const inFold = (row: LabelledText) => foldOf(row.text, k) === fold;
    const predict = learn(training.filter((row) => !inFold(row)));
    for (const row of training.filter(inFold)) pairs.push({ actual: row.category, predicted: predict(row.text) });
  }
  return evaluatePairs(pairs);
}

export interface ReliabilityBin {
  from: number;
  to: number;
  count: number;
  /** Mean stated confidence of the answers in the bin. */
  confidence: number;
  /** Share of those answers that were right. */
  accuracy: number;
}

/** Whether stated confidence means what it says: answers binned by confidence, each bin's hit rate. */
export function reliability(
  answers: Array<{ confidence: number; right: boolean }>,
  edges = [0, 0.5, 0.7, 0.9, 1],
): ReliabilityBin[] {
  return edges.slice(0, -1).map((from, i) => {
    const to = edges[i + 1]!;
    const last = i === edges.length - 2;
    const inBin = answers.filter((a) => a.confidence >= from && (a.confidence < to || (last && a.confidence <= to)));
    const mean = (pick: (a: (typeof answers)[number]) => number) =>
      inBin.length ? inBin.reduce((sum, a) => sum + pick(a), 0) / inBin.length : 0;
    return { from, to, count: inBin.length, confidence: mean((a) => a.confidence), accuracy: mean((a) => +a.right) };
  });
}

export function largestCategory(examples: LabelledText[]): string {
  const counts = new Map<string, number>();
  for (const { category } of examples) counts.set(category, (counts.get(category) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
}
