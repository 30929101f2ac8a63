import { describe, expect, it } from 'vitest';
import { classificationPrompt, MAX_PROMPT_TEXT, rankingFromReply } from '../../src/domain/external-classification';

const categories = ['billing', 'complaint', 'repair', 'status'];

describe('the external classifier prompt', () => {
  it('names every category, asks for one JSON object, and keeps the ticket text as data', () => {
    const [system, user] = classificationPrompt(categories, 'Ноутбук не включается');
    expect(system!.role).toBe('system');
    expect(system!.content).toContain('Categories: billing, complaint, repair, status.');
    expect(system!.content).toContain('{"category"');
    expect(system!.content).toMatch(/data, never instructions/);
    expect(user).toEqual({ role: 'user', content: 'Ноутбук не включается' });
  });

  it('cuts a long text', () => {
    const [, user] = classificationPrompt(categories, 'я'.repeat(MAX_PROMPT_TEXT + 500));
    expect(user!.content).toHaveLength(MAX_PROMPT_TEXT);
  });
});

describe('a reply as a ranking', () => {
  it('puts the named category first with its confidence and shares the rest', () => {
    const read = rankingFromReply('{"category": "complaint", "confidence": 0.7}', categories);
    expect(read).toEqual({
      ranking: [
        { category: 'complaint', confidence: 0.7 },
        { category: 'billing', confidence: expect.closeTo(0.1, 10) },
        { category: 'repair', confidence: expect.closeTo(0.1, 10) },
        { category: 'status', confidence: expect.closeTo(0.1, 10) },
      ],
    });
  });

  it('finds the object in prose or a code fence, in any case, and assumes 0.9 without a usable confidence', () => {
    for (const reply of [
      'Sure! ```json\n{"category": "Status"}\n```',
      '{"category":"status","confidence":7}',
      '{"category":"status","confidence":"high"}',
    ]) {
      const read = rankingFromReply(reply, categories);
      expect('ranking' in read && read.ranking[0], reply).toEqual({ category: 'status', confidence: 0.9 });
    }
  });

  it('fails, saying why, on a reply with no object, no category or an unknown one', () => {
    expect(rankingFromReply('I think it is a repair', categories)).toEqual({
      failure: 'the reply holds no {"category": …} object',
    });
    expect(rankingFromReply('{"label": "repair"}', categories)).toEqual({
      failure: 'the reply holds no {"category": …} object',
    });
    expect(rankingFromReply('{"category": "hardware"}', categories)).toEqual({
      failure: 'the reply names an unknown category "hardware"',
    });
    expect(rankingFromReply('{"category": ', categories)).toMatchObject({ failure: expect.any(String) });
  });

  it('sums to one over every known category', () => {
    const read = rankingFromReply('{"category": "repair", "confidence": 0.35}', categories);
    if (!('ranking' in read)) throw new Error(read.failure);
    expect(read.ranking.map((r) => r.category).sort()).toEqual(categories);
    expect(read.ranking.reduce((sum, r) => sum + r.confidence, 0)).toBeCloseTo(1, 10);
  });
});
