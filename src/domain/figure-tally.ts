/**
 * The managers' figures from what the database counted (src/repositories/figure-tally.ts) rather
 * than from every ticket: counts, sums and, for each time, only the values at the ranks a median
 * and a 90th percentile read. The same rules as computeFigures (./figures), which stays the
 * definition; test/figure-tally.test.ts holds the two to the same answers.
 */
import { intakeChannels, type IntakeChannel } from './enums';
import {
  ageingBuckets,
  durationOfSorted,
  escalationLevels,
  netPromoterScoreOf,
  overdueByReasonOf,
  percent,
  satisfactionIndexOf,
  type AgeingBucket,
  type DurationFigure,
  type EscalationLevel,
  type Figures,
} from './figures';

/** Values as the database ranks them: how many, their sum, and those at the ranks (0-based, ascending) asked for. */
export interface RankedValues {
  count: number;
  total: number;
  byRank: Map<number, number>;
}

/** What the figures of one set of tickets (the desk, a group or an interval) are made of. */
export interface FigureTally {
  registeredPerChannel: Map<string, number>;
  closed: number;
  reopened: number;
  /** Tickets that left the backlog for good in the interval (figureSeries' doneAt). */
  done: number;
  backlogAgeing: Record<AgeingBucket, number>;
  /** Wall time to acceptance, over the tickets accepted: its count is `accepted`. */
  firstResponse: RankedValues;
  /** Wall time to resolution, over the tickets resolved: its count is `resolved`. */
  resolution: RankedValues;
  firstResponseBusiness: RankedValues;
  firstResolutionBusiness: RankedValues;
  resolutionBusiness: RankedValues;
  /** Over the resolved tickets that waited (more than 0 ms). */
  waitingForClient: RankedValues;
  queueWaitBusiness: RankedValues;
  perSupportLine: Map<number, RankedValues>;
  /** Resolved by the resolution deadline, and after it (tickets with one). */
  onTime: number;
  late: number;
  /** The late ones by recorded reason. */
  overdueReasons: Map<string | null, number>;
  /** Survey scores (1–5) of the resolved: how many, their sum, how many top-2-box, how many a complaint's. */
  csat: { answered: number; sum: number; topBox: number; complaints: number };
  /** 0–10 answers of the resolved: how many, promoters, detractors. */
  nps: { answered: number; promoters: number; detractors: number };
  /** Resolved tickets ever reopened; resolved first-contact resolutions. */
  reopenedEver: number;
  firstContact: number;
  /** Resolved tickets with a norm, their work and norm minutes. */
  normed: number;
  workMinutes: number;
  normMinutes: number;
  escalations: Record<EscalationLevel, number>;
}

const ranked = (): RankedValues => ({ count: 0, total: 0, byRank: new Map() });

export function emptyTally(): FigureTally {
  return {
    registeredPerChannel: new Map(),
    closed: 0,
    reopened: 0,
    done: 0,
    backlogAgeing: Object.fromEntries(ageingBuckets.map((b) => [b, 0])) as Record<AgeingBucket, number>,
    firstResponse: ranked(),
    resolution: ranked(),
    firstResponseBusiness: ranked(),
    firstResolutionBusiness: ranked(),
    resolutionBusiness: ranked(),
    waitingForClient: ranked(),
    queueWaitBusiness: ranked(),
    perSupportLine: new Map(),
    onTime: 0,
    late: 0,
    overdueReasons: new Map(),
    csat: { answered: 0, sum: 0, topBox: 0, complaints: 0 },
    nps: { answered: 0, promoters: 0, detractors: 0 },
    reopenedEver: 0,
    firstContact: 0,
    normed: 0,
    workMinutes: 0,
    normMinutes: 0,
    escalations: Object.fromEntries(escalationLevels.map((l) => [l, 0])) as Record<EscalationLevel, number>,
  };
}

/** A duration figure from ranked values; a rank the quantiles read and the database did not give is a fault. */
function durationOf(values: RankedValues): DurationFigure {
  return durationOfSorted(values.count, (rank) => {
    const value = values.byRank.get(rank);
    if (value === undefined) throw new Error(`figure tally: no value at rank ${rank} of ${values.count}`);
    return value;
  });
}

/** The figures of a tally, as computeFigures gives them over the same tickets. */
export function figuresOfTally(tally: FigureTally): Figures {
  const registeredPerChannel = Object.fromEntries(intakeChannels.map((c) => [c, 0])) as Record<IntakeChannel, number>;
  for (const [channel, count] of tally.registeredPerChannel) registeredPerChannel[channel as IntakeChannel] = count;
  const registered = [...tally.registeredPerChannel.values()].reduce((a, b) => a + b, 0);
  const resolved = tally.resolution.count;
  const { answered } = tally.csat;
  return {
    registered,
    accepted: tally.firstResponse.count,
    resolved,
    closed: tally.closed,
    reopened: tally.reopened,
    backlog: Object.values(tally.backlogAgeing).reduce((a, b) => a + b, 0),
    backlogAgeing: { ...tally.backlogAgeing },
    registeredPerChannel,
    firstResponse: durationOf(tally.firstResponse),
    resolution: durationOf(tally.resolution),
    firstResponseBusiness: durationOf(tally.firstResponseBusiness),
    firstResolutionBusiness: durationOf(tally.firstResolutionBusiness),
    resolutionBusiness: durationOf(tally.resolutionBusiness),
    waitingForClient: { ...durationOf(tally.waitingForClient), totalMs: tally.waitingForClient.total },
    queueWaitBusiness: durationOf(tally.queueWaitBusiness),
    perSupportLineBusiness: [...tally.perSupportLine.entries()]
      .sort(([a], [b]) => a - b)
      .map(([supportLine, values]) => ({ supportLine, ...durationOf(values) })),
    workVsNorm: {
      tickets: tally.normed,
      workMinutes: tally.workMinutes,
      normMinutes: tally.normMinutes,
      ratio: tally.normMinutes === 0 ? null : Math.round((tally.workMinutes / tally.normMinutes) * 100) / 100,
    },
    slaAchievedPercent: percent(tally.onTime, tally.onTime + tally.late),
    csatMean: answered === 0 ? null : Math.round((tally.csat.sum / answered) * 100) / 100,
    csatTop2BoxPercent: percent(tally.csat.topBox, answered),
    surveyResponseRatePercent: percent(answered, resolved),
    reopenRatePercent: percent(tally.reopenedEver, resolved),
    npsScore: netPromoterScoreOf(tally.nps.promoters, tally.nps.detractors, tally.nps.answered),
    npsResponses: tally.nps.answered,
    csi: satisfactionIndexOf(tally.csat.sum, answered),
    nrrPercent: percent(tally.csat.complaints, answered),
    fcrPercent: percent(tally.firstContact, resolved),
    escalations: { ...tally.escalations },
    overdueByReason: overdueByReasonOf(tally.overdueReasons),
  };
}
