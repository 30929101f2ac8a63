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
  /** Training tickets per category. */
  tickets: Record<string, number>;
}

export interface TrainingOptions {
  /** Initial learning rate. */
  eta?: number;
  epochs?: number;
  /** L2 strength. */
  lambda?: number;
  seed?: number;
}

/** Tuned by cross-validation on the training half of data/tickets-labelled.jsonl (`npm run eval:classify`). */
export const defaultTraining: Required<TrainingOptions> = { epochs: 20, lambda: 1e-5, eta: 2, seed: 16 };

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

export function trainLinearModel(
  examples: Array<{ text: string; category: string }>,
  options: TrainingOptions = {},
): LinearCategoryModel {
  const { epochs, lambda, seed, eta } = { ...defaultTraining, ...options };
  const categories = [...new Set(examples.map((e) => e.category))].sort();
  const K = categories.length;
  const tickets = Object.fromEntries(categories.map((c) => [c, 0]));
  for (const e of examples) tickets[e.category]! += 1;
  const rows: Array<{ x: FeatureVector; y: number }> = examples.map((e) => ({
    x: textFeatures(e.text),
    y: categories.indexOf(e.category),
  }));
  const size = 1 << FEATURE_BITS;
  // The weights are scale * v: the L2 decay of every weight at every step is one multiplication.
  const v = new Float32Array(size * K);
  const bias = new Float64Array(K);
  let scale = 1;
  const random = seeded(seed);
  const order = rows.map((_, i) => i);
  const scores = new Float64Array(K);
  let step = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const r of order) {
      const { x, y } = rows[r]!;
      const rate = eta / (1 + eta * lambda * step++);
      for (let k = 0; k < K; k++) {
        let s = 0;
        for (let f = 0; f < x.index.length; f++) s += x.value[f]! * v[x.index[f]! * K + k]!;
        scores[k] = bias[k]! + s * scale;
      }
      softmaxInPlace(scores);
      scale *= 1 - rate * lambda;
      for (let k = 0; k < K; k++) {
        const gradient = scores[k]! - (k === y ? 1 : 0);
        if (gradient === 0) continue;
        bias[k] = bias[k]! - rate * gradient;
        const change = (rate * gradient) / scale;
        for (let f = 0; f < x.index.length; f++) v[x.index[f]! * K + k]! -= change * x.value[f]!;
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
  return {
    kind: 'linear',
    featureBits: FEATURE_BITS,
    categories,
    buckets,
    weights,
    bias: [...bias].map(round),
    tickets,
  };
}

/** Where each bucket's weights start, built once per loaded model (a stored model is plain JSON). */
const offsets = new WeakMap<LinearCategoryModel, Map<number, number>>();

function offsetsOf(model: LinearCategoryModel): Map<number, number> {
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
 * feature of the text has a weight (the prior alone is no evidence about this ticket).
 */
export function linearProbabilities(model: LinearCategoryModel, text: string): Float64Array | undefined {
  const K = model.categories.length;
  if (K === 0) return undefined;
  if (model.featureBits !== FEATURE_BITS) throw new Error(`a model over ${model.featureBits}-bit features`);
  const x = textFeatures(text);
  const at = offsetsOf(model);
  const scores = Float64Array.from(model.bias);
  let known = false;
  for (let f = 0; f < x.index.length; f++) {
    const offset = at.get(x.index[f]!);
    if (offset === undefined) continue;
    known = true;
    for (let k = 0; k < K; k++) scores[k] = scores[k]! + x.value[f]! * model.weights[offset + k]!;
  }
  if (!known) return undefined;
  softmaxInPlace(scores);
  return scores;
}
