import type { RuleCondition, RuleKind, RuleOutcome } from './rules';

export interface RuleDraft {
  name: string;
  kind: RuleKind;
  condition: RuleCondition;
  outcome: RuleOutcome;
}

/**
 * The rules a new desk starts with, in order; operators edit them through the API afterwards.
 * Authoritative, a manager's hard routing: priority (outage → critical before urgent → high
 * before wholesale clients → high; no model predicts priority, so a word list is all there is).
 * Every category word list is evidence: "ремонт" in "when will my repair be ready?" or
 * "счёт за ремонт" is a reason to lean towards repair, not a verdict; the category model weighs it.
 */
export const defaultRules: RuleDraft[] = [
  {
    name: 'Авария / outage → critical',
    kind: 'authoritative',
    condition: { words: ['авария', 'аварийный', 'авари*', 'не работает у всех', 'outage', 'everyone is down'] },
    outcome: { priority: 'critical' },
  },
  {
    name: 'Срочно / urgent → high',
    kind: 'authoritative',
    condition: { words: ['срочно', 'срочный', 'срочн*', 'urgent', 'urgently', 'asap', 'immediately'] },
    outcome: { priority: 'high' },
  },
  {
    name: 'Wholesale clients → high',
    kind: 'authoritative',
    condition: { clientCategories: ['wholesale'] },
    outcome: { priority: 'high' },
  },
  {
    name: 'Жалоба / complaint',
    kind: 'evidence',
    condition: {
      words: [
        'жалоба',
        'претензия',
        'претенз*',
        'недоволен',
        'недовольна',
        'возмутительно',
        'complaint',
        'complain',
        'unacceptable',
        'disappointed',
      ],
    },
    outcome: { category: 'complaint' },
  },
  {
    name: 'Гарантия / warranty',
    kind: 'evidence',
    condition: { words: ['гарант*', 'warranty', 'guarantee'] },
    outcome: { category: 'warranty' },
  },
  {
    name: 'Связь и сеть / connectivity',
    kind: 'evidence',
    condition: {
      words: [
        'интернет',
        'роутер',
        'маршрутизатор',
        'wi-fi',
        'wifi',
        'вайфай',
        'сеть',
        'vpn',
        'internet',
        'router',
        'network',
        'connection',
        'connectivity',
      ],
    },
    outcome: { category: 'connectivity' },
  },
  {
    name: 'Счета и оплата / billing',
    kind: 'evidence',
    condition: {
      words: [
        'счет',
        'оплата',
        'оплатить',
        'акт сверки',
        'бухгалтерия',
        'invoice',
        'payment',
        'billing',
        'refund',
        'charged',
      ],
    },
    outcome: { category: 'billing' },
  },
  {
    name: 'АХО / facilities',
    kind: 'evidence',
    condition: {
      words: [
        'мебель',
        'кондиционер',
        'стул',
        'уборка',
        'furniture',
        'air conditioning',
        'air conditioner',
        'chair',
        'cleaning',
      ],
    },
    outcome: { category: 'facilities' },
  },
  {
    name: 'Ремонт техники / repair',
    kind: 'evidence',
    condition: {
      words: [
        'телефон',
        'смартфон',
        'ноутбук',
        'экран',
        'не включается',
        'ремонт',
        'аккумулятор',
        'батарея',
        'phone',
        'smartphone',
        'laptop',
        'screen',
        'repair',
        'broken',
        'battery',
      ],
    },
    outcome: { category: 'repair' },
  },
];
