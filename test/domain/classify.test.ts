import { describe, expect, it } from 'vitest';
import {
  chooseQueue,
  chooseService,
  classifyTicket,
  decideClassification,
  type QueueFacts,
  type QueueFilter,
} from '../../src/domain/classify';

describe('chooseQueue', () => {
  const queue = (id: number, code: string, filter: Partial<QueueFilter> = {}): QueueFilter => ({
    id,
    code,
    isFallback: false,
    position: 100,
    categories: [],
    priorities: [],
    clientCategories: [],
    channels: [],
    supportLines: [],
    regions: [],
    ...filter,
  });
  const queues = [
    queue(1, 'it', { categories: ['connectivity', 'repair'] }),
    queue(2, 'repair-2', { categories: ['repair', 'warranty'] }),
    queue(3, 'vip', { categories: ['repair'], clientCategories: ['wholesale'], position: 10 }),
    queue(4, 'moscow-critical', {
      priorities: ['critical'],
      regions: ['moscow'],
      channels: ['phone', 'api'],
      position: 5,
    }),
    queue(5, 'line-3', { supportLines: [3], position: 1 }),
    queue(6, 'first-line', { isFallback: true }),
    queue(7, 'spare', { isFallback: true }),
  ];
  const facts = (overrides: Partial<QueueFacts>): QueueFacts => ({
    category: 'general',
    priority: 'normal',
    clientCategory: 'regular',
    channel: 'api',
    supportLine: 1,
    region: null,
    ...overrides,
  });

  it('takes the first queue by position whose filter takes the ticket', () => {
    expect(chooseQueue(queues, facts({ category: 'repair' }))?.code).toBe('it');
    expect(chooseQueue(queues, facts({ category: 'warranty' }))?.code).toBe('repair-2');
    expect(chooseQueue(queues, facts({ category: 'repair', clientCategory: 'wholesale' }))?.code).toBe('vip');
  });

  it('needs every part of the filter: priority, region, channel, line', () => {
    expect(chooseQueue(queues, facts({ priority: 'critical', region: 'moscow' }))?.code).toBe('moscow-critical');
    expect(chooseQueue(queues, facts({ priority: 'critical', region: 'moscow', channel: 'email' }))?.code).toBe(
      'first-line',
    );
    expect(chooseQueue(queues, facts({ priority: 'critical', region: null }))?.code).toBe('first-line');
    expect(chooseQueue(queues, facts({ category: 'repair', supportLine: 3 }))?.code).toBe('line-3');
  });

  it('falls back to the first fallback queue when no filter takes the ticket', () => {
    expect(chooseQueue(queues, facts({ category: 'billing' }))?.code).toBe('first-line');
  });

  it('takes the queue a rule named, whatever the filters', () => {
    expect(chooseQueue(queues, facts({ category: 'billing' }), 'repair-2')?.code).toBe('repair-2');
    expect(chooseQueue(queues, facts({ category: 'billing' }), 'no-such-queue')?.code).toBe('first-line');
  });

  it('is undefined when nothing takes the ticket and there is no fallback', () => {
    expect(
      chooseQueue(
        queues.filter((q) => !q.isFallback),
        facts({ category: 'billing' }),
      ),
    ).toBeUndefined();
    expect(chooseQueue([], facts({ category: 'repair' }))).toBeUndefined();
  });
});

describe('decideClassification', () => {
  const none = { outcome: {}, fired: [], evidence: [] };
  const ranking = (...pairs: Array<[string, number]>) =>
    pairs.map(([category, confidence]) => ({ category, confidence }));
  const evidenceFor = (category: string) => ({
    outcome: {},
    fired: [],
    evidence: [{ ruleId: 1, name: category, category, because: [`word "${category}"`] }],
  });

  it('lets an authoritative rule win over a confident model', () => {
    expect(
      decideClassification(
        { outcome: { category: 'billing' }, fired: [], evidence: [] },
        ranking(['repair', 0.99], ['billing', 0.01]),
      ),
    ).toMatchObject({ category: 'billing', source: 'rule' });
  });

  it('takes a confident model when no authoritative rule names a category, and shows its top three', () => {
    const decided = decideClassification(
      none,
      ranking(['repair', 0.8], ['status', 0.1], ['billing', 0.06], ['x', 0.04]),
    );
    expect(decided).toMatchObject({ category: 'repair', source: 'model', priority: 'normal' });
    expect(decided.modelTop.map((r) => r.category)).toEqual(['repair', 'status', 'billing']);
  });

  it('weighs evidence with the model: a confident model outweighs one word, a close call tips', () => {
    const combination = { threshold: 0.4, evidenceWeight: 1.5 };
    const sure = ranking(['status', 0.9], ['repair', 0.08], ['billing', 0.02]);
    expect(decideClassification(evidenceFor('repair'), sure, combination)).toMatchObject({
      category: 'status',
      source: 'model',
    });
    const close = ranking(['status', 0.45], ['repair', 0.4], ['billing', 0.15]);
    const tipped = decideClassification(evidenceFor('repair'), close, combination);
    expect(tipped).toMatchObject({ category: 'repair', source: 'model' });
    expect(tipped.combinedTop[0]!.confidence).toBeCloseTo((0.4 * Math.exp(1.5)) / (0.4 * Math.exp(1.5) + 0.6), 6);
    expect(tipped.suggestion).toEqual({ category: 'status', confidence: 0.45 });
  });

  it('lets evidence rules decide alone when there is no model to weigh them', () => {
    expect(decideClassification(evidenceFor('billing'), [])).toMatchObject({ category: 'billing', source: 'rule' });
  });

  it('sends the ticket to triage when nothing is sure enough', () => {
    expect(
      decideClassification(none, ranking(['repair', 0.3], ['billing', 0.3], ['status', 0.4]), {
        threshold: 0.5,
        evidenceWeight: 1,
      }),
    ).toMatchObject({
      category: 'general',
      source: 'triage',
    });
    expect(decideClassification(none, [])).toMatchObject({ category: 'general', source: 'triage' });
  });
});

