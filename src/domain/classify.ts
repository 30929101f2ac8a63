import type { CategorySuggestion } from './category-model';
import type { Evidence, Priority, RulesDecision } from './rules';
import { normaliseText } from './text';

export { normaliseText };

/** The category a ticket gets when neither the rules nor the model are sure: the 1st line triages it. */
export const TRIAGE_CATEGORY = 'general';

/**
 * How the model and evidence rules are combined; both tuned by cross-validation on the training
 * half of data/tickets-labelled.jsonl (`npm run eval:classify -- … --tune`), never on the held-out half.
 */
export interface Combination {
  /** Below this combined probability the ticket goes to triage. */
  threshold: number;
  /** Log-odds an evidence rule adds to the category it names. */
  evidenceWeight: number;
}
export const defaultCombination: Combination = { threshold: 0.2, evidenceWeight: 0.5 };

/**
 * A model trained on fewer verdicts than this has seen too little to outweigh a word list: when
 * an evidence rule fires it decides, as with no model (the model still answers when none fires).
 */
export const MIN_VERDICTS_TO_WEIGH = 200;

export interface Classification {
  category: string;
  priority: Priority;
  /**
   * rule: an authoritative rule named the category, or evidence rules did with no model to weigh
   * them; model: the model's probabilities (with evidence rules' weight) were sure enough; triage: neither.
   */
  source: 'rule' | 'model' | 'triage';
  /** The model's own likeliest category, before evidence. */
  suggestion: CategorySuggestion | null;
  /** The model's three likeliest categories, before evidence. */
  modelTop: CategorySuggestion[];
  /** The three likeliest after evidence rules added their weight (empty without a model). */
  combinedTop: CategorySuggestion[];
}

/** The model's probabilities with each category named by a firing evidence rule raised by the weight, renormalised. */
export function combineEvidence(
  ranking: CategorySuggestion[],
  evidence: Evidence[],
  evidenceWeight: number,
): CategorySuggestion[] {
  const named = new Set(evidence.map((e) => e.category));
  const scores = ranking.map((r) => ({
    category: r.category,
    score: Math.log(Math.max(r.confidence, 1e-12)) + (named.has(r.category) ? evidenceWeight : 0),
  }));
  const best = Math.max(...scores.map((s) => s.score));
  const weights = scores.map((s) => Math.exp(s.score - best));
  const sum = weights.reduce((a, b) => a + b, 0);
  return scores
    .map((s, i) => ({ category: s.category, confidence: weights[i]! / sum }))
    .sort((a, b) => b.confidence - a.confidence || a.category.localeCompare(b.category));
}

/**
 * Authoritative rules first; else the model's probabilities with evidence rules adding weight,
 * taken when sure enough; with no model to weigh them, the first evidence rule's category;
 * else triage.
 */
export function decideClassification(
  rules: RulesDecision,
  ranking: CategorySuggestion[],
  combination: Combination = defaultCombination,
  modelVerdicts = Infinity,
): Classification {
  const priority = rules.outcome.priority ?? 'normal';
  const modelTop = ranking.slice(0, 3);
  const weighs = ranking.length > 0 && (modelVerdicts >= MIN_VERDICTS_TO_WEIGH || rules.evidence.length === 0);
  const combined = weighs ? combineEvidence(ranking, rules.evidence, combination.evidenceWeight) : [];
  const common = { priority, suggestion: ranking[0] ?? null, modelTop, combinedTop: combined.slice(0, 3) };
  if (rules.outcome.category) return { category: rules.outcome.category, source: 'rule', ...common };
  const top = combined[0];
  if (top && top.confidence >= combination.threshold) return { category: top.category, source: 'model', ...common };
  if (!top && rules.evidence[0]) return { category: rules.evidence[0].category, source: 'rule', ...common };
  return { category: TRIAGE_CATEGORY, source: 'triage', ...common };
}

/** What a queue filter looks at. */
export interface QueueFacts {
  category: string;
  priority: string;
  clientCategory: string;
  channel: string;
  supportLine: number;
  region: string | null;
}

export interface QueueFilter {
  code: string;
  isFallback: boolean;
  position: number;
  id: number;
  categories: string[];
  priorities: string[];
  clientCategories: string[];
  channels: string[];
  supportLines: number[];
  regions: string[];
}

const takes = <T>(values: T[], value: T | null) => values.length === 0 || (value !== null && values.includes(value));

export function queueTakes(queue: QueueFilter, facts: QueueFacts): boolean {
  return (
    takes(queue.categories, facts.category) &&
    takes(queue.priorities, facts.priority) &&
    takes(queue.clientCategories, facts.clientCategory) &&
    takes(queue.channels, facts.channel) &&
    takes(queue.supportLines, facts.supportLine) &&
    takes(queue.regions, facts.region)
  );
}

/**
 * The queue for a classified ticket: the one a rule named, else the first queue (by position)
 * whose filter takes it, else the fallback queue.
 */
export function chooseQueue<Q extends QueueFilter>(
  queues: Q[],
  facts: QueueFacts,
  namedByRule?: string | null,
): Q | undefined {
  const named = namedByRule ? queues.find((q) => q.code === namedByRule) : undefined;
  if (named) return named;
  const ordered = [...queues].sort((a, b) => a.position - b.position || a.id - b.id);
  return ordered.find((q) => !q.isFallback && queueTakes(q, facts)) ?? ordered.find((q) => q.isFallback);
}

/** "Не срочно", "not urgent": a negated keyword does not count. */
const negations = ['не ', 'not ', 'no '];

function occursUnnegated(text: string, stem: string): boolean {
  for (let at = text.indexOf(stem); at !== -1; at = text.indexOf(stem, at + 1)) {
    const before = text.slice(Math.max(0, at - 4), at);
    if (!negations.some((negation) => before.endsWith(negation))) return true;
  }
  return false;
}

/**
 * The catalog service for a classified ticket: the first service of the category whose
 * keywords occur in the text, else the category's default service.
 */
export function chooseService<S extends { category: string; keywords: string[]; isCategoryDefault: boolean }>(
  services: S[],
  category: string,
  text: string,
): S | undefined {
  const normalised = normaliseText(text);
  const candidates = services.filter((s) => s.category === category);
  return (
    candidates.find((s) => s.keywords.some((keyword) => occursUnnegated(normalised, normaliseText(keyword)))) ??
    candidates.find((s) => s.isCategoryDefault)
  );
}

/** What the classify step decides for a ticket, and records on its trail. */
export interface TicketClassification<S> extends Classification {
  service: S | undefined;
  supportLine: number;
  /** The queue a rule named, if any. */
  queueCode: string | null;
}

/**
 * Rules and the model decide category and priority; then the service a rule named, else the
 * category's service by keywords; the support line a rule named, else the service's, else the first.
 */
export function classifyTicket<
  S extends { code: string; category: string; keywords: string[]; isCategoryDefault: boolean; supportLine: number },
>(
  rules: RulesDecision,
  ranking: CategorySuggestion[],
  services: S[],
  text: string,
  modelVerdicts = Infinity,
): TicketClassification<S> {
  const classification = decideClassification(rules, ranking, defaultCombination, modelVerdicts);
  const named = rules.outcome.serviceCode;
  const service =
    (named ? services.find((s) => s.code === named) : undefined) ??
    chooseService(services, classification.category, text);
  return {
    ...classification,
    service,
    supportLine: rules.outcome.supportLine ?? service?.supportLine ?? 1,
    queueCode: rules.outcome.queueCode ?? null,
  };
}
