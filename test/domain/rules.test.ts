import { describe, expect, it } from 'vitest';
import {
  applyRules,
  compileRules,
  PATTERN_TEXT_LIMIT,
  patternProblem,
  type ClassificationRule,
  type RoutingFacts,
} from '../../src/domain/rules';
import { stems } from '../../src/domain/text';

let nextId = 1;
const rule = (
  partial: Partial<ClassificationRule> & Pick<ClassificationRule, 'condition' | 'outcome'>,
): ClassificationRule => {
  const id = nextId++;
  return { id, name: `rule ${id}`, position: id, enabled: true, ...partial };
};
const facts = (subject: string, extra: Partial<RoutingFacts> = {}): RoutingFacts => ({
  subject,
  description: '',
  channel: 'api',
  clientCategory: 'regular',
  ...extra,
});
const decide = (rules: ClassificationRule[], f: RoutingFacts) => applyRules(compileRules(rules), f);

describe('stems', () => {
  it('fold case, ё and word forms in Russian and English', () => {
    expect(stems('Роутеры РОУТЕРА роутер')).toEqual(['роутер', 'роутер', 'роутер']);
    expect(stems('Счёт счета')).toEqual(['счет', 'счет']);
    expect(stems('Routers ROUTER invoices invoice')).toEqual(['router', 'router', 'invoic', 'invoic']);
    expect(stems('Wi-Fi 5G')).toEqual(['wi-fi', '5g']);
  });
});

describe('applyRules', () => {
  const router = rule({
    name: 'router',
    condition: { words: ['роутер', 'router'] },
    outcome: { category: 'connectivity' },
  });

  it('matches a rule word in any of its forms, Russian or English', () => {
    for (const subject of ['роутер не работает', 'Роутеры', 'у роутера мигает лампа', 'The ROUTERS are down']) {
      expect(decide([router], facts(subject)).outcome.category).toBe('connectivity');
    }
    expect(decide([router], facts('маршрут')).outcome).toEqual({});
  });

  it('matches a phrase only as consecutive words, and a word* as a prefix', () => {
    const phrase = rule({ condition: { words: ['акт сверки', 'гарант*'] }, outcome: { category: 'x' } });
    expect(decide([phrase], facts('нужен акт сверки')).fired[0]!.because).toEqual([
      'word "акт сверки" (in "акт сверки")',
    ]);
    expect(decide([phrase], facts('акт и сверки')).outcome).toEqual({});
    expect(decide([phrase], facts('Гарантийный ремонт')).fired[0]!.because).toEqual([
      'word "гарант*" (in "гарантийный")',
    ]);
  });

  it('does not count a negated word, unless the rule word is itself negated', () => {
    const urgent = rule({ condition: { words: ['срочно', 'urgent'] }, outcome: { priority: 'high' } });
    const dead = rule({ condition: { words: ['не включается'] }, outcome: { category: 'repair' } });
    expect(decide([urgent], facts('не срочно')).outcome).toEqual({});
    expect(decide([urgent], facts('not urgent')).outcome).toEqual({});
    expect(decide([urgent], facts('не срочно, но потом срочно')).outcome).toEqual({ priority: 'high' });
    expect(decide([dead], facts('Планшет совсем не включается')).outcome).toEqual({ category: 'repair' });
  });

  it('takes each outcome field from the first firing rule that sets it, in position order', () => {
    const late = rule({
      position: 20,
      condition: { words: ['router'] },
      outcome: { category: 'late', priority: 'low' },
    });
    const early = rule({ position: 10, condition: { words: ['router'] }, outcome: { category: 'early' } });
    const result = decide([late, early], facts('router'));
    expect(result.outcome).toEqual({ category: 'early', priority: 'low' });
    expect(result.fired.map((f) => [f.ruleId, f.decided])).toEqual([
      [early.id, ['category']],
      [late.id, ['priority']],
    ]);
  });

  it('reads rule words as it reads tickets: punctuation and spacing do not matter', () => {
    const sloppy = rule({ condition: { words: ['  Акт   сверки, '] }, outcome: { category: 'billing' } });
    expect(decide([sloppy], facts('Нужен АКТ СВЕРКИ')).outcome).toEqual({ category: 'billing' });
  });

  it('keeps the order between rules with words and rules without', () => {
    const byChannel = rule({ position: 1, condition: { channels: ['sms'] }, outcome: { category: 'sms-first' } });
    const byWord = rule({
      position: 2,
      condition: { words: ['router'] },
      outcome: { category: 'connectivity', priority: 'high' },
    });
    const lateChannel = rule({ position: 3, condition: { channels: ['sms'] }, outcome: { priority: 'low' } });
    expect(decide([lateChannel, byWord, byChannel], facts('router', { channel: 'sms' })).outcome).toEqual({
      category: 'sms-first',
      priority: 'high',
    });
  });

  it('skips a disabled rule', () => {
    const off = rule({ position: 1, enabled: false, condition: { words: ['router'] }, outcome: { category: 'off' } });
    expect(decide([off, router], facts('router')).outcome.category).toBe('connectivity');
  });

  it('needs every condition: channel, client category, product group, location, service, pattern', () => {
    const narrow = rule({
      condition: {
        channels: ['phone'],
        clientCategories: ['wholesale'],
        productGroups: ['laptops'],
        locations: ['spb'],
        pattern: 'заказ\\s*№?\\d+',
      },
      outcome: { queueCode: 'wholesale-spb', supportLine: 2 },
    });
    const all = facts('Заказ №123', {
      channel: 'phone',
      clientCategory: 'wholesale',
      productGroup: 'laptops',
      location: 'spb',
    });
    const result = decide([narrow], all);
    expect(result.outcome).toEqual({ queueCode: 'wholesale-spb', supportLine: 2 });
    expect(result.fired[0]!.because).toEqual([
      'channel is phone',
      'client category is wholesale',
      'product group is laptops',
      'location is spb',
      'pattern /заказ\\s*№?\\d+/ matched "заказ №123"',
    ]);
    for (const miss of [
      { channel: 'email' },
      { clientCategory: 'regular' },
      { productGroup: null },
      { location: 'moscow' },
      { subject: 'Заказ' },
    ]) {
      expect(decide([narrow], { ...all, ...miss }).outcome).toEqual({});
    }
  });

  it('lets a later rule read the service an earlier rule chose', () => {
    const service = rule({ position: 1, condition: { words: ['экран'] }, outcome: { serviceCode: 'phone-screen' } });
    const line = rule({ position: 2, condition: { serviceCodes: ['phone-screen'] }, outcome: { supportLine: 2 } });
    expect(decide([service, line], facts('экран')).outcome).toEqual({ serviceCode: 'phone-screen', supportLine: 2 });
    expect(decide([line], facts('x', { serviceCode: 'phone-screen' })).outcome).toEqual({ supportLine: 2 });
  });
});

