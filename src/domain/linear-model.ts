import { naiveBayesPosterior, trainNaiveBayes, type NaiveBayesModel } from './naive-bayes';
import { textFeatures, FEATURE_BITS, type FeatureVector } from './text-features';

/**
 * A multinomial logistic regression over hashed text features (see text-features.ts), trained
 * by SGD with L2 regularisation in a seeded order, so the same verdicts give the same model.
 * Its softmax is a probability the desk can threshold; a stored model keeps only the buckets
 * training saw, so it is a few hundred kilobytes of JSON, not the whole hash space.
 */
export interface LinearCategoryModel {
  kind: 'linear';
  featureBits: number;
  categories: string[];
  /** Buckets with a weight, ascending. */
  buckets: number[];
  /** weights[b * categories.length + k]: bucket `buckets[b]` for category k, rounded. */
  weights: number[];
  bias: number[];
  /**
   * Scores are divided by it before the softmax: fitted on out-of-fold predictions so that a
   * stated 80 % is right about 8 times in 10 (SGD's few steps leave raw scores too timid).
   */
  temperature: number;
  /**
   * A naive Bayes model of the same verdicts: its log-probabilities, times `naiveBayesWeight`,
   * join the linear scores. The two err on different tickets (whole stems against hashed
   * grams), and together they did better in cross-validation on the training half.
   */
  naiveBayes: NaiveBayesModel;
  naiveBayesWeight: number;
  /** Training tickets per category. */
  tickets: Record<string, number>;
}

export interface TrainingOptions {
  /** How much naive Bayes's log-probabilities count beside the linear scores (0: not at all). */
  naiveBayesWeight?: number;
  /** Initial learning rate. */
  eta?: number;
  epochs?: number;
  /** L2 strength. */
  lambda?: number;
  seed?: number;
}

/** Tuned by cross-validation on the training half of data/tickets-labelled.jsonl (`npm run eval:classify`). */
export const defaultTraining: Required<TrainingOptions> = {
  epochs: 10,
  lambda: 1e-5,
  eta: 2,
  seed: 16,
  naiveBayesWeight: 0.5,
};

/** Mulberry32: a small seeded generator, so the training order (and the model) is reproducible. */
function seeded(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function softmaxInPlace(scores: Float64Array): void {
  let max = -Infinity;
  for (const s of scores) if (s > max) max = s;
  let sum = 0;
  for (let k = 0; k < scores.length; k++) sum += scores[k] = Math.exp(scores[k]! - max);
  for (let k = 0; k < scores.length; k++) scores[k] = scores[k]! / sum;
}

interface Row {
  text: string;
  x: FeatureVector;
  y: number;
}

/**
 * The temperature is fitted on every third example, scored by a model trained on the others
 * (one fold, not three: retraining on 10,000 verdicts stays well under 30 s); below this many
 * examples it stays 1.
 */
const CALIBRATION_EVERY = 3;
const CALIBRATION_MIN = 30;

export function trainLinearModel(
  examples: Array<{ text: string; category: string }>,
  options: TrainingOptions = {},
): LinearCategoryModel {
  const settings = { ...defaultTraining, ...options };
  const categories = [...new Set(examples.map((e) => e.category))].sort();
  const tickets = Object.fromEntries(categories.map((c) => [c, 0]));
  for (const e of examples) tickets[e.category]! += 1;
  const rows: Row[] = examples.map((e) => ({
    text: e.text,
    x: textFeatures(e.text),
    y: categories.indexOf(e.category),
  }));
  const model = scorable(rows, categories, settings);
  const temperature = rows.length >= CALIBRATION_MIN ? fitTemperature(rows, categories, settings) : 1;
  return { kind: 'linear', featureBits: FEATURE_BITS, ...model, temperature, tickets };
}

/** The linear weights and the naive Bayes model, trained on the same rows. */
function scorable(rows: Row[], categories: string[], settings: Required<TrainingOptions>): Scorable {
  return {
    categories,
    ...fit(rows, categories, settings),
    naiveBayes: trainNaiveBayes(rows.map((row) => ({ text: row.text, category: categories[row.y]! }))),
    naiveBayesWeight: settings.naiveBayesWeight,
  };
}

/** The temperature minimising the log-loss of held-aside scores (chosen by position: rows come in a stable order). */
function fitTemperature(rows: Row[], categories: string[], settings: Required<TrainingOptions>): number {
  const aside = (i: number) => i % CALIBRATION_EVERY === 0;
  const model = scorable(
    rows.filter((_, i) => !aside(i)),
    categories,
    settings,
  );
  const scored = rows
    .filter((_, i) => aside(i))
    .map((row) => ({ scores: scoresOf(model, row.x, row.text).scores, y: row.y }));
  const loss = (t: number) => {
    let total = 0;
    const p = new Float64Array(categories.length);
    for (const { scores, y } of scored) {
      for (let k = 0; k < p.length; k++) p[k] = scores[k]! / t;
      softmaxInPlace(p);
      total -= Math.log(Math.max(p[y]!, 1e-12));
    }
    return total;
  };
  // Golden-section search over log t in [1/20, 20]: the loss is unimodal in t.
  let [lo, hi] = [Math.log(0.05), Math.log(20)];
  const ratio = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 40; i++) {
    const a = hi - ratio * (hi - lo);
    const b = lo + ratio * (hi - lo);
    if (loss(Math.exp(a)) < loss(Math.exp(b))) hi = b;
    else lo = a;
  }
  return Math.round(Math.exp((lo + hi) / 2) * 1e4) / 1e4;
}

