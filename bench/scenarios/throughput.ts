import { and, eq, inArray } from 'drizzle-orm';
import { tickets } from '../../src/db/schema';
import type { BenchEnvironment } from '../env';
import { ticketGenerator } from '../generator';
import { callApi, Outcomes } from '../http';
import type { BenchOptions } from '../options';
import { elapsedMs, runClosedLoop, summarize, type LatencySummary } from '../stats';
import { round, type FloorResult } from './floor';

export interface ThroughputResult {
  n: number;
  inFlight: number;
  seconds: number;
  /** Tickets registered and queued per second (POST /tickets answered 201). */
  perSecond: number;
  /** Tickets found queued in the database afterwards (must equal n). */
  queued: number;
  outcomes: ReturnType<Outcomes['toJSON']>;
  latencyMs: LatencySummary;
  floorShape: 'threeLocalActivitiesWorkflow';
  floorPerSecond: number | null;
  /** perSecond ÷ the floor's three-local-activity workflows per second in this run. */
  ratioToFloor: number | null;
}

/** Real tickets through the real HTTP API, `inFlight` at a time, each counted once queued. */
export async function runThroughput(
  env: BenchEnvironment,
  options: BenchOptions,
  floor: FloorResult | undefined,
): Promise<ThroughputResult> {
  const intake = await measureIntake(env, env.baseUrl, options, 'throughput');
  const floorPerSecond = floor?.shapes.threeLocalActivitiesWorkflow?.perSecond ?? null;
  return {
    n: options.n,
    inFlight: options.inFlight,
    ...intake,
    floorShape: 'threeLocalActivitiesWorkflow',
    floorPerSecond,
    ratioToFloor: floorPerSecond ? round(intake.perSecond / floorPerSecond, 3) : null,
  };
}

export type IntakeMeasure = Pick<ThroughputResult, 'seconds' | 'perSecond' | 'queued' | 'outcomes' | 'latencyMs'>;

/**
 * The closed-loop intake load against the API at `baseUrl`: a warm-up, then `options.n` tickets
 * `inFlight` at a time (seeded texts; another `stream` of the generator for each phase of one run).
 */
export async function measureIntake(
  env: BenchEnvironment,
  baseUrl: string,
  options: BenchOptions,
  label: string,
  stream = 1,
): Promise<IntakeMeasure> {
  const next = ticketGenerator(options.seed, stream);
  await runClosedLoop(options.warmup, options.inFlight, async () => {
    await callApi(baseUrl, 'POST', '/tickets', { body: next() });
  });
  const outcomes = new Outcomes();
  const ids: number[] = [];
  const latencies: number[] = [];
  const progress = env.progress(label, options.n);
  const started = process.hrtime.bigint();
  await runClosedLoop(options.n, options.inFlight, async () => {
    const t = process.hrtime.bigint();
    try {
      const { status, body } = await callApi(baseUrl, 'POST', '/tickets', { body: next() });
      outcomes.record(status, body);
      if (status === 201) latencies.push(elapsedMs(t));
      if (typeof body?.id === 'number') ids.push(body.id);
    } catch (error) {
      outcomes.record('error', error);
    }
    progress.tick();
  });
  const seconds = elapsedMs(started) / 1000;
  progress.done();
  return {
    seconds: round(seconds),
    perSecond: round(outcomes.count(201) / seconds),
    queued: await countQueued(env, ids),
    outcomes: outcomes.toJSON(),
    latencyMs: summarize(latencies),
  };
}

/** How many of these tickets the database shows waiting in a queue. */
export async function countQueued(env: BenchEnvironment, ids: number[]): Promise<number> {
  let queued = 0;
  for (let at = 0; at < ids.length; at += 10_000) {
    const rows = await env.desk.db
      .select({ id: tickets.id })
      .from(tickets)
      .where(and(inArray(tickets.id, ids.slice(at, at + 10_000)), eq(tickets.stage, 'queued')));
    queued += rows.length;
  }
  return queued;
}
