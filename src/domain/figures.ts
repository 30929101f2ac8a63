/**
 * Managers' figures over a period (DOMAIN.md, "What managers look at"; issue #14): pure rules over
 * rows of tickets, each figure published with its definition in Russian and English, so the API's
 * description and any page showing the number say the same thing. Times are wall time.
 */
import { intakeChannels, type IntakeChannel } from './enums';
import type { TicketStage } from './process';

/** What the figures read of one ticket. */
export interface FigureTicket {
  registeredAt: Date;
  acceptedAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  stage: TicketStage;
  channel: IntakeChannel;
  resolutionDueAt: Date | null;
  /** How many times it was reopened within the period. */
  reopenedInPeriod: number;
  /** How many times it was reopened, ever. */
  reopenedEver: number;
  /** The client's survey score, 1–5; null while unanswered. */
  csat: number | null;
}

/** [from, to): `from` inclusive, `to` exclusive. */
export interface Period {
  from: Date;
  to: Date;
}

/** A year, leap day included: longer periods are asked for one year at a time. */
export const LONGEST_PERIOD_DAYS = 366;

/** What the figures may be grouped by, besides the whole desk. */
export const figureGroupings = ['queue', 'category', 'channel', 'operator'] as const;
export type FigureGrouping = (typeof figureGroupings)[number];

export const figureNames = [
  'registered',
  'accepted',
  'resolved',
  'closed',
  'reopened',
  'backlog',
  'backlogAgeing',
  'registeredPerChannel',
  'firstResponse',
  'resolution',
  'slaAchievedPercent',
  'csatMean',
  'csatTop2BoxPercent',
  'surveyResponseRatePercent',
  'reopenRatePercent',
] as const;
export type FigureName = (typeof figureNames)[number];

/** Each figure's published definition. */
export const figureDefinitions: Readonly<Record<FigureName, { en: string; ru: string }>> = {
  registered: {
    en: 'Tickets registered in the period.',
    ru: 'Заявки, зарегистрированные в периоде.',
  },
  accepted: {
    en: 'Tickets whose (latest) acceptance by an operator falls in the period.',
    ru: 'Заявки, принятые в работу оператором в периоде (по последнему принятию).',
  },
  resolved: {
    en: 'Tickets whose (latest) resolution falls in the period.',
    ru: 'Заявки, решённые в периоде (по последнему решению).',
  },
  closed: {
    en: 'Tickets closed in the period.',
    ru: 'Заявки, закрытые в периоде.',
  },
  reopened: {
    en: 'Reopenings recorded in the period (a ticket reopened twice counts twice).',
    ru: 'Переоткрытия в периоде (заявка, переоткрытая дважды, считается дважды).',
  },
  backlog: {
    en: 'Tickets open now (registered, not yet resolved and not closed), whatever the period.',
    ru: 'Заявки, открытые сейчас (зарегистрированы, не решены и не закрыты), вне зависимости от периода.',
  },
  backlogAgeing: {
    en: 'The backlog by age since registration: under 1 day, 1–3 days, 3–7 days, over 7 days (lower bound inclusive).',
    ru: 'Открытые заявки по возрасту с регистрации: до 1 дня, 1–3 дня, 3–7 дней, более 7 дней (нижняя граница включительно).',
  },
  registeredPerChannel: {
    en: 'Tickets registered in the period, per intake channel.',
    ru: 'Заявки, зарегистрированные в периоде, по каналам связи.',
  },
  firstResponse: {
    en: 'Wall time from registration to acceptance, over tickets accepted in the period: median and 90th percentile (linear interpolation), ms.',
    ru: 'Календарное время от регистрации до принятия в работу по заявкам, принятым в периоде: медиана и 90-й процентиль (линейная интерполяция), мс.',
  },
  resolution: {
    en: 'Wall time from registration to resolution, over tickets resolved in the period: median and 90th percentile (linear interpolation), ms.',
    ru: 'Календарное время от регистрации до решения по заявкам, решённым в периоде: медиана и 90-й процентиль (линейная интерполяция), мс.',
  },
  slaAchievedPercent: {
    en: 'Of the tickets resolved in the period that had a resolution deadline, the share resolved by it, %. Null when none had one.',
    ru: 'Доля заявок, решённых в срок, среди решённых в периоде и имеющих срок решения, %. Null, если таких нет.',
  },
  csatMean: {
    en: 'Mean survey score (1–5) of the tickets resolved in the period that were answered. Null when none was.',
    ru: 'Средняя оценка опроса (1–5) по решённым в периоде заявкам с ответом. Null, если ответов нет.',
  },
  csatTop2BoxPercent: {
    en: 'Share of those answers scoring 4 or 5, %. Null when none was answered.',
    ru: 'Доля ответов с оценкой 4 или 5, %. Null, если ответов нет.',
  },
  surveyResponseRatePercent: {
    en: 'Of the tickets resolved in the period, the share whose survey was answered, %. Null when none was resolved.',
    ru: 'Доля заявок с ответом на опрос среди решённых в периоде, %. Null, если решённых нет.',
  },
  reopenRatePercent: {
    en: 'Of the tickets resolved in the period, the share ever reopened, %. Null when none was resolved.',
    ru: 'Доля когда-либо переоткрытых заявок среди решённых в периоде, %. Null, если решённых нет.',
  },
};

