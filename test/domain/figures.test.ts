import { describe, expect, it } from 'vitest';
import {
  ageingBucket,
  isBehind,
  netPromoterScore,
  computeFigures,
  figuresByGroup,
  quantile,
  satisfactionIndex,
  operatorMoves,
  type FigureTicket,
} from '../../src/domain/figures';
import { figureDefinitions, figureNames } from '../../src/domain/figure-definitions';
import { figureSeries, seriesBuckets } from '../../src/domain/figure-series';

const at = (iso: string) => new Date(`${iso}Z`);
const HOUR = 3_600_000;
const period = { from: at('2026-01-01T00:00'), to: at('2026-01-08T00:00') };
const now = at('2026-01-10T00:00');

const ticket = (t: Partial<FigureTicket> & Pick<FigureTicket, 'registeredAt'>): FigureTicket => ({
  acceptedAt: null,
  resolvedAt: null,
  closedAt: null,
  stage: 'queued',
  channel: 'web',
  resolutionDueAt: null,
  reopenings: [],
  escalations: [],
  overdueReason: null,
  csat: null,
  nps: null,
  solvedLine: null,
  handedOn: false,
  firstResponseBusinessMs: null,
  times: null,
  workMinutes: 0,
  normMinutes: null,
  ...t,
});

// Hand-made: first responses 1, 3, 2, 6 h (accepted in the period); resolutions 5, 24, 10, 24 h.
const fixture: Record<string, FigureTicket> = {
  a: ticket({
    registeredAt: at('2026-01-01T00:00'),
    acceptedAt: at('2026-01-01T01:00'),
    resolvedAt: at('2026-01-01T05:00'),
    closedAt: at('2026-01-02T00:00'),
    resolutionDueAt: at('2026-01-01T08:00'),
    stage: 'closed',
    csat: 5,
    nps: 10,
    solvedLine: 1,
    workMinutes: 90,
    normMinutes: 60,
  }),
  b: ticket({
    registeredAt: at('2026-01-02T00:00'),
    acceptedAt: at('2026-01-02T03:00'),
    resolvedAt: at('2026-01-03T00:00'),
    resolutionDueAt: at('2026-01-02T12:00'),
    stage: 'awaiting_survey',
    channel: 'email',
    csat: 2,
    nps: 3,
    solvedLine: 1,
    // Work without a norm quoted: left out of actual/norm.
    workMinutes: 30,
    reopenings: [at('2026-01-03T05:00')],
    overdueReason: 'waiting_for_parts',
    escalations: [
      { at: at('2026-01-02T09:00'), level: 'level1' },
      { at: at('2026-01-02T11:00'), level: 'level2' },
    ],
  }),
  c: ticket({
    registeredAt: at('2026-01-03T00:00'),
    acceptedAt: at('2026-01-03T02:00'),
    resolvedAt: at('2026-01-03T10:00'),
    solvedLine: 2,
    workMinutes: 120,
    normMinutes: 60,
    stage: 'awaiting_survey',
    channel: 'email',
  }),
  d: ticket({ registeredAt: at('2026-01-05T00:00'), acceptedAt: at('2026-01-05T06:00'), stage: 'in_work' }),
  // Outside the period but in the backlog: 12 h and 21 days old.
  e: ticket({ registeredAt: at('2026-01-09T12:00'), channel: 'sms' }),
  f: ticket({ registeredAt: at('2025-12-20T00:00') }),
  // Registered and accepted before the period, resolved at its very start, closed after it; resolved exactly on its due time.
  g: ticket({
    registeredAt: at('2025-12-31T00:00'),
    acceptedAt: at('2025-12-31T04:00'),
    resolvedAt: at('2026-01-01T00:00'),
    resolutionDueAt: at('2026-01-01T00:00'),
    closedAt: at('2026-01-09T00:00'),
    stage: 'closed',
    channel: 'phone',
    csat: 4,
    nps: 9,
    solvedLine: 1,
    handedOn: true,
  }),
};