describe('chooseService', () => {
  const services = [
    { code: 'phone-screen', category: 'repair', keywords: ['экран', 'screen'], isCategoryDefault: true },
    { code: 'laptop-diagnostics', category: 'repair', keywords: ['ноутбук', 'laptop'], isCategoryDefault: false },
    { code: 'network-setup', category: 'connectivity', keywords: [], isCategoryDefault: true },
  ];

  it('picks the service whose keywords the text names', () => {
    expect(chooseService(services, 'repair', 'Ноутбук не включается')?.code).toBe('laptop-diagnostics');
    expect(chooseService(services, 'repair', 'Cracked SCREEN')?.code).toBe('phone-screen');
  });

  it('falls back to the category default, and never crosses categories', () => {
    expect(chooseService(services, 'repair', 'Сломался планшет')?.code).toBe('phone-screen');
    expect(chooseService(services, 'connectivity', 'ноутбук не видит сеть')?.code).toBe('network-setup');
    expect(chooseService(services, 'billing', 'счёт')).toBeUndefined();
  });

  it('ignores a negated keyword', () => {
    expect(chooseService(services, 'repair', 'Не ноутбук, а экран телефона')?.code).toBe('phone-screen');
  });
});

describe('classifyTicket', () => {
  const services = [
    { id: 1, code: 'phone-screen', category: 'repair', keywords: ['экран'], isCategoryDefault: true, supportLine: 2 },
    { id: 2, code: 'laptop', category: 'repair', keywords: ['ноутбук'], isCategoryDefault: false, supportLine: 2 },
    { id: 3, code: 'consultation', category: 'general', keywords: [], isCategoryDefault: true, supportLine: 1 },
  ];
  const decided = (outcome: Record<string, unknown>) => ({ outcome, fired: [], evidence: [] });

  it('takes the service by keywords in the category, and its support line', () => {
    expect(classifyTicket(decided({ category: 'repair' }), [], services, 'Ноутбук не включается')).toMatchObject({
      category: 'repair',
      service: { code: 'laptop' },
      supportLine: 2,
      queueCode: null,
    });
    expect(classifyTicket(decided({}), [], services, 'Просто вопрос')).toMatchObject({
      category: 'general',
      source: 'triage',
      service: { code: 'consultation' },
      supportLine: 1,
    });
  });

  it('lets a rule name the service, the support line and the queue', () => {
    const c = classifyTicket(
      decided({ category: 'repair', serviceCode: 'phone-screen', supportLine: 3, queueCode: 'experts' }),
      [],
      services,
      'Ноутбук',
    );
    expect(c).toMatchObject({ service: { code: 'phone-screen' }, supportLine: 3, queueCode: 'experts' });
  });

  it('starts on the first line when no service fits', () => {
    expect(classifyTicket(decided({ category: 'facilities' }), [], services, 'Стул')).toMatchObject({
      service: undefined,
      supportLine: 1,
    });
  });
});

describe('a model trained on few verdicts', () => {
  it('does not outweigh a firing evidence rule, and still answers when none fires', () => {
    const evidence = {
      outcome: {},
      fired: [],
      evidence: [{ ruleId: 1, name: 'billing', category: 'billing', because: ['word "счет"'] }],
    };
    const sure = [
      { category: 'repair', confidence: 0.95 },
      { category: 'billing', confidence: 0.05 },
    ];
    expect(decideClassification(evidence, sure, undefined, 20)).toMatchObject({ category: 'billing', source: 'rule' });
    expect(decideClassification(evidence, sure, undefined, 5000)).toMatchObject({
      category: 'repair',
      source: 'model',
    });
    expect(decideClassification({ ...evidence, evidence: [] }, sure, undefined, 20)).toMatchObject({
      category: 'repair',
      source: 'model',
    });
  });
});
