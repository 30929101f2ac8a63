import { linearProbabilities, trainLinearModel, type LinearCategoryModel } from './linear-model';
import type { LabelledText } from './evaluation';
import { naiveBayesPosterior, type NaiveBayesModel } from './naive-bayes';

/**
 * The category model the desk stores (one JSON row of `category_models`) and reads: the linear
 * model it trains now, or a naive Bayes model trained before it (rows without `kind`), which
 * keeps loading and answering until the next retraining replaces it.
 */
export type CategoryModel = LinearCategoryModel | NaiveBayesModel;

export interface CategorySuggestion {
  category: string;
  /** Posterior probability of the category, 0–1. */
  confidence: number;
}

/**
 * What retraining stores: the linear model, which beat naive Bayes on the held-out half of
 * data/tickets-labelled.jsonl (see the README's classification section).
 */
export function trainCategoryModel(examples: LabelledText[]): CategoryModel {
  return trainLinearModel(examples);
}

/**
 * Every category with its probability, likeliest first; empty for an untrained model or a text
 * with no word the model has seen (the prior alone is no evidence about this ticket).
 */
export function rankCategories(model: CategoryModel, text: string): CategorySuggestion[] {
  const probabilities = model.kind === 'linear' ? linearProbabilities(model, text) : naiveBayesPosterior(model, text);
  if (!probabilities) return [];
  return model.categories
    .map((category, k) => ({ category, confidence: probabilities[k]! }))
    .sort((a, b) => b.confidence - a.confidence || a.category.localeCompare(b.category));
}

/** The likeliest category with its probability; undefined as for `rankCategories`. */
export function suggestCategory(model: CategoryModel, text: string): CategorySuggestion | undefined {
  return rankCategories(model, text)[0];
}