function fit(
  rows: Row[],
  categories: string[],
  { epochs, lambda, seed, eta }: Required<TrainingOptions>,
): Pick<LinearCategoryModel, 'buckets' | 'weights' | 'bias'> {
  const K = categories.length;
  const size = 1 << FEATURE_BITS;
  // The weights are scale * v: the L2 decay of every weight at every step is one multiplication.
  const v = new Float32Array(size * K);
  const bias = new Float64Array(K);
  let scale = 1;
  const random = seeded(seed);
  const order = rows.map((_, i) => i);
  const scores = new Float64Array(K);
  const change = new Float64Array(K);
  const bases = rows.map(({ x }) => x.index.map((bucket) => bucket * K));
  let step = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const r of order) {
      const { x, y } = rows[r]!;
      const rate = eta / (1 + eta * lambda * step++);
      // Feature-major loops: each feature's K weights are adjacent in memory.
      const base = bases[r]!;
      scores.fill(0);
      for (let f = 0; f < base.length; f++) {
        const at = base[f]!;
        const value = x.value[f]!;
        for (let k = 0; k < K; k++) scores[k] = scores[k]! + value * v[at + k]!;
      }
      for (let k = 0; k < K; k++) scores[k] = bias[k]! + scores[k]! * scale;
      softmaxInPlace(scores);
      scale *= 1 - rate * lambda;
      let largest = 0;
      for (let k = 0; k < K; k++) {
        const gradient = scores[k]! - (k === y ? 1 : 0);
        bias[k] = bias[k]! - rate * gradient;
        change[k] = (rate * gradient) / scale;
        largest = Math.max(largest, Math.abs(gradient));
      }
      // An example the model already gets right with room to spare would move nothing worth the time.
      if (largest < 1e-3) continue;
      for (let f = 0; f < base.length; f++) {
        const at = base[f]!;
        const value = x.value[f]!;
        for (let k = 0; k < K; k++) v[at + k] = v[at + k]! - change[k]! * value;
      }
      if (scale < 1e-6) {
        for (let w = 0; w < v.length; w++) v[w] = v[w]! * scale;
        scale = 1;
      }
    }
  }
  const buckets: number[] = [];
  const weights: number[] = [];
  const round = (w: number) => Math.round(w * 1e4) / 1e4;
  for (let b = 0; b < size; b++) {
    let used = false;
    for (let k = 0; k < K && !used; k++) used = round(v[b * K + k]! * scale) !== 0;
    if (!used) continue;
    buckets.push(b);
    for (let k = 0; k < K; k++) weights.push(round(v[b * K + k]! * scale));
  }
  return { buckets, weights, bias: [...bias].map(round) };
}

/** Where each bucket's weights start, built once per loaded model (a stored model is plain JSON). */
const offsets = new WeakMap<Scorable, Map<number, number>>();

function offsetsOf(model: Scorable): Map<number, number> {
  let map = offsets.get(model);
  if (!map) {
    const K = model.categories.length;
    map = new Map(model.buckets.map((bucket, b) => [bucket, b * K]));
    offsets.set(model, map);
  }
  return map;
}

/**
 * Each category's probability for a text, in the model's category order; undefined when no
 * whole word of the text was in training (as naive Bayes reads words): character grams alone
 * ("<со", "ова") are shared by unrelated words, and a model's answer from them is no evidence.
 */
export function linearProbabilities(model: LinearCategoryModel, text: string): Float64Array | undefined {
  if (model.categories.length === 0) return undefined;
  if (model.featureBits !== FEATURE_BITS) throw new Error(`a model over ${model.featureBits}-bit features`);
  if (!naiveBayesPosterior(model.naiveBayes, text)) return undefined;
  const { scores } = scoresOf(model, textFeatures(text), text);
  for (let k = 0; k < scores.length; k++) scores[k] = scores[k]! / model.temperature;
  softmaxInPlace(scores);
  return scores;
}

type Scorable = Pick<
  LinearCategoryModel,
  'categories' | 'buckets' | 'weights' | 'bias' | 'naiveBayes' | 'naiveBayesWeight'
>;

/**
 * Each category's score before the temperature and the softmax — linear scores plus the
 * weighted naive Bayes log-probabilities.
 */
function scoresOf(model: Scorable, x: FeatureVector, text: string): { scores: Float64Array } {
  const linear = linearScores(model, x);
  const bayes = model.naiveBayesWeight ? naiveBayesPosterior(model.naiveBayes, text) : undefined;
  if (bayes)
    model.categories.forEach((category, k) => {
      const p = bayes[model.naiveBayes.categories.indexOf(category)] ?? 0;
      linear.scores[k] = linear.scores[k]! + model.naiveBayesWeight * Math.log(Math.max(p, 1e-12));
    });
  return linear;
}

function linearScores(model: Scorable, x: FeatureVector): { scores: Float64Array } {
  const K = model.categories.length;
  const at = offsetsOf(model);
  const scores = Float64Array.from(model.bias);
  for (let f = 0; f < x.index.length; f++) {
    const offset = at.get(x.index[f]!);
    if (offset === undefined) continue;
    for (let k = 0; k < K; k++) scores[k] = scores[k]! + x.value[f]! * model.weights[offset + k]!;
  }
  return { scores };
}
