/**
 * Managers' figures over a period (DOMAIN.md, "What managers look at"; issue #14): pure rules over
 * rows of tickets, each figure published with its definition in Russian and English, so the API's
 * description and any page showing the number say the same thing. Times are wall time, and
 * business time on the servicing team's calendar where the name says so (./ticket-times).
 */
import { instantOfLocal, localDateOf } from './calendar';
import { intakeChannels, type IntakeChannel } from './enums';
import type { TicketStage } from './process';
import { COMPLAINT_CSAT_AT_MOST } from './survey';
import type { TicketTimes } from './ticket-times';

/** Escalations by level; `manual`: escalated by hand (no level). */
export const escalationLevels = ['level1', 'level2', 'level3', 'manual'] as const;
export type EscalationLevel = (typeof escalationLevels)[number];

/** What the figures read of one ticket. */
export interface FigureTicket {
  registeredAt: Date;
  acceptedAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  stage: TicketStage;
  channel: IntakeChannel;
  resolutionDueAt: Date | null;
  /** When it was reopened, every time. */
  reopenings: readonly Date[];
  /** The client's survey score, 1–5; null while unanswered. */
  csat: number | null;
  /** "Would you recommend us?" 0–10; null while unanswered (the question is optional). */
  nps: number | null;
  /** The support line that resolved it (latest resolution); null while unresolved. */
  solvedLine: number | null;
  /** Whether it was ever escalated, reassigned, returned to its queue or transferred. */
  handedOn: boolean;
  /** The overdue reason recorded when it was resolved late; null: none recorded. */
  overdueReason: string | null;
  /** Its escalations (at least those within the period asked for): when and at which level. */
  escalations: readonly { at: Date; level: EscalationLevel }[];
  /** Registration to acceptance in business time on the servicing team's calendar; null while not accepted. */
  firstResponseBusinessMs: number | null;
  /** Its business times from the record (ticketTimes); null when not resolved, or not read for the period. */
  times: TicketTimes | null;
  /** Minutes of work entered against it. */
  workMinutes: number;
  /** The catalog service's norm quoted at acceptance, in minutes; null: none quoted. */
  normMinutes: number | null;
}

/** [from, to): `from` inclusive, `to` exclusive. */
export interface Period {
  from: Date;
  to: Date;
}

/** A year, leap day included: longer periods are asked for one year at a time. */
export const LONGEST_PERIOD_DAYS = 366;