describe('patternProblem', () => {
  it('names what is wrong with a broken pattern and passes a good one', () => {
    expect(patternProblem('([a-z')).toMatch(/is not a regular expression RE2 accepts.*missing closing ]/);
    expect(patternProblem('счет\\s+\\d+')).toBeUndefined();
    // What RE2 has not: backreferences and lookaround.
    for (const perlOnly of ['(a)\\1', '(?<=a)b', 'a(?!b)'])
      expect(patternProblem(perlOnly), perlOnly).toMatch(/without backreferences or lookaround/);
  });

  it('runs any pattern in linear time: those that backtrack exponentially on V8 match at once (ReDoS)', () => {
    // (a|a)*$ and (\w|\d)*$ passed the star-height check used before; on V8 each takes 2^n steps.
    for (const evil of ['(a+)+$', '(\\w+\\s?)*$', '([a-z]*)*x', '(x+x+)+y', '(a|a)*$', '(\\w|\\d)*$', '(x|x)+y']) {
      expect(patternProblem(evil), evil).toBeUndefined();
      const stored = rule({ condition: { pattern: evil }, outcome: { priority: 'high' } });
      const started = performance.now();
      decide([stored], facts(`${'a'.repeat(1_000)}!`));
      decide([stored], facts(`${'x'.repeat(1_000)}!`));
      // V8 would not finish before the sun goes out; RE2 reads the 1,000 characters a few times over.
      expect(performance.now() - started, evil).toBeLessThan(2_000);
    }
    const fires = rule({ condition: { pattern: '(a|a)*!$' }, outcome: { priority: 'high' } });
    expect(decide([fires], facts(`${'a'.repeat(40)}!`)).fired).toHaveLength(1);
  });

  it('keeps a stored pattern RE2 does not accept from firing for any ticket', () => {
    const stored = rule({ condition: { pattern: '(a)\\1' }, outcome: { priority: 'high' } });
    expect(decide([stored], facts('aa')).fired).toEqual([]);
  });

  it('reads only the first PATTERN_TEXT_LIMIT characters of a text', () => {
    const tail = rule({ condition: { pattern: 'срочно' }, outcome: { priority: 'high' } });
    expect(decide([tail], facts(`${'x '.repeat(PATTERN_TEXT_LIMIT)} срочно`)).fired).toEqual([]);
    expect(decide([tail], facts('очень срочно')).fired).toHaveLength(1);
  });
});

describe('rule kinds', () => {
  const words = (category: string, word: string, extra: Partial<ClassificationRule> = {}) =>
    rule({ condition: { words: [word] }, outcome: { category }, ...extra });

  it('applies authoritative rules before evidence rules, whatever their positions', () => {
    const evidence = words('repair', 'ремонт', { kind: 'evidence', position: 1 });
    const channel = rule({
      kind: 'authoritative',
      position: 99,
      condition: { channels: ['email'] },
      outcome: { category: 'billing', queueCode: 'accounts' },
    });
    const decision = decide([evidence, channel], facts('ремонт', { channel: 'email' }));
    expect(decision.outcome).toEqual({ category: 'billing', queueCode: 'accounts' });
    expect(decision.fired.map((f) => f.kind)).toEqual(['authoritative']);
    expect(decision.evidence).toEqual([]);
  });

  it("records an evidence rule's category as evidence, not as the outcome, and applies its other fields", () => {
    const evidence = words('repair', 'ремонт', { kind: 'evidence' });
    evidence.outcome.priority = 'high';
    const decision = decide([evidence, words('billing', 'счет', { kind: 'evidence' })], facts('счёт за ремонт'));
    expect(decision.outcome).toEqual({ priority: 'high' });
    expect(decision.evidence.map((e) => e.category)).toEqual(['repair', 'billing']);
    expect(decision.fired.map((f) => f.decided)).toEqual([['priority'], []]);
  });

  it('takes a rule without a kind for authoritative, as every rule was before kinds', () => {
    expect(decide([words('repair', 'ремонт')], facts('ремонт')).outcome).toEqual({ category: 'repair' });
  });
});
