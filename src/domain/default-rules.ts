import type { RuleCondition, RuleOutcome } from './rules';

export interface RuleDraft {
  name: string;
  condition: RuleCondition;
  outcome: RuleOutcome;
}

/**
 * The rules a new desk starts with, in order; operators edit them through the API afterwards.
 * Priority rules come first so that "срочно" counts whatever the category; among the category
 * rules a complaint about a repair is a complaint, and a broken phone under warranty is warranty.
 */
export const defaultRules: RuleDraft[] = [
  {
    name: 'Авария / outage → critical',
    condition: { words: ['авария', 'аварийный', 'авари*', 'не работает у всех', 'outage', 'everyone is down'] },
    outcome: { priority: 'critical' },
  },
  {
    name: 'Срочно / urgent → high',
    condition: { words: ['срочно', 'срочный', 'срочн*', 'urgent', 'urgently', 'asap', 'immediately'] },
    outcome: { priority: 'high' },
  },
  { name: 'Wholesale clients → high', condition: { clientCategories: ['wholesale'] }, outcome: { priority: 'high' } },
  {
    name: 'Жалоба / complaint',
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
    condition: { words: ['гарант*', 'warranty', 'guarantee'] },
    outcome: { category: 'warranty' },
  },
  {
    name: 'Связь и сеть / connectivity',
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
