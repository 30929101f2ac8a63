import { describe, expect, it } from 'vitest';
import { classifyFacts, type IntakeReference } from '../../src/domain/intake-decision';
import { compileRules, type ClassificationRule } from '../../src/domain/rules';

const services = [
  { id: 1, code: 'consultation', category: 'general', keywords: [], isCategoryDefault: true, supportLine: 1 },
  { id: 2, code: 'call-back', category: 'general', keywords: [], isCategoryDefault: false, supportLine: 1 },
  { id: 3, code: 'phone-screen', category: 'repair', keywords: ['экран'], isCategoryDefault: true, supportLine: 2 },
];
const reference = (rules: ClassificationRule[] = []): IntakeReference => ({
  rules: compileRules(rules),
  model: undefined,
  services,
  queues: [],
  agreements: [],
  groupCalendars: new Map(),
  calendar: () => {
    throw new Error('no calendar in this test');
  },
});
const facts = (serviceCode?: string) => ({
  subject: 'Разбит экран',
  description: 'Разбит экран телефона',
  channel: 'phone',
  clientCategory: 'regular',
  ...(serviceCode ? { serviceCode } : {}),
});

describe('a catalog service the channel asks for (a missed call’s call-back)', () => {
  it('decides the service and its category over the text', () => {
    const decided = classifyFacts(reference(), facts('call-back'));
    expect([decided.service?.code, decided.category, decided.supportLine]).toEqual(['call-back', 'general', 1]);
    const repair = classifyFacts(reference(), facts('phone-screen'));
    expect([repair.service?.code, repair.category, repair.supportLine]).toEqual(['phone-screen', 'repair', 2]);
    // Without it, this text (no model here) is triaged: the category's default service.
    expect(classifyFacts(reference(), facts()).service?.code).toBe('consultation');
  });

  it('yields to a manager’s authoritative rule, and asks for nothing when not in the catalog', () => {
    const urgent: ClassificationRule = {
      id: 1,
      name: 'phones to the workshop',
      position: 1,
      enabled: true,
      kind: 'authoritative',
      condition: { channels: ['phone'] },
      outcome: { category: 'repair', serviceCode: 'phone-screen' },
    };
    expect(classifyFacts(reference([urgent]), facts('call-back')).service?.code).toBe('phone-screen');
    expect(classifyFacts(reference(), facts('no-such-service')).service?.code).toBe('consultation');
  });
});
