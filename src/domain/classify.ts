import type { CategorySuggestion } from './category-model';
import type { Priority, RulesDecision } from './rules';
import { normaliseText } from './text';

export { normaliseText };

/** The category a ticket gets when neither the rules nor the model are sure: the 1st line triages it. */
export const TRIAGE_CATEGORY = 'general';
/** Below this posterior probability the model's suggestion is not taken. */
export const SUGGESTION_THRESHOLD = 0.6;

export interface Classification {
  category: string;
  priority: Priority;
  /** rule: a rule fired; model: the category model was confident; triage: neither. */
  source: 'rule' | 'model' | 'triage';
  suggestion: CategorySuggestion | null;
}

/** Rules win when they name a category; else a confident suggestion; else triage. */
export function decideClassification(
  rules: RulesDecision,
  suggestion: CategorySuggestion | undefined,
  threshold = SUGGESTION_THRESHOLD,
): Classification {
  const priority = rules.outcome.priority ?? 'normal';
  const common = { priority, suggestion: suggestion ?? null };
  if (rules.outcome.category) return { category: rules.outcome.category, source: 'rule', ...common };
  if (suggestion && suggestion.confidence >= threshold)
    return { category: suggestion.category, source: 'model', ...common };
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
  suggestion: CategorySuggestion | undefined,
  services: S[],
  text: string,
): TicketClassification<S> {
  const classification = decideClassification(rules, suggestion);
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
