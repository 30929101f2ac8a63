import { describe, expect, it } from 'vitest';
import { classifyFacts, knownCategories, type IntakeReference } from '../../src/domain/intake-decision';
import { trainLinearModel } from '../../src/domain/linear-model';
import { compileRules, type ClassificationRule } from '../../src/domain/rules';

const rule = (id: number, more: Partial<ClassificationRule>): ClassificationRule => ({
  id,
  name: `rule ${id}`,
  position: id,
  enabled: true,
  kind: 'evidence',
  condition: {},
  outcome: {},
  ...more,
});

const model = trainLinearModel([
  ...['экран разбит', 'не включается ноутбук', 'сломался телефон'].map((text) => ({ text, category: 'repair' })),
  ...['пришлите счёт', 'оплата не прошла', 'нужен акт'].map((text) => ({ text, category: 'billing' })),
]);

const reference = (rules: ClassificationRule[], withModel = true): IntakeReference => ({
  rules: compileRules(rules),
  model: withModel ? model : undefined,
  services: [{ id: 1, code: 'door', category: 'facilities', keywords: [], isCategoryDefault: true, supportLine: 1 }],
  queues: [
    {
      id: 1,
      code: 'vip',
      groupId: 1,
      autoAssign: false,
      supportLine: 1,
      isFallback: false,
      position: 1,
      categories: ['complaint'],
      priorities: [],
      clientCategories: [],
      channels: [],
      supportLines: [],
      regions: [],
    },
  ],
  agreements: [],
  groupCalendars: new Map(),
  calendar: () => {
    throw new Error('no calendar in this test');
  },
});

const facts = {
  subject: 'Ноутбук',
  description: 'не включается',
  channel: 'web',
  clientCategory: 'regular' as const,
};

describe('knownCategories', () => {
  it("gathers the model's, the catalog's, the enabled rules' and the queue filters' categories", () => {
    const rules = [
      rule(1, { outcome: { category: 'status' } }),
      rule(2, { outcome: { category: 'retired' }, enabled: false }),
    ];
    expect(knownCategories(reference(rules))).toEqual(['billing', 'complaint', 'facilities', 'repair', 'status']);
    expect(knownCategories(reference([], false))).toEqual(['complaint', 'facilities']);
  });
});

describe('classifyFacts with an external answer', () => {
  const external = {
    model: 'llm',
    ranking: [
      { category: 'billing', confidence: 0.9 },
      { category: 'repair', confidence: 0.1 },
    ],
  };

  it("weighs the external ranking instead of the local model's", () => {
    const local = classifyFacts(reference([]), facts);
    expect(local).toMatchObject({ category: 'repair', source: 'model', rankedBy: 'local' });
    const decided = classifyFacts(reference([]), facts, external);
    expect(decided).toMatchObject({ category: 'billing', source: 'model', rankedBy: 'external:llm' });
    expect(decided.modelTop).toEqual(external.ranking);
  });

  it('still lets an authoritative rule win over it', () => {
    const vip = rule(1, {
      kind: 'authoritative',
      condition: { words: ['ноутбук'] },
      outcome: { category: 'complaint' },
    });
    expect(classifyFacts(reference([vip]), facts, external)).toMatchObject({ category: 'complaint', source: 'rule' });
  });

  it('falls back to the local model on a failure and records it; with no model, to the rules', () => {
    const failed = { model: 'llm', failure: 'HTTP 503 from the classifier' };
    expect(classifyFacts(reference([]), facts, failed)).toMatchObject({
      category: 'repair',
      rankedBy: 'local',
      externalFailure: 'HTTP 503 from the classifier',
    });
    const evidence = rule(1, { condition: { words: ['ноутбук'] }, outcome: { category: 'repair' } });
    expect(classifyFacts(reference([evidence], false), facts, failed)).toMatchObject({
      category: 'repair',
      source: 'rule',
      rankedBy: null,
      externalFailure: 'HTTP 503 from the classifier',
    });
  });
});
