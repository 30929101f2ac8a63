/**
 * Why a target breached, in one line of Russian and one of English, from its timeline
 * (src/domain/breach-timeline.ts). Pure: the audit's reader and its tests call it alone.
 */

/** The Russian form for a count: [1 день, 2 дня, 5 дней] → one of them for `n`. */
export function ruPlural(n: number, [one, few, many]: readonly [string, string, string]): string {
  const n10 = n % 10;
  const n100 = n % 100;
  if (n10 === 1 && n100 !== 11) return one;
  if (n10 >= 2 && n10 <= 4 && (n100 < 12 || n100 > 14)) return few;
  return many;
}

const MINUTE = 60_000;
const DAY_MINUTES = 24 * 60;

/** A duration as people read it: "1 день 2 ч 10 мин" / "1 day 2 h 10 min"; under a minute in seconds. */
export function formatDuration(ms: number): { ru: string; en: string } {
  if (ms < MINUTE) {
    const s = Math.round(Math.max(0, ms) / 1000);
    return { ru: `${s} с`, en: `${s} s` };
  }
  const minutes = Math.round(ms / MINUTE);
  const days = Math.floor(minutes / DAY_MINUTES);
  const hours = Math.floor((minutes % DAY_MINUTES) / 60);
  const rest = minutes % 60;
  const ru: string[] = [];
  const en: string[] = [];
  if (days > 0) {
    ru.push(`${days} ${ruPlural(days, ['день', 'дня', 'дней'])}`);
    en.push(`${days} ${days === 1 ? 'day' : 'days'}`);
  }
  if (hours > 0) {
    ru.push(`${hours} ч`);
    en.push(`${hours} h`);
  }
  if (rest > 0) {
    ru.push(`${rest} мин`);
    en.push(`${rest} min`);
  }
  return { ru: ru.join(' '), en: en.join(' ') };
}

/** A queue's name "Ремонт / Repair" (the seed's form) in each language; one name serves both. */
export function queueNames(name: string): { ru: string; en: string } {
  const [ru, en] = name.split(' / ');
  return { ru: ru!.trim(), en: (en ?? ru!).trim() };
}

/** What the explanation is made from: the figures of one target's timeline. */
export interface BreachFacts {
  /** Business time past the budget (0: breached at the deadline itself). */
  overrunMs: number;
  /** The target is not met yet: the overrun is counted to now. */
  open: boolean;
  /** Counted time waiting in a queue, not accepted, per queue name; the longest is named. */
  queueWaits: readonly { queue: string; ms: number }[];
  /** Counted time in work, per holder. */
  inWork: readonly { holder: string; ms: number }[];
  /** Moves to another line or queue, in order; `at` as local "HH:MM" on the servicing calendar. */
  transfers: readonly { at: string; toLine: number | null; toQueue: string | null; byEscalation: boolean }[];
  reassignments: number;
  offersSkipped: number;
  /** Time not counted, per reason. */
  excluded: { waitingForClient: number; outOfHours: number; holidays: number };
}

const quoteRu = (s: string) => `«${s}»`;
const quoteEn = (s: string) => `“${s}”`;
/** The longest stretch worth naming: one that would read "0 с" says nothing. */
const longest = <T extends { ms: number }>(items: readonly T[]) =>
  items.reduce<T | undefined>((best, item) => (item.ms >= 500 && item.ms > (best?.ms ?? 0) ? item : best), undefined);

/**
 * "Нарушено на 2 ч 10 мин: 3 ч в очереди «Ремонт» без принятия, передача на 2-ю линию в 14:05" /
 * "Breached by 2 h 10 min: 3 h in queue “Repair” not accepted, transfer to line 2 at 14:05".
 * The causes, in order: the longest wait in a queue, the longest stretch in one person's work,
 * transfers and escalations, reassignments, skipped offers, then the time not counted.
 */
export function explainBreach(facts: BreachFacts): { ru: string; en: string } {
  const ru: string[] = [];
  const en: string[] = [];
  const wait = longest(facts.queueWaits);
  if (wait) {
    const d = formatDuration(wait.ms);
    const name = queueNames(wait.queue);
    ru.push(`${d.ru} в очереди ${quoteRu(name.ru)} без принятия`);
    en.push(`${d.en} in queue ${quoteEn(name.en)} not accepted`);
  }
  const work = longest(facts.inWork);
  if (work) {
    const d = formatDuration(work.ms);
    ru.push(`${d.ru} в работе у ${work.holder}`);
    en.push(`${d.en} in work with ${work.holder}`);
  }
  for (const t of facts.transfers) {
    const word = t.byEscalation ? { ru: 'эскалация', en: 'escalation' } : { ru: 'передача', en: 'transfer' };
    if (t.toLine !== null) {
      ru.push(`${word.ru} на ${t.toLine}-ю линию в ${t.at}`);
      en.push(`${word.en} to line ${t.toLine} at ${t.at}`);
    } else if (t.toQueue !== null) {
      const name = queueNames(t.toQueue);
      ru.push(`${word.ru} в очередь ${quoteRu(name.ru)} в ${t.at}`);
      en.push(`${word.en} to queue ${quoteEn(name.en)} at ${t.at}`);
    }
  }
  if (facts.reassignments > 0) {
    const n = facts.reassignments;
    ru.push(`${n} ${ruPlural(n, ['переназначение', 'переназначения', 'переназначений'])}`);
    en.push(`${n} ${n === 1 ? 'reassignment' : 'reassignments'}`);
  }
  if (facts.offersSkipped > 0) {
    const n = facts.offersSkipped;
    ru.push(`${n} ${ruPlural(n, ['пропущенное предложение', 'пропущенных предложения', 'пропущенных предложений'])}`);
    en.push(`${n} ${n === 1 ? 'offer' : 'offers'} skipped`);
  }
  const excluded: { ru: string; en: string }[] = [];
  const { waitingForClient, outOfHours, holidays } = facts.excluded;
  if (waitingForClient > 0) {
    const d = formatDuration(waitingForClient);
    excluded.push({ ru: `ожидание клиента ${d.ru}`, en: `waiting for the client ${d.en}` });
  }
  if (outOfHours > 0) {
    const d = formatDuration(outOfHours);
    excluded.push({ ru: `нерабочее время ${d.ru}`, en: `out of hours ${d.en}` });
  }
  if (holidays > 0) {
    const d = formatDuration(holidays);
    excluded.push({ ru: `праздники ${d.ru}`, en: `holidays ${d.en}` });
  }
  if (excluded.length > 0) {
    ru.push(`не в счёт: ${excluded.map((e) => e.ru).join(', ')}`);
    en.push(`not counted: ${excluded.map((e) => e.en).join(', ')}`);
  }
  if (facts.open) {
    ru.push('ещё не выполнено');
    en.push('not met yet');
  }
  const overrun = formatDuration(facts.overrunMs);
  const head =
    facts.overrunMs >= 1000
      ? { ru: `Нарушено на ${overrun.ru}`, en: `Breached by ${overrun.en}` }
      : { ru: 'Нарушено', en: 'Breached' };
  return {
    ru: ru.length > 0 ? `${head.ru}: ${ru.join(', ')}` : head.ru,
    en: en.length > 0 ? `${head.en}: ${en.join(', ')}` : head.en,
  };
}