describe('managers’ figures', () => {
  it('publishes a definition in English and Russian for every figure', () => {
    for (const name of figureNames) {
      expect(figureDefinitions[name].en.length, name).toBeGreaterThan(10);
      expect(figureDefinitions[name].ru, name).toMatch(/[а-я]/);
    }
  });

  it('computes every figure of a period on hand-computed values', () => {
    const figures = computeFigures(Object.values(fixture), period, now);
    expect(figures).toEqual({
      registered: 4,
      accepted: 4,
      resolved: 4,
      closed: 1,
      reopened: 1,
      backlog: 3,
      backlogAgeing: { under1d: 1, from1to3d: 0, from3to7d: 1, over7d: 1 },
      registeredPerChannel: { api: 0, web: 2, email: 2, sms: 0, telegram: 0, phone: 0 },
      // 1, 2, 3, 6 h: median 2.5 h; p90 at rank 2.7: 3 + 0.7 × 3 = 5.1 h.
      firstResponse: { count: 4, medianMs: 2.5 * HOUR, p90Ms: 18_360_000 },
      // 5, 10, 24, 24 h: median 17 h, p90 24 h.
      resolution: { count: 4, medianMs: 17 * HOUR, p90Ms: 24 * HOUR },
      // The business times are counted on the record (ticketTimes) and none is given here.
      firstResponseBusiness: { count: 0, medianMs: null, p90Ms: null },
      firstResolutionBusiness: { count: 0, medianMs: null, p90Ms: null },
      resolutionBusiness: { count: 0, medianMs: null, p90Ms: null },
      waitingForClient: { count: 0, medianMs: null, p90Ms: null, totalMs: 0 },
      queueWaitBusiness: { count: 0, medianMs: null, p90Ms: null },
      perSupportLineBusiness: [],
      // a (90 of 60) and c (120 of 60); b has no norm: 210 / 120.
      workVsNorm: { tickets: 2, workMinutes: 210, normMinutes: 120, ratio: 1.75 },
      // a and g met (g exactly at the deadline), b missed, c had none: 2 of 3.
      slaAchievedPercent: 66.7,
      // 5, 2, 4 answered of 4 resolved.
      csatMean: 3.67,
      csatTop2BoxPercent: 66.7,
      surveyResponseRatePercent: 75,
      reopenRatePercent: 25,
      // 10 and 9 promote, 3 detracts: (2 − 1) / 3.
      npsScore: 33.3,
      npsResponses: 3,
      // 5, 2, 4 on 0–100: 100, 25, 75 → 66.7; one of three (2) negative.
      csi: 66.7,
      nrrPercent: 33.3,
      // a alone: b was reopened, c solved on the second line, g handed on.
      fcrPercent: 25,
      escalations: { level1: 1, level2: 1, level3: 0, manual: 0 },
      // b alone was resolved after its deadline.
      overdueByReason: [{ reason: 'waiting_for_parts', count: 1, percent: 100 }],
    });
  });

  it('aggregates the business times of the tickets resolved (first response: accepted) in the period', () => {
    const times = (resolutionH: number, waitH: number, queueH: number, lines: Record<number, number>) => ({
      firstResolutionMs: (resolutionH - 1) * HOUR,
      resolutionMs: resolutionH * HOUR,
      waitingForClientMs: waitH * HOUR,
      queueWaitMs: queueH * HOUR,
      perSupportLineMs: Object.fromEntries(Object.entries(lines).map(([line, h]) => [line, h * HOUR])),
    });
    const resolved = {
      stage: 'resolved',
      acceptedAt: at('2026-01-02T00:00'),
      resolvedAt: at('2026-01-03T00:00'),
    } as const;
    const figures = computeFigures(
      [
        ticket({
          registeredAt: at('2026-01-01T00:00'),
          ...resolved,
          firstResponseBusinessMs: 2 * HOUR,
          times: times(4, 0, 1, { 1: 4 }),
        }),
        ticket({
          registeredAt: at('2026-01-01T00:00'),
          ...resolved,
          firstResponseBusinessMs: 4 * HOUR,
          times: times(8, 10, 3, { 1: 2, 2: 6 }),
        }),
        ticket({
          registeredAt: at('2026-01-01T00:00'),
          ...resolved,
          firstResponseBusinessMs: 6 * HOUR,
          times: times(12, 20, 5, { 2: 12 }),
        }),
        // Accepted in the period, resolved after it: only its first response counts.
        ticket({
          registeredAt: at('2026-01-01T00:00'),
          acceptedAt: at('2026-01-02T00:00'),
          stage: 'in_work',
          firstResponseBusinessMs: 8 * HOUR,
        }),
      ],
      period,
      now,
    );
    // 2, 4, 6, 8 h: median 5 h; p90 at rank 2.7: 6 + 0.7 × 2 = 7.4 h.
    expect(figures.firstResponseBusiness).toEqual({ count: 4, medianMs: 5 * HOUR, p90Ms: 7.4 * HOUR });
    // 4, 8, 12 h: p90 at rank 1.8: 8 + 0.8 × 4 = 11.2 h.
    expect(figures.resolutionBusiness).toEqual({ count: 3, medianMs: 8 * HOUR, p90Ms: 11.2 * HOUR });
    expect(figures.firstResolutionBusiness).toEqual({ count: 3, medianMs: 7 * HOUR, p90Ms: 10.2 * HOUR });
    // Two of the three waited: 10 and 20 h.
    expect(figures.waitingForClient).toEqual({ count: 2, medianMs: 15 * HOUR, p90Ms: 19 * HOUR, totalMs: 30 * HOUR });
    // 1, 3, 5 h: p90 at rank 1.8: 3 + 0.8 × 2 = 4.6 h.
    expect(figures.queueWaitBusiness).toEqual({ count: 3, medianMs: 3 * HOUR, p90Ms: 16_560_000 });
    expect(figures.perSupportLineBusiness).toEqual([
      { supportLine: 1, count: 2, medianMs: 3 * HOUR, p90Ms: 3.8 * HOUR },
      { supportLine: 2, count: 2, medianMs: 9 * HOUR, p90Ms: 11.4 * HOUR },
    ]);
  });

  it('scores CSI on 0–100 and counts 1 and 2 as negative answers', () => {
    expect([satisfactionIndex([]), satisfactionIndex([1]), satisfactionIndex([3]), satisfactionIndex([5, 4])]).toEqual([
      null,
      0,
      50,
      87.5,
    ]);
  });

  it('counts skips with their reasons, reassignments, returns and transfers per operator', () => {
    expect(
      operatorMoves([
        { action: 'skipped', operator: 'petrov', reason: 'Нет компетенции' },
        { action: 'skipped', operator: 'petrov', reason: null },
        { action: 'skipped', operator: 'petrov', reason: 'Нет компетенции' },
        { action: 'skipped', operator: 'petrov', reason: 'Обед' },
        { action: 'reassigned', operator: 'ivanova', reason: 'Отпуск' },
        { action: 'returned_to_queue', operator: 'ivanova', reason: null },
        { action: 'transferred', operator: 'ivanova', reason: null },
        { action: 'transferred', operator: null, reason: null },
      ]),
    ).toEqual([
      { operator: 'ivanova', skipped: 0, skipReasons: [], reassignedAway: 1, returnedToQueue: 1, transferred: 1 },
      {
        operator: 'petrov',
        skipped: 4,
        skipReasons: [
          { reason: 'Нет компетенции', count: 2 },
          { reason: 'Обед', count: 1 },
          { reason: null, count: 1 },
        ],
        reassignedAway: 0,
        returnedToQueue: 0,
        transferred: 0,
      },
    ]);
  });

  it('excludes what happens exactly at the end of the period', () => {
    const edge = ticket({ registeredAt: period.to, acceptedAt: period.to, resolvedAt: period.to, stage: 'resolved' });
    const figures = computeFigures([edge], period, now);
    expect([figures.registered, figures.accepted, figures.resolved, figures.backlog]).toEqual([0, 0, 0, 0]);
  });

  it('gives nulls, not a division by zero, for an empty period', () => {
    const figures = computeFigures([], period, now);
    expect(figures.registered).toBe(0);
    expect(figures.firstResponse).toEqual({ count: 0, medianMs: null, p90Ms: null });
    expect(figures.resolution).toEqual({ count: 0, medianMs: null, p90Ms: null });
    expect([
      figures.slaAchievedPercent,
      figures.csatMean,
      figures.csatTop2BoxPercent,
      figures.surveyResponseRatePercent,
      figures.reopenRatePercent,
    ]).toEqual([null, null, null, null, null]);
  });

  it('without surveys: no CSAT, a response rate of 0 %; without deadlines: no SLA share', () => {
    const figures = computeFigures([fixture.c!], period, now);
    expect([figures.csatMean, figures.csatTop2BoxPercent, figures.surveyResponseRatePercent]).toEqual([null, null, 0]);
    expect(figures.slaAchievedPercent).toBeNull();
    expect(figures.reopenRatePercent).toBe(0);
  });

  it('ages the backlog with each lower bound inclusive', () => {
    const day = 24 * HOUR;
    expect([0, day - 1, day, 3 * day, 7 * day - 1, 7 * day].map(ageingBucket)).toEqual([
      'under1d',
      'under1d',
      'from1to3d',
      'from3to7d',
      'from3to7d',
      'over7d',
    ]);
  });

  it('scores NPS from −100 to 100: 7 and 8 are passive', () => {
    expect([
      netPromoterScore([]),
      netPromoterScore([9, 10]),
      netPromoterScore([0, 6]),
      netPromoterScore([7, 8]),
      netPromoterScore([10, 7, 6]),
    ]).toEqual([null, 100, -100, 0, 0]);
  });

  it('interpolates quantiles between ranks, as percentile_cont', () => {
    expect(quantile([10], 0.9)).toBe(10);
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([], 0.5)).toBeNull();
  });

  it('groups by a key, tickets without one last', () => {
    const groups = figuresByGroup(Object.values(fixture), (t) => (t.channel === 'sms' ? null : t.channel), period, now);
    expect(groups.map((g) => g.group)).toEqual(['email', 'phone', 'web', null]);
    const email = groups[0]!.figures;
    expect([email.registered, email.resolved, email.csatMean, email.surveyResponseRatePercent]).toEqual([2, 2, 2, 50]);
    expect(email.resolution).toEqual({ count: 2, medianMs: 17 * HOUR, p90Ms: 81_360_000 });
    expect(groups[3]!.figures.backlog).toBe(1);
  });
});