/** What the figures may be grouped by, besides the whole desk. */
export const figureGroupings = [
  'queue',
  'category',
  'clientCategory',
  'channel',
  'supportLine',
  'operator',
  'service',
] as const;
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
  'firstResponseBusiness',
  'firstResolutionBusiness',
  'resolutionBusiness',
  'waitingForClient',
  'queueWaitBusiness',
  'perSupportLineBusiness',
  'workVsNorm',
  'slaAchievedPercent',
  'csatMean',
  'csatTop2BoxPercent',
  'surveyResponseRatePercent',
  'reopenRatePercent',
  'npsScore',
  'npsResponses',
  'csi',
  'nrrPercent',
  'fcrPercent',
  'escalations',
  'overdueByReason',
  'openAtEnd',
  'operatorMoves',
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
  firstResponseBusiness: {
    en: 'Business time from registration to acceptance on the servicing team’s calendar (its queue’s group’s, else the desk’s default: working hours, holidays and moved days off), over tickets accepted in the period: median and 90th percentile, ms.',
    ru: 'Рабочее время от регистрации до принятия в работу по календарю обслуживающей группы (группы очереди заявки, иначе календарь деска по умолчанию: рабочие часы, праздники и переносы), по заявкам, принятым в периоде: медиана и 90-й процентиль, мс.',
  },
  firstResolutionBusiness: {
    en: 'Business time on the servicing team’s calendar from registration to the first resolution, time waiting for the client not counted, over tickets resolved in the period: median and 90th percentile, ms.',
    ru: 'Рабочее время по календарю обслуживающей группы от регистрации до первого решения без времени ожидания клиента, по заявкам, решённым в периоде: медиана и 90-й процентиль, мс.',
  },
  resolutionBusiness: {
    en: 'Full resolution: business time on the servicing team’s calendar from registration to the latest resolution, not counting time waiting for the client nor the time between a resolution and its reopening (as the resolution clock counts), over tickets resolved in the period: median and 90th percentile, ms.',
    ru: 'Полное решение: рабочее время по календарю обслуживающей группы от регистрации до последнего решения без времени ожидания клиента и времени между решением и переоткрытием (как считают часы SLA решения), по заявкам, решённым в периоде: медиана и 90-й процентиль, мс.',
  },
  waitingForClient: {
    en: 'Wall time waiting for the client (from wait-for-client to its resume or the resolution), over the tickets resolved in the period that waited: median and 90th percentile, ms; totalMs over them all. It is what the business-time resolution leaves out.',
    ru: 'Календарное время ожидания клиента (от «ждём клиента» до возобновления или решения) по решённым в периоде заявкам, которые ждали клиента: медиана и 90-й процентиль, мс; totalMs — сумма по ним. Именно это время не входит в рабочее время решения.',
  },
  queueWaitBusiness: {
    en: 'Business time on the servicing team’s calendar a ticket spent in a queue not accepted by anyone (after queuing, a return to the queue, a transfer or an escalation that moved it), up to its latest resolution, over tickets resolved in the period: median and 90th percentile, ms.',
    ru: 'Рабочее время по календарю обслуживающей группы, которое заявка провела в очереди непринятой (после постановки в очередь, возврата, передачи или эскалации с переводом), до последнего решения, по заявкам, решённым в периоде: медиана и 90-й процентиль, мс.',
  },
  perSupportLineBusiness: {
    en: 'Per support line: the business time (as resolutionBusiness counts it) the tickets resolved in the period spent on that line, over those that were on it: tickets, median and 90th percentile, ms.',
    ru: 'По линиям поддержки: рабочее время (как в resolutionBusiness), проведённое решёнными в периоде заявками на линии, по заявкам, побывавшим на ней: число заявок, медиана и 90-й процентиль, мс.',
  },
  workVsNorm: {
    en: 'Actual work against the catalog norm over the tickets resolved in the period that had a norm quoted: minutes of work entered, norm minutes (the service’s norm hours quoted at acceptance) and their ratio actual/norm to two decimals (over 1: more work than the norm). Null ratio when none had a norm.',
    ru: 'Фактические трудозатраты против нормы каталога по решённым в периоде заявкам с нормой: минуты по записям о работе, минуты нормы (нормо-часы услуги при принятии) и их отношение факт/норма с точностью до сотых (больше 1 — работы больше нормы). Null, если нормы не было ни у одной.',
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
  npsScore: {
    en: 'Net Promoter Score of the tickets resolved in the period whose client answered the optional 0–10 "would you recommend us?": the share of promoters (9–10) minus the share of detractors (0–6), in points from −100 to 100, to one decimal. Null when none answered.',
    ru: 'Индекс NPS по решённым в периоде заявкам, клиент которых ответил на необязательный вопрос «Порекомендуете ли вы нас?» (0–10): доля промоутеров (9–10) минус доля критиков (0–6), в пунктах от −100 до 100, с точностью до десятой. Null, если ответов нет.',
  },
  npsResponses: {
    en: 'How many of the tickets resolved in the period have an answer to the 0–10 question (the NPS is over these).',
    ru: 'Число решённых в периоде заявок с ответом на вопрос 0–10 (по ним считается NPS).',
  },
  csi: {
    en: 'Customer Satisfaction Index: the survey scores (1–5) of the tickets resolved in the period that were answered, each put on 0–100 as (score − 1) / 4 × 100, averaged, to one decimal (1 → 0, 3 → 50, 5 → 100). Null when none was answered.',
    ru: 'Индекс удовлетворённости клиентов (CSI): оценки опроса (1–5) по решённым в периоде заявкам с ответом, каждая переведена в шкалу 0–100 как (оценка − 1) / 4 × 100, среднее с точностью до десятой (1 → 0, 3 → 50, 5 → 100). Null, если ответов нет.',
  },
  nrrPercent: {
    en: 'Negative response rate (NRR): of the survey answers of the tickets resolved in the period, the share scoring 1 or 2 (the scores the desk treats as a complaint), %. Null when none was answered.',
    ru: 'Доля негативных ответов (NRR): доля оценок 1 и 2 (их деск считает жалобой) среди ответов на опрос по решённым в периоде заявкам, %. Null, если ответов нет.',
  },
  fcrPercent: {
    en: 'First-contact resolution (HDI: resolved at the first contact, with no escalation, transfer or callback), as the desk can record it: of the tickets resolved in the period, the share resolved on the first support line with no escalation, reassignment, return to the queue or transfer ever on record, and never reopened, %. Per channel with groupBy=channel. Null when none was resolved.',
    ru: 'Решение с первого обращения (по HDI: решено при первом обращении, без эскалации, передачи и повторного контакта) в том виде, в каком его фиксирует деск: доля заявок, решённых на первой линии без эскалаций, переназначений, возвратов в очередь и передач и ни разу не переоткрытых, среди решённых в периоде, %. По каналам — groupBy=channel. Null, если решённых нет.',
  },
  escalations: {
    en: 'Escalations recorded in the period, per level (1–3 by the SLA clock; manual: escalated by hand), whatever the target.',
    ru: 'Эскалации в периоде по уровням (1–3 — по часам SLA; manual — вручную), по всем целевым срокам.',
  },
  overdueByReason: {
    en: 'Tickets resolved in the period after their resolution deadline, per recorded overdue reason (null: none recorded), with each reason’s share of them, %.',
    ru: 'Заявки, решённые в периоде позже срока решения, по указанной причине просрочки (null — причина не указана), с долей каждой причины, %.',
  },
  operatorMoves: {
    en: 'With groupBy=operator, per operator, what was recorded in the period: offers they skipped (with each reason given), their tickets reassigned to someone else, returned to the queue and transferred to another queue (the operator holding the ticket then; a transfer of a ticket nobody held counts for whoever made it). Filters narrow it by the ticket’s queue, category etc. now.',
    ru: 'При groupBy=operator по каждому оператору — что записано в периоде: пропущенные им предложения (с каждой указанной причиной), его заявки, переназначенные другому, возвращённые в очередь и переданные в другую очередь (оператор, державший заявку; передачу никем не принятой заявки — тому, кто её передал). Фильтры сужают по текущей очереди, категории и т. д. заявки.',
  },
  openAtEnd: {
    en: 'In a series: tickets open at the end of the interval, i.e. registered before it and not resolved (by the latest resolution) nor, if never resolved, closed before it.',
    ru: 'В ряду: заявки, открытые на конец интервала — зарегистрированные до него и не решённые (по последнему решению), а если не решались — не закрытые до него.',
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
  firstResponseBusiness: DurationFigure;
  firstResolutionBusiness: DurationFigure;
  resolutionBusiness: DurationFigure;
  waitingForClient: DurationFigure & { totalMs: number };
  queueWaitBusiness: DurationFigure;
  perSupportLineBusiness: ({ supportLine: number } & DurationFigure)[];
  workVsNorm: WorkVsNorm;
  slaAchievedPercent: number | null;
  csatMean: number | null;
  csatTop2BoxPercent: number | null;
  surveyResponseRatePercent: number | null;
  reopenRatePercent: number | null;
  npsScore: number | null;
  npsResponses: number;
  csi: number | null;
  nrrPercent: number | null;
  fcrPercent: number | null;
  escalations: Record<EscalationLevel, number>;
  overdueByReason: { reason: string | null; count: number; percent: number }[];
}

export interface WorkVsNorm {
  tickets: number;
  workMinutes: number;
  normMinutes: number;
  ratio: number | null;
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
  const times = resolved.flatMap((t) => (t.times === null ? [] : [t.times]));
  const waited = times.filter((t) => t.waitingForClientMs > 0).map((t) => t.waitingForClientMs);
  const scores = resolved.flatMap((t) => (t.csat === null ? [] : [t.csat]));
  const recommendations = resolved.flatMap((t) => (t.nps === null ? [] : [t.nps]));
  return {
    registered: registered.length,
    accepted: accepted.length,
    resolved: resolved.length,
    closed: tickets.filter((t) => within(t.closedAt, period)).length,
    reopened: tickets.reduce((sum, t) => sum + t.reopenings.filter((at) => within(at, period)).length, 0),
    backlog: backlog.length,
    backlogAgeing,
    registeredPerChannel,
    firstResponse: durations(accepted.map((t) => t.acceptedAt!.getTime() - t.registeredAt.getTime())),
    resolution: durations(resolved.map((t) => t.resolvedAt!.getTime() - t.registeredAt.getTime())),
    firstResponseBusiness: durations(
      accepted.flatMap((t) => (t.firstResponseBusinessMs === null ? [] : [t.firstResponseBusinessMs])),
    ),
    firstResolutionBusiness: durations(times.map((t) => t.firstResolutionMs)),
    resolutionBusiness: durations(times.map((t) => t.resolutionMs)),
    waitingForClient: { ...durations(waited), totalMs: waited.reduce((a, b) => a + b, 0) },
    queueWaitBusiness: durations(times.map((t) => t.queueWaitMs)),
    perSupportLineBusiness: perSupportLine(times),
    workVsNorm: workVsNorm(resolved),
    slaAchievedPercent: percent(withDue.filter((t) => t.resolvedAt! <= t.resolutionDueAt!).length, withDue.length),
    csatMean: scores.length === 0 ? null : Math.round((scores.reduce((a, b) => a + b, 0) / scores.length) * 100) / 100,
    csatTop2BoxPercent: percent(scores.filter((s) => s >= 4).length, scores.length),
    surveyResponseRatePercent: percent(scores.length, resolved.length),
    reopenRatePercent: percent(resolved.filter((t) => t.reopenings.length > 0).length, resolved.length),
    npsScore: netPromoterScore(recommendations),
    npsResponses: recommendations.length,
    csi: satisfactionIndex(scores),
    nrrPercent: percent(scores.filter((s) => s <= COMPLAINT_CSAT_AT_MOST).length, scores.length),
    fcrPercent: percent(resolved.filter(isFirstContactResolution).length, resolved.length),
    escalations: countEscalations(tickets, period),
    overdueByReason: overdueByReason(withDue.filter((t) => t.resolvedAt! > t.resolutionDueAt!)),
  };
}

/** Promoters (9–10) minus detractors (0–6), in points to one decimal; null for no answer. */
export function netPromoterScore(answers: readonly number[]): number | null {
  if (answers.length === 0) return null;
  const promoters = answers.filter((a) => a >= 9).length;
  const detractors = answers.filter((a) => a <= 6).length;
  return Math.round(((promoters - detractors) / answers.length) * 1000) / 10;
}

/** CSI: each 1–5 score on 0–100, averaged, to one decimal; null for no answer. */
export function satisfactionIndex(scores: readonly number[]): number | null {
  if (scores.length === 0) return null;
  const points = scores.reduce((sum, s) => sum + ((s - 1) / 4) * 100, 0);
  return Math.round((points / scores.length) * 10) / 10;
}

/** Actual/norm over the tickets with a norm: sums first, so a long ticket weighs as much as its minutes. */
export function workVsNorm(resolved: readonly Pick<FigureTicket, 'workMinutes' | 'normMinutes'>[]): WorkVsNorm {
  const normed = resolved.filter((t) => t.normMinutes !== null && t.normMinutes > 0);
  const workMinutes = normed.reduce((sum, t) => sum + t.workMinutes, 0);
  const normMinutes = normed.reduce((sum, t) => sum + t.normMinutes!, 0);
  return {
    tickets: normed.length,
    workMinutes,
    normMinutes,
    ratio: normMinutes === 0 ? null : Math.round((workMinutes / normMinutes) * 100) / 100,
  };
}

/** Each line's counted time, over the tickets that were on it, lines in order. */
function perSupportLine(times: readonly TicketTimes[]): Figures['perSupportLineBusiness'] {
  const lines = new Map<number, number[]>();
  for (const t of times)
    for (const [line, ms] of Object.entries(t.perSupportLineMs)) {
      const values = lines.get(Number(line));
      if (values) values.push(ms);
      else lines.set(Number(line), [ms]);
    }
  return [...lines.entries()]
    .sort(([a], [b]) => a - b)
    .map(([supportLine, values]) => ({ supportLine, ...durations(values) }));
}

/** Resolved on the first line, never handed on, never reopened. */
const isFirstContactResolution = (t: FigureTicket) => t.solvedLine === 1 && !t.handedOn && t.reopenings.length === 0;

function countEscalations(tickets: readonly FigureTicket[], period: Period): Record<EscalationLevel, number> {
  const counts = Object.fromEntries(escalationLevels.map((l) => [l, 0])) as Record<EscalationLevel, number>;
  for (const t of tickets) for (const e of t.escalations) if (within(e.at, period)) counts[e.level]++;
  return counts;
}

/** Overdue tickets per recorded reason, most frequent first (ties by reason, none last). */
function overdueByReason(overdue: readonly FigureTicket[]): Figures['overdueByReason'] {
  const counts = new Map<string | null, number>();
  for (const t of overdue) counts.set(t.overdueReason, (counts.get(t.overdueReason) ?? 0) + 1);
  return [...counts.entries()]
    .sort(([a, x], [b, y]) => y - x || (a === null ? 1 : b === null ? -1 : a.localeCompare(b)))
    .map(([reason, count]) => ({ reason, count, percent: percent(count, overdue.length)! }));
}

/** What a series gives per interval: the period's figures, with the backlog as of the interval's end. */
export type IntervalFigures = Omit<Figures, 'backlog' | 'backlogAgeing'> & { openAtEnd: number };

export const seriesIntervals = ['day', 'week', 'month'] as const;
export type SeriesInterval = (typeof seriesIntervals)[number];

/** The most intervals a series may hold (a year by day). */
export const LONGEST_SERIES = 367;

/**
 * [from, to) cut at the local midnights (day), Mondays (week) or firsts of the month (month) of
 * the zone; the first and last intervals are cut short by the period.
 */
export function seriesBuckets(period: Period, interval: SeriesInterval, timeZone: string): Period[] {
  const buckets: Period[] = [];
  let start = period.from.getTime();
  const end = period.to.getTime();
  while (start < end) {
    const next = Math.min(end, nextBoundary(start, interval, timeZone));
    buckets.push({ from: new Date(start), to: new Date(next) });
    start = next;
  }
  return buckets;
}

function nextBoundary(instant: number, interval: SeriesInterval, timeZone: string): number {
  const local = new Date(`${localDateOf(timeZone, instant)}T00:00:00Z`);
  if (interval === 'day') local.setUTCDate(local.getUTCDate() + 1);
  else if (interval === 'week') local.setUTCDate(local.getUTCDate() + 7 - ((local.getUTCDay() + 6) % 7));
  else local.setUTCMonth(local.getUTCMonth() + 1, 1);
  return instantOfLocal(timeZone, local.toISOString().slice(0, 10), 0);
}

/** When a ticket left the backlog for good: its latest resolution, else its closing; null: open. */
const doneAt = (t: FigureTicket) => t.resolvedAt ?? t.closedAt;

/**
 * The figures per interval; `openAtStart` is the number open at the period's start (counted by
 * the caller over every ticket): each interval adds its registrations and takes off those done in it.
 * Each ticket is put in the intervals its moments fall in (a binary search each), so a year by day
 * reads every ticket once, not once per day.
 */
export function figureSeries(
  tickets: readonly FigureTicket[],
  buckets: readonly Period[],
  openAtStart: number,
  now: Date,
): (IntervalFigures & { from: string; to: string })[] {
  const members: FigureTicket[][] = buckets.map(() => []);
  const doneIn = buckets.map(() => 0);
  const indexOf = (at: Date | null) => (at === null ? -1 : bucketOf(buckets, at.getTime()));
  for (const t of tickets) {
    const moments = [t.registeredAt, t.acceptedAt, t.resolvedAt, t.closedAt, ...t.reopenings];
    const hit = new Set([...moments.map(indexOf), ...t.escalations.map((e) => indexOf(e.at))]);
    hit.delete(-1);
    for (const i of hit) members[i]!.push(t);
    const done = indexOf(doneAt(t));
    if (done >= 0) doneIn[done]!++;
  }
  let open = openAtStart;
  return buckets.map((bucket, i) => {
    const { backlog: _backlog, backlogAgeing: _ageing, ...figures } = computeFigures(members[i]!, bucket, now);
    open += figures.registered - doneIn[i]!;
    return { from: bucket.from.toISOString(), to: bucket.to.toISOString(), ...figures, openAtEnd: open };
  });
}

/** The index of the interval holding an instant, -1 outside them all (intervals in order, adjacent). */
function bucketOf(buckets: readonly Period[], instant: number): number {
  if (buckets.length === 0 || instant < buckets[0]!.from.getTime() || instant >= buckets.at(-1)!.to.getTime())
    return -1;
  let low = 0;
  let high = buckets.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (buckets[mid]!.from.getTime() <= instant) low = mid;
    else high = mid - 1;
  }
  return low;
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

/** What the figures may be narrowed to: the ticket's queue (code), category, client category, channel, support line, assignee, catalog service (code). */
export interface FigureFilters {
  queue?: string;
  category?: string;
  clientCategory?: string;
  channel?: string;
  supportLine?: number;
  operator?: string;
  service?: string;
}
export const figureFilterNames = [
  'queue',
  'category',
  'clientCategory',
  'channel',
  'supportLine',
  'operator',
  'service',
] as const satisfies readonly (keyof FigureFilters)[];

/** The most tickets one drill-down lists (and a CSV of them holds). */
export const LONGEST_TICKET_LIST = 5_000;

/** The figures whose tickets may be listed (drill-down): each a count of tickets, or of their events. */
export const drillableFigures = [
  'registered',
  'accepted',
  'resolved',
  'closed',
  'reopened',
  'backlog',
  'escalated',
  'overdue',
] as const;
export type DrillableFigure = (typeof drillableFigures)[number];

/**
 * Whether a ticket is behind a figure of the period: the same rules as the counts above
 * (`escalated`: escalated in the period; `overdue`: resolved in it after its resolution deadline).
 */
export function isBehind(
  figure: DrillableFigure,
  t: Omit<FigureTicket, 'firstResponseBusinessMs' | 'times'>,
  period: Period,
): boolean {
  switch (figure) {
    case 'registered':
      return within(t.registeredAt, period);
    case 'accepted':
      return within(t.acceptedAt, period);
    case 'resolved':
      return within(t.resolvedAt, period);
    case 'closed':
      return within(t.closedAt, period);
    case 'reopened':
      return t.reopenings.some((at) => within(at, period));
    case 'backlog':
      return isBacklog(t);
    case 'escalated':
      return t.escalations.some((e) => within(e.at, period));
    case 'overdue':
      return within(t.resolvedAt, period) && t.resolutionDueAt !== null && t.resolvedAt! > t.resolutionDueAt;
  }
}

/** What one operator's tickets and offers went through, as recorded (the operator resolved by the repository). */
export interface OperatorMove {
  action: 'skipped' | 'reassigned' | 'returned_to_queue' | 'transferred';
  operator: string | null;
  reason: string | null;
}

export interface OperatorMoves {
  operator: string;
  skipped: number;
  /** Skips per reason given, most frequent first (ties by reason, none last). */
  skipReasons: { reason: string | null; count: number }[];
  reassignedAway: number;
  returnedToQueue: number;
  transferred: number;
}

/** Skips, reassignments, returns and transfers per operator, operators in order; moves of nobody's are left out. */
export function operatorMoves(moves: readonly OperatorMove[]): OperatorMoves[] {
  const byOperator = new Map<string, OperatorMoves & { reasons: Map<string | null, number> }>();
  for (const move of moves) {
    if (move.operator === null) continue;
    let row = byOperator.get(move.operator);
    if (!row) {
      row = {
        operator: move.operator,
        skipped: 0,
        skipReasons: [],
        reassignedAway: 0,
        returnedToQueue: 0,
        transferred: 0,
        reasons: new Map(),
      };
      byOperator.set(move.operator, row);
    }
    if (move.action === 'skipped') {
      row.skipped++;
      row.reasons.set(move.reason, (row.reasons.get(move.reason) ?? 0) + 1);
    } else if (move.action === 'reassigned') row.reassignedAway++;
    else if (move.action === 'returned_to_queue') row.returnedToQueue++;
    else row.transferred++;
  }
  return [...byOperator.values()]
    .sort((a, b) => a.operator.localeCompare(b.operator))
    .map(({ reasons, ...row }) => ({
      ...row,
      skipReasons: [...reasons.entries()]
        .sort(([a, x], [b, y]) => y - x || (a === null ? 1 : b === null ? -1 : a.localeCompare(b)))
        .map(([reason, count]) => ({ reason, count })),
    }));
}
