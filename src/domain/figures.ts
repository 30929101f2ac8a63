/**
 * Managers' figures over a period (DOMAIN.md, "What managers look at"; issue #14): pure rules over
 * rows of tickets. Each figure's published definition is in ./figure-definitions, so the API's
 * description and any page showing the number say the same thing; by interval, ./figure-series.
 * Times are wall time, and business time on the servicing team's calendar where the name says so
 * (./ticket-times).
 */
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
  const sorted = [...values].sort((a, b) => a - b);
  return quantileOfSorted(sorted.length, q, (rank) => sorted[rank]!);
}

/** The q-quantile of `count` values in order, each read by its rank (0-based) with `valueAt`: only two are read. */
export function quantileOfSorted(count: number, q: number, valueAt: (rank: number) => number): number | null {
  if (count === 0) return null;
  const rank = q * (count - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return valueAt(low) + (valueAt(high) - valueAt(low)) * (rank - low);
}

/** A duration figure of `count` values in order, read by rank as quantileOfSorted reads them. */
export function durationOfSorted(count: number, valueAt: (rank: number) => number): DurationFigure {
  const round = (v: number | null) => (v === null ? null : Math.round(v));
  return {
    count,
    medianMs: round(quantileOfSorted(count, 0.5, valueAt)),
    p90Ms: round(quantileOfSorted(count, 0.9, valueAt)),
  };
}

function durations(values: readonly number[]): DurationFigure {
  const sorted = [...values].sort((a, b) => a - b);
  return durationOfSorted(sorted.length, (rank) => sorted[rank]!);
}

/** Open now: neither resolved nor closed (a reopened ticket is open again). */
export const backlogStages: readonly TicketStage[] = ['registering', 'queued', 'in_work', 'waiting_for_client'];
export const isBacklog = (t: Pick<FigureTicket, 'stage'>) => backlogStages.includes(t.stage);

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
    csatTop2BoxPercent: percent(scores.filter((s) => s >= CSAT_TOP_BOX_AT_LEAST).length, scores.length),
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

/** The survey's bounds: a top-2-box score (of 1–5), an NPS promoter and detractor (of 0–10). */
export const CSAT_TOP_BOX_AT_LEAST = 4;
export const NPS_PROMOTER_AT_LEAST = 9;
export const NPS_DETRACTOR_AT_MOST = 6;

/** Promoters (9–10) minus detractors (0–6), in points to one decimal; null for no answer. */
export function netPromoterScore(answers: readonly number[]): number | null {
  return netPromoterScoreOf(
    answers.filter((a) => a >= NPS_PROMOTER_AT_LEAST).length,
    answers.filter((a) => a <= NPS_DETRACTOR_AT_MOST).length,
    answers.length,
  );
}

/** netPromoterScore from its counts. */
export function netPromoterScoreOf(promoters: number, detractors: number, answers: number): number | null {
  if (answers === 0) return null;
  return Math.round(((promoters - detractors) / answers) * 1000) / 10;
}

/** CSI: each 1–5 score on 0–100, averaged, to one decimal; null for no answer. */
export function satisfactionIndex(scores: readonly number[]): number | null {
  return satisfactionIndexOf(
    scores.reduce((sum, s) => sum + s, 0),
    scores.length,
  );
}

/**
 * satisfactionIndex from the sum of the scores and their number: each score's points,
 * (score − 1) / 4 × 100, are 25 × (score − 1) exactly, so their sum is 25 × (sum − answers).
 */
export function satisfactionIndexOf(scoreSum: number, answers: number): number | null {
  if (answers === 0) return null;
  return Math.round(((25 * (scoreSum - answers)) / answers) * 10) / 10;
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
  return overdueByReasonOf(counts);
}

/** overdueByReason over the overdue tickets counted by reason. */
export function overdueByReasonOf(counts: ReadonlyMap<string | null, number>): Figures['overdueByReason'] {
  const overdue = [...counts.values()].reduce((a, b) => a + b, 0);
  return [...counts.entries()]
    .sort(([a, x], [b, y]) => y - x || byGroupKey(a, b))
    .map(([reason, count]) => ({ reason, count, percent: percent(count, overdue)! }));
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
    .sort(([a], [b]) => byGroupKey(a, b))
    .map(([group, members]) => ({ group, figures: computeFigures(members, period, now) }));
}

/** The order of groups: by key, none last. */
export const byGroupKey = (a: string | null, b: string | null) =>
  a === null ? 1 : b === null ? -1 : a.localeCompare(b);

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