const DAY_MS = 86_400_000;

export const ageingBuckets = ['under1d', 'from1to3d', 'from3to7d', 'over7d'] as const;
export type AgeingBucket = (typeof ageingBuckets)[number];

export interface DurationFigure {
  count: number;
  medianMs: number | null;
  p90Ms: number | null;
}

export interface Figures {
  registered: number;
  accepted: number;
  resolved: number;
  closed: number;
  reopened: number;
  backlog: number;
  backlogAgeing: Record<AgeingBucket, number>;
  registeredPerChannel: Record<IntakeChannel, number>;
  firstResponse: DurationFigure;
  resolution: DurationFigure;
  slaAchievedPercent: number | null;
  csatMean: number | null;
  csatTop2BoxPercent: number | null;
  surveyResponseRatePercent: number | null;
  reopenRatePercent: number | null;
}

const within = (at: Date | null, { from, to }: Period) => at !== null && at >= from && at < to;

/** A share in percent to one decimal; null when there is nothing to share (no division by zero). */
export function percent(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 1000) / 10;
}

/** The q-quantile (0–1) with linear interpolation between ranks, as percentile_cont; null for none. */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = q * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

function durations(values: readonly number[]): DurationFigure {
  const round = (v: number | null) => (v === null ? null : Math.round(v));
  return { count: values.length, medianMs: round(quantile(values, 0.5)), p90Ms: round(quantile(values, 0.9)) };
}

/** Open now: neither resolved nor closed (a reopened ticket is open again). */
export const isBacklog = (t: Pick<FigureTicket, 'stage'>) =>
  t.stage === 'registering' || t.stage === 'queued' || t.stage === 'in_work' || t.stage === 'waiting_for_client';

export function ageingBucket(ageMs: number): AgeingBucket {
  if (ageMs < DAY_MS) return 'under1d';
  if (ageMs < 3 * DAY_MS) return 'from1to3d';
  if (ageMs < 7 * DAY_MS) return 'from3to7d';
  return 'over7d';
}

/** The figures of the period over the given tickets; backlog is as of `now`. */
export function computeFigures(tickets: readonly FigureTicket[], period: Period, now: Date): Figures {
  const registered = tickets.filter((t) => within(t.registeredAt, period));
  const accepted = tickets.filter((t) => within(t.acceptedAt, period));
  const resolved = tickets.filter((t) => within(t.resolvedAt, period));
  const backlog = tickets.filter(isBacklog);

  const backlogAgeing = Object.fromEntries(ageingBuckets.map((b) => [b, 0])) as Record<AgeingBucket, number>;
  for (const t of backlog) backlogAgeing[ageingBucket(now.getTime() - t.registeredAt.getTime())]++;
  const registeredPerChannel = Object.fromEntries(intakeChannels.map((c) => [c, 0])) as Record<IntakeChannel, number>;
  for (const t of registered) registeredPerChannel[t.channel]++;

  const withDue = resolved.filter((t) => t.resolutionDueAt !== null);
  const scores = resolved.flatMap((t) => (t.csat === null ? [] : [t.csat]));
  return {
    registered: registered.length,
    accepted: accepted.length,
    resolved: resolved.length,
    closed: tickets.filter((t) => within(t.closedAt, period)).length,
    reopened: tickets.reduce((sum, t) => sum + t.reopenedInPeriod, 0),
    backlog: backlog.length,
    backlogAgeing,
    registeredPerChannel,
    firstResponse: durations(accepted.map((t) => t.acceptedAt!.getTime() - t.registeredAt.getTime())),
    resolution: durations(resolved.map((t) => t.resolvedAt!.getTime() - t.registeredAt.getTime())),
    slaAchievedPercent: percent(withDue.filter((t) => t.resolvedAt! <= t.resolutionDueAt!).length, withDue.length),
    csatMean: scores.length === 0 ? null : Math.round((scores.reduce((a, b) => a + b, 0) / scores.length) * 100) / 100,
    csatTop2BoxPercent: percent(scores.filter((s) => s >= 4).length, scores.length),
    surveyResponseRatePercent: percent(scores.length, resolved.length),
    reopenRatePercent: percent(resolved.filter((t) => t.reopenedEver > 0).length, resolved.length),
  };
}

/** The same figures per group (queue, category, channel, operator); tickets without one group under null. */
export function figuresByGroup<T extends FigureTicket>(
  tickets: readonly T[],
  groupOf: (ticket: T) => string | null,
  period: Period,
  now: Date,
): { group: string | null; figures: Figures }[] {
  const groups = new Map<string | null, T[]>();
  for (const t of tickets) {
    const key = groupOf(t);
    const members = groups.get(key);
    if (members) members.push(t);
    else groups.set(key, [t]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : a.localeCompare(b)))
    .map(([group, members]) => ({ group, figures: computeFigures(members, period, now) }));
}
