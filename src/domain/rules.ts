import { RE2JS } from 're2js';
import type { RuleKind } from './enums';
import { normaliseText, stemWord } from './text';

export const ticketPriorities = ['low', 'normal', 'high', 'critical'] as const;
export type Priority = (typeof ticketPriorities)[number];

/**
 * When a rule fires. Every condition given must hold; within a list any entry will do.
 * Words are compared by stem, so "роутер" also matches "роутеры", "роутера"; a word ending in
 * `*` matches any word it begins ("гарант*" matches "гарантийный"). A word right after
 * "не" / "not" / "no" does not count ("не срочно" is not urgent) unless the entry itself
 * starts with the negation ("не включается").
 */
export interface RuleCondition {
  words?: string[];
  /** A regular expression over the normalised (lower case, ё → е) subject and description. */
  pattern?: string;
  channels?: string[];
  clientCategories?: string[];
  productGroups?: string[];
  locations?: string[];
  /** The catalog service the ticket already has (given at intake or set by an earlier rule). */
  serviceCodes?: string[];
}

/** What a rule decides; each field is taken from the first enabled rule, in order, that sets it. */
export interface RuleOutcome {
  category?: string;
  priority?: Priority;
  queueCode?: string;
  serviceCode?: string;
  supportLine?: number;
}

/**
 * authoritative: a manager's hard routing ("anything from channel X to queue Y", "wholesale
 * clients → high"); it always wins. evidence: a word list; the category it names is weight
 * added to the category model's probabilities, not a verdict (see classify.ts). Its other
 * outcome fields (priority, queue, …), which no model predicts, apply when no authoritative
 * rule set them.
 */
export type { RuleKind };

export interface ClassificationRule {
  id: number;
  name: string;
  position: number;
  enabled: boolean;
  /** Absent: authoritative, as every rule was before rules had kinds. */
  kind?: RuleKind;
  condition: RuleCondition;
  outcome: RuleOutcome;
}

/** What rules look at. */
export interface RoutingFacts {
  subject: string;
  description: string;
  channel: string;
  clientCategory: string;
  productGroup?: string | null;
  location?: string | null;
  serviceCode?: string | null;
}

export interface FiredRule {
  ruleId: number;
  name: string;
  kind: RuleKind;
  /** The outcome fields this rule decided (fields an earlier rule had decided are not listed). */
  decided: Array<keyof RuleOutcome>;
  /** Why it fired, e.g. `word "роутер" (in "роутеры")`, `channel is email`. */
  because: string[];
}

/** An evidence rule that fired and the category it speaks for. */
export interface Evidence {
  ruleId: number;
  name: string;
  category: string;
  because: string[];
}

export interface RulesDecision {
  /** What authoritative rules decided, then the fields evidence rules set that no model predicts (not category). */
  outcome: RuleOutcome;
  fired: FiredRule[];
  /** Firing evidence rules that name a category, in rule order. */
  evidence: Evidence[];
}

const negations = new Set(['не', 'not', 'no']);
const outcomeFields: Array<keyof RuleOutcome> = ['category', 'priority', 'queueCode', 'serviceCode', 'supportLine'];

interface WordTerm {
  source: string;
  /** Stems to find in a row; a prefix term has one raw word prefix instead. */
  stems: string[];
  prefix?: string;
}

type FactCheck = {
  label: string;
  values: Set<string>;
  read: (facts: RoutingFacts, serviceCode: string | null | undefined) => string | null | undefined;
};

const factChecks: Array<{ key: keyof RuleCondition; label: string; read: FactCheck['read'] }> = [
  { key: 'channels', label: 'channel', read: (f) => f.channel },
  { key: 'clientCategories', label: 'client category', read: (f) => f.clientCategory },
  { key: 'productGroups', label: 'product group', read: (f) => f.productGroup },
  { key: 'locations', label: 'location', read: (f) => f.location },
  { key: 'serviceCodes', label: 'service', read: (_f, serviceCode) => serviceCode },
];

interface CompiledRule {
  rule: ClassificationRule;
  /** Only the conditions the rule gives: a thousand rules cost nothing for what they leave open. */
  checks: FactCheck[];
  words: WordTerm[];
  pattern?: RE2JS;
  sets: Array<keyof RuleOutcome>;
}

