import type { ClientCategory } from '../db/schema/clients';
import type { TicketPriority } from '../db/schema/tickets';

export interface ClassificationInput {
  subject: string;
  description: string;
  clientCategory: ClientCategory;
}

export interface Classification {
  category: string;
  priority: TicketPriority;
  /** Why: the words that decided, for the ticket's event trail. */
  matched: string[];
}

/**
 * First-cut rules by word stems (Russian and English); a later rules engine replaces them.
 * Order matters: a complaint about a repair is a complaint.
 */
const categoryStems: Array<[category: string, stems: string[]]> = [
  ['complaint', ['жалоб', 'претензи', 'недоволен', 'complain', 'unacceptable']],
  ['warranty', ['гарант', 'warrant']],
  ['connectivity', ['интернет', 'роутер', 'wi-fi', 'wifi', 'сеть', 'сети', 'vpn', 'internet', 'router', 'network', 'connection']],
  ['billing', ['счет', 'оплат', 'акт сверки', 'invoice', 'payment', 'billing', 'refund']],
  ['facilities', ['мебел', 'кондиционер', 'стул', 'уборк', 'furniture', 'air condition', 'chair', 'cleaning']],
  ['repair', ['телефон', 'смартфон', 'ноутбук', 'экран', 'не включается', 'ремонт', 'phone', 'laptop', 'screen', 'repair', 'broken', 'battery', 'батаре']],
];

const criticalStems = ['авари', 'не работает у всех', 'outage', 'everyone is down'];
const urgentStems = ['срочн', 'urgent', 'asap', 'immediately'];
/** "Не срочно", "not urgent": a negated word does not count. */
const negations = ['не ', 'not ', 'no '];

/** Lower case, ё → е, collapsed spaces: what the stems are matched against. */
export function normaliseText(text: string): string {
  return text.toLowerCase().replace(/ё/g, 'е').replace(/\s+/g, ' ');
}

function occursUnnegated(text: string, stem: string): boolean {
  for (let at = text.indexOf(stem); at !== -1; at = text.indexOf(stem, at + 1)) {
    const before = text.slice(Math.max(0, at - 4), at);
    if (!negations.some((negation) => before.endsWith(negation))) return true;
  }
  return false;
}

export function classifyTicket(input: ClassificationInput): Classification {
  const text = normaliseText(`${input.subject} ${input.description}`);
  const found = (stems: string[]) => stems.filter((stem) => occursUnnegated(text, stem));
  let category = 'general';
  const matched: string[] = [];
  for (const [candidate, stems] of categoryStems) {
    const hits = found(stems);
    if (hits.length > 0) {
      category = candidate;
      matched.push(...hits);
      break;
    }
  }
  const critical = found(criticalStems);
  const urgent = found(urgentStems);
  matched.push(...critical, ...urgent);
  let priority: TicketPriority = 'normal';
  if (critical.length > 0) priority = 'critical';
  else if (urgent.length > 0 || input.clientCategory === 'wholesale') priority = 'high';
  return { category, priority, matched };
}

/** The queue for a category: the first queue that lists it, else the fallback queue. */
export function chooseQueue<Q extends { categories: string[]; isFallback: boolean }>(
  queues: Q[],
  category: string,
): Q | undefined {
  return queues.find((q) => q.categories.includes(category)) ?? queues.find((q) => q.isFallback);
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