describe('figures over time and the tickets behind them', () => {
  it('cuts a period at local midnights, Mondays and firsts of the month of the desk’s zone', () => {
    // Moscow is UTC+3 all year: local midnight is 21:00 UTC the day before.
    const span = { from: at('2026-01-30T12:00'), to: at('2026-02-10T00:00') };
    const iso = (buckets: { from: Date; to: Date }[]) => buckets.map((b) => b.to.toISOString().slice(0, 16));
    const days = seriesBuckets(span, 'day', 'Europe/Moscow');
    // Local days 30 January to 10 February (03:00 Moscow time on the 10th).
    expect(days).toHaveLength(12);
    expect(days[0]!.from).toEqual(span.from);
    expect(iso(days).slice(0, 2)).toEqual(['2026-01-30T21:00', '2026-01-31T21:00']);
    expect(days.at(-1)!.to).toEqual(span.to);
    // 2026-02-02 is a Monday.
    expect(iso(seriesBuckets(span, 'week', 'Europe/Moscow'))).toEqual([
      '2026-02-01T21:00',
      '2026-02-08T21:00',
      '2026-02-10T00:00',
    ]);
    expect(iso(seriesBuckets(span, 'month', 'Europe/Moscow'))).toEqual(['2026-01-31T21:00', '2026-02-10T00:00']);
    // Across a DST change: Berlin's day of 2026-03-29 is 23 h long.
    const spring = seriesBuckets({ from: at('2026-03-28T23:00'), to: at('2026-03-30T22:00') }, 'day', 'Europe/Berlin');
    expect(spring.map((b) => (b.to.getTime() - b.from.getTime()) / HOUR)).toEqual([23, 24]);
  });

  it('gives each interval its figures and the backlog at its end', () => {
    const days = seriesBuckets(period, 'day', 'UTC');
    const series = figureSeries(Object.values(fixture), days, 2, now);
    expect(series).toHaveLength(7);
    // Open at the start: f and g (registered in December). Day 1: a in and out, g resolved; b open on day 2, resolved on day 3; d in on day 5.
    expect(series.map((d) => d.openAtEnd)).toEqual([1, 2, 1, 1, 2, 2, 2]);
    expect(series[0]).toMatchObject({ from: '2026-01-01T00:00:00.000Z', registered: 1, resolved: 2, accepted: 1 });
    // b: escalated twice and resolved late on day 2/3, reopened on day 3.
    expect(series[1]!.escalations).toEqual({ level1: 1, level2: 1, level3: 0, manual: 0 });
    expect(series[2]).toMatchObject({ reopened: 1, resolved: 2 });
    expect(series[2]!.overdueByReason).toEqual([{ reason: 'waiting_for_parts', count: 1, percent: 100 }]);
    const sum = (name: 'registered' | 'resolved' | 'reopened') => series.reduce((n, d) => n + d[name], 0);
    const whole = computeFigures(Object.values(fixture), period, now);
    expect([sum('registered'), sum('resolved'), sum('reopened')]).toEqual([
      whole.registered,
      whole.resolved,
      whole.reopened,
    ]);
  });

  it('puts a moment on an interval’s boundary in the later interval, and none outside the period', () => {
    const days = seriesBuckets(period, 'day', 'UTC');
    const edge = ticket({ registeredAt: at('2026-01-02T00:00'), resolvedAt: period.to, stage: 'resolved' });
    const series = figureSeries([edge], days, 0, now);
    expect(series.map((d) => d.registered)).toEqual([0, 1, 0, 0, 0, 0, 0]);
    expect(series.map((d) => d.resolved)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(series.at(-1)!.openAtEnd).toBe(1);
  });

  it('lists the tickets behind each count by the same rules', () => {
    const behind = (figure: Parameters<typeof isBehind>[0]) =>
      Object.entries(fixture)
        .filter(([, t]) => isBehind(figure, t, period))
        .map(([name]) => name);
    expect(behind('registered')).toEqual(['a', 'b', 'c', 'd']);
    expect(behind('resolved')).toEqual(['a', 'b', 'c', 'g']);
    expect(behind('backlog')).toEqual(['d', 'e', 'f']);
    expect(behind('overdue')).toEqual(['b']);
    expect(behind('escalated')).toEqual(['b']);
    expect(behind('reopened')).toEqual(['b']);
    const whole = computeFigures(Object.values(fixture), period, now);
    expect([behind('registered').length, behind('backlog').length, behind('closed').length]).toEqual([
      whole.registered,
      whole.backlog,
      whole.closed,
    ]);
  });
});