export interface CompiledRules {
  rules: CompiledRule[];
  /**
   * Which rules a stem can make fire: a rule with words fires only if one of its terms occurs,
   * so a ticket need only look at the rules whose first stems it contains, plus `unindexed`
   * (rules without words, or with a prefix term). A thousand rules then cost a handful each.
   */
  byFirstStem: Map<string, number[]>;
  unindexed: number[];
}

const kindOf = (rule: ClassificationRule): RuleKind => rule.kind ?? 'authoritative';

/**
 * Enabled rules, authoritative ones first, each kind in position order, with stems and patterns
 * prepared once (not per ticket).
 */
export function compileRules(rules: ClassificationRule[]): CompiledRules {
  const rank = (r: ClassificationRule) => (kindOf(r) === 'authoritative' ? 0 : 1);
  const ordered = rules
    .filter((r) => r.enabled)
    .sort((a, b) => rank(a) - rank(b) || a.position - b.position || a.id - b.id);
  const compiled: CompiledRule[] = ordered.map((rule) => ({
    rule,
    checks: factChecks.flatMap(({ key, label, read }) => {
      const values = rule.condition[key] as string[] | undefined;
      return values && values.length > 0 ? [{ label, values: new Set(values), read }] : [];
    }),
    words: (rule.condition.words ?? []).map(compileWord),
    pattern: rule.condition.pattern ? compilePattern(rule.condition.pattern) : undefined,
    sets: outcomeFields.filter((field) => rule.outcome[field] !== undefined && rule.outcome[field] !== null),
  }));
  const byFirstStem = new Map<string, number[]>();
  const unindexed: number[] = [];
  compiled.forEach((entry, i) => {
    if (entry.words.length === 0 || entry.words.some((term) => term.prefix !== undefined)) {
      unindexed.push(i);
      return;
    }
    for (const first of new Set(entry.words.map((term) => term.stems[0]).filter((stem) => stem !== undefined))) {
      const list = byFirstStem.get(first);
      if (list) list.push(i);
      else byFirstStem.set(first, [i]);
    }
  });
  return { rules: compiled, byFirstStem, unindexed };
}

function compileWord(source: string): WordTerm {
  const normalised = normaliseText(source);
  if (normalised.endsWith('*') && !normalised.includes(' '))
    return { source, stems: [], prefix: normalised.slice(0, -1) };
  return { source, stems: (normalised.match(wordPattern) ?? []).map(stemWord) };
}

/**
 * A rule's pattern runs on RE2 (re2js 2.10.0, RE2's own algorithm in JavaScript): matching takes
 * time linear in the text whatever the pattern, so no pattern can stall intake (ReDoS). A star-height
 * check (safe-regex2, used before) let through `(a|a)*$`, exponential on V8's backtracking engine.
 * RE2's syntax is Perl's without backreferences and lookaround; a pattern it does not accept is
 * the caller's 400 when stored, not a 500 later.
 */
export function patternProblem(pattern: string): string | undefined {
  try {
    RE2JS.compile(pattern);
  } catch (error) {
    return `is not a regular expression RE2 accepts (Perl syntax without backreferences or lookaround): ${(error as Error).message}`;
  }
  return undefined;
}

/** How much of a ticket's text a rule's pattern reads: its start, where what matters is said. */
export const PATTERN_TEXT_LIMIT = 2000;

/** A stored pattern RE2 does not accept (kept from before it) fires for no ticket: no character is outside all of them. */
const NEVER = RE2JS.compile('[^\\x{0}-\\x{10FFFF}]');

const compilePattern = (pattern: string) => (patternProblem(pattern) ? NEVER : RE2JS.compile(pattern));

/** The part of the text a pattern matched, or null. */
function patternMatch(pattern: RE2JS, text: TextIndex): string | null {
  const matcher = pattern.matcher(patternSubject(text));
  return matcher.find() ? matcher.group() : null;
}

const patternSubject = (text: TextIndex) => text.normalised.slice(0, PATTERN_TEXT_LIMIT);

interface TextIndex {
  normalised: string;
  words: string[];
  stems: string[];
  at: Map<string, number[]>;
}

const wordPattern = /[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*/gu;

function indexText(subject: string, description: string): TextIndex {
  const normalised = normaliseText(`${subject}\n${description}`);
  const words = normalised.match(wordPattern) ?? [];
  const stems = words.map(stemWord);
  const at = new Map<string, number[]>();
  stems.forEach((stem, i) => {
    const list = at.get(stem);
    if (list) list.push(i);
    else at.set(stem, [i]);
  });
  return { normalised, words, stems, at };
}

/** Where the term occurs un-negated: the index of its first word, or -1. */
function findTerm(text: TextIndex, term: WordTerm): number {
  const negatable = (i: number) => i > 0 && negations.has(text.stems[i - 1]!);
  if (term.prefix !== undefined) {
    for (let i = 0; i < text.words.length; i++) if (text.words[i]!.startsWith(term.prefix) && !negatable(i)) return i;
    return -1;
  }
  const [first, ...rest] = term.stems;
  if (first === undefined) return -1;
  const startsNegated = negations.has(first);
  for (const i of text.at.get(first) ?? []) {
    if (rest.every((stem, k) => text.stems[i + 1 + k] === stem) && (startsNegated || !negatable(i))) return i;
  }
  return -1;
}

/** Whether a rule fires: no allocation, since most of a thousand rules do not. */
function fires(
  compiled: CompiledRule,
  facts: RoutingFacts,
  text: TextIndex,
  serviceCode: string | null | undefined,
): boolean {
  for (const check of compiled.checks) {
    const value = check.read(facts, serviceCode);
    if (value == null || !check.values.has(value)) return false;
  }
  if (compiled.words.length > 0 && !compiled.words.some((term) => findTerm(text, term) >= 0)) return false;
  if (compiled.pattern && patternMatch(compiled.pattern, text) === null) return false;
  return true;
}

/** Why a firing rule fired: each condition with what in the ticket met it. */
function firingReasons(
  compiled: CompiledRule,
  facts: RoutingFacts,
  text: TextIndex,
  serviceCode: string | null | undefined,
): string[] {
  const because = compiled.checks.map((check) => `${check.label} is ${check.read(facts, serviceCode)}`);
  for (const term of compiled.words) {
    const at = findTerm(text, term);
    if (at < 0) continue;
    const length = term.prefix !== undefined ? 1 : term.stems.length;
    because.push(`word "${term.source}" (in "${text.words.slice(at, at + length).join(' ')}")`);
  }
  if (compiled.pattern)
    because.push(`pattern /${compiled.rule.condition.pattern}/ matched "${patternMatch(compiled.pattern, text)}"`);
  return because;
}

/**
 * Walks authoritative rules, then evidence rules, each in order: each outcome field comes from
 * the first firing rule that sets it, except that an evidence rule's category is evidence.
 */
export function applyRules(compiled: CompiledRules, facts: RoutingFacts): RulesDecision {
  const text = indexText(facts.subject, facts.description);
  const outcome: RuleOutcome = {};
  const fired: FiredRule[] = [];
  const evidence: Evidence[] = [];
  const candidate = new Uint8Array(compiled.rules.length);
  for (const i of compiled.unindexed) candidate[i] = 1;
  for (const stem of text.at.keys()) for (const i of compiled.byFirstStem.get(stem) ?? []) candidate[i] = 1;
  for (let i = 0; i < compiled.rules.length; i++) {
    if (!candidate[i]) continue;
    const entry = compiled.rules[i]!;
    const kind = kindOf(entry.rule);
    const speaksFor = kind === 'evidence' && outcome.category === undefined ? entry.rule.outcome.category : undefined;
    const sets = kind === 'evidence' ? entry.sets.filter((field) => field !== 'category') : entry.sets;
    if (speaksFor === undefined && sets.every((field) => outcome[field] !== undefined)) continue;
    const serviceCode = outcome.serviceCode ?? facts.serviceCode;
    if (!fires(entry, facts, text, serviceCode)) continue;
    const because = firingReasons(entry, facts, text, serviceCode);
    const open = sets.filter((field) => outcome[field] === undefined);
    for (const field of open) (outcome as Record<string, unknown>)[field] = entry.rule.outcome[field];
    fired.push({ ruleId: entry.rule.id, name: entry.rule.name, kind, decided: open, because });
    if (speaksFor !== undefined)
      evidence.push({ ruleId: entry.rule.id, name: entry.rule.name, category: speaksFor, because });
    if (outcomeFields.every((field) => outcome[field] !== undefined)) break;
  }
  return { outcome, fired, evidence };
}
