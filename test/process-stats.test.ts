import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ESCALATION_PROCESS_ID,
  EscalationElement as X,
  TICKET_PROCESS_ID,
  TicketElement as E,
} from '../src/domain/process';
import { RELATIVE_ERROR } from '../src/domain/duration-histogram';
import { elementStatistics } from '../src/repositories/process-stats';
import { loadProcessCatalog } from '../src/services/process-catalog';
import { startTestDesk } from './support/desk';
import { listen } from './support/http';
import { MIN, PERIOD, at, writeProcessFixture, type FixtureTicket } from './support/process-fixture';

type Desk = Awaited<ReturnType<typeof startTestDesk>>;

/** Statistics per element over the hand-made trails of test/support/process-fixture.ts. */
describe('process statistics on a fixture of known timestamps', () => {
  let desk: Desk;
  let call: Awaited<ReturnType<typeof listen>>['call'];
  let category: string;
  let ids: Record<FixtureTicket, number>;

  beforeAll(async () => {
    desk = await startTestDesk();
    ({ call } = await listen(desk.app));
    ({ category, ids } = await writeProcessFixture(desk.db));
  });

  afterAll(async () => {
    await desk?.stop();
  });

  const statistics = async (
    query: string,
    operator = 'sidorova',
    ofCategory = category,
    processId: string = TICKET_PROCESS_ID,
  ) => {
    const response = await call('GET', `/processes/${processId}/statistics?${PERIOD}&category=${ofCategory}${query}`, {
      operator,
    });
    expect(response.status, response.text).toBe(200);
    expect(response.body.percentiles).toBe('exact');
    return Object.fromEntries(response.body.elements.map((e: { elementId: string }) => [e.elementId, e]));
  };

  it('gives tickets now, visits, median and p90 per element, and breaches and escalations', async () => {
    const byElement = await statistics('');
    // queue: t1 10 min, t2 30 min, t3 still there; t4 entered before the period.
    expect(byElement[E.queue]).toEqual({
      elementId: E.queue,
      now: 1,
      visits: 3,
      medianMs: 20 * MIN,
      p90Ms: 28 * MIN,
      breaches: 1,
      escalations: 0,
    });
    // accept: t1 5 min, t2 30 min, t4 from 00:50 to the next day's 01:00 (24 h 10 min).
    const t4Accept = (24 * 60 + 10) * MIN;
    expect(byElement[E.accept]).toEqual({
      elementId: E.accept,
      now: 0,
      visits: 3,
      medianMs: 30 * MIN,
      p90Ms: 30 * MIN + 0.8 * (t4Accept - 30 * MIN),
      breaches: 0,
      escalations: 0,
    });
    // execute: t1 from the work record at 00:15 to the notice at 00:46 (two events, one visit); t2 and t4 are there now.
    expect(byElement[E.execute]).toEqual({
      elementId: E.execute,
      now: 2,
      visits: 2,
      medianMs: 31 * MIN,
      p90Ms: 31 * MIN,
      breaches: 0,
      escalations: 1,
    });
    expect(byElement[E.notify]).toMatchObject({ visits: 1, medianMs: 30_000, p90Ms: 30_000 });
    expect(byElement[E.survey]).toMatchObject({ visits: 1, medianMs: 73.5 * MIN });
    expect(byElement[E.closed]).toEqual({
      elementId: E.closed,
      now: 0,
      visits: 1,
      medianMs: null,
      p90Ms: null,
      breaches: 0,
      escalations: 0,
    });
    expect(byElement[E.reopen]).toEqual({
      elementId: E.reopen,
      now: 0,
      visits: 0,
      medianMs: null,
      p90Ms: null,
      breaches: 0,
      escalations: 0,
    });
    expect(Object.keys(byElement)).not.toContain('survey_outcome');
  });

  it('filters by queue and by client category', async () => {
    const repairs = await statistics('&queue=repairs');
    expect(repairs[E.queue]).toMatchObject({ now: 0, visits: 1, medianMs: 30 * MIN });
    expect(repairs[E.execute]).toMatchObject({ now: 1, visits: 1, medianMs: null, escalations: 1 });
    const wholesale = await statistics('&clientCategory=wholesale');
    expect(wholesale[E.queue]).toMatchObject({ now: 0, visits: 1, medianMs: 10 * MIN, breaches: 0 });
    expect(wholesale[E.execute]).toMatchObject({ now: 0, visits: 1, medianMs: 31 * MIN });
  });

  it('counts the breach of the day after in the next period, and nothing before the first event', async () => {
    const next = await call(
      'GET',
      `/processes/${TICKET_PROCESS_ID}/statistics?from=2020-01-02T00:00:00Z&to=2020-01-03T00:00:00Z&category=${category}`,
      { operator: 'ivanova' },
    );
    const execute = next.body.elements.find((e: { elementId: string }) => e.elementId === E.execute);
    expect(execute).toMatchObject({ visits: 1, medianMs: null, breaches: 1 });
    const before = await call(
      'GET',
      `/processes/${TICKET_PROCESS_ID}/statistics?from=2019-01-01T00:00:00Z&to=2019-06-01T00:00:00Z&category=${category}`,
      { operator: 'ivanova' },
    );
    expect(before.body.elements.every((e: { visits: number }) => e.visits === 0)).toBe(true);
  });

  it('keeps the visits of each process apart: an SLA event in between does not end a lifecycle visit', async () => {
    const lifecycle = await statistics('', 'sidorova', `${category}-sla`);
    // queue 00:00 → accept 00:30 (the SLA start at 00:05 is another diagram's step); accept 00:30 → execute 01:00.
    expect(lifecycle[E.queue]).toEqual({
      elementId: E.queue,
      now: 0,
      visits: 1,
      medianMs: 30 * MIN,
      p90Ms: 30 * MIN,
      breaches: 0,
      escalations: 0,
    });
    expect(lifecycle[E.accept]).toMatchObject({ visits: 1, medianMs: 30 * MIN });
    // The ticket is at execute in its lifecycle (the breach at 01:20 does not move it there).
    expect(lifecycle[E.execute]).toMatchObject({ now: 1, visits: 1, medianMs: null, breaches: 0 });
    const sla = await statistics('', 'sidorova', `${category}-sla`, ESCALATION_PROCESS_ID);
    // started and clock at 00:05 (0 ms at the start event), the clock until met at 00:30, met until the warning at 00:45, the warning until the breach at 01:20.
    expect(sla[X.started]).toMatchObject({ visits: 1, medianMs: 0 });
    expect(sla[X.clock]).toMatchObject({ visits: 1, medianMs: 25 * MIN });
    expect(sla[X.met]).toMatchObject({ visits: 1, medianMs: 15 * MIN });
    expect(sla[X.warning]).toMatchObject({ visits: 1, medianMs: 35 * MIN });
    expect(sla[X.breached]).toEqual({
      elementId: X.breached,
      now: 1,
      visits: 1,
      medianMs: null,
      p90Ms: null,
      breaches: 1,
      escalations: 0,
    });
    expect(Object.keys(sla)).not.toContain(E.queue);

    const trail = await call('GET', `/tickets/${ids.sla}/trail`, { operator: 'sidorova' });
    expect(trail.body.path).toEqual([E.queue, E.accept, E.execute]);
    expect(trail.body.visits.map((v: { durationMs: number | null }) => v.durationMs)).toEqual([
      30 * MIN,
      30 * MIN,
      null,
    ]);
    expect(trail.body.visits[2].events).toHaveLength(2);
    const slaTrail = await call('GET', `/tickets/${ids.sla}/trail?processId=${ESCALATION_PROCESS_ID}`, {
      operator: 'sidorova',
    });
    expect(slaTrail.body).toMatchObject({
      processId: ESCALATION_PROCESS_ID,
      current: X.breached,
      path: [X.started, X.clock, X.met, X.warning, X.breached],
    });
    expect((await call('GET', `/tickets/${ids.sla}/trail?processId=nope`, { operator: 'sidorova' })).status).toBe(404);

    const atExecute = await call(
      'GET',
      `/processes/${TICKET_PROCESS_ID}/elements/${E.execute}/tickets?category=${category}-sla`,
      { operator: 'sidorova' },
    );
    expect(atExecute.body).toEqual([expect.objectContaining({ id: ids.sla, since: '2020-01-01T02:00:00.000Z' })]);
    const atBreach = await call(
      'GET',
      `/processes/${ESCALATION_PROCESS_ID}/elements/${X.breached}/tickets?category=${category}-sla`,
      { operator: 'sidorova' },
    );
    expect(atBreach.body).toEqual([expect.objectContaining({ id: ids.sla, since: '2020-01-01T01:20:00.000Z' })]);
  });

  it('gives the same counts from the summary, and median and p90 within 2 % of the hand-computed ones', async () => {
    const processEntry = (await loadProcessCatalog()).find(TICKET_PROCESS_ID)!;
    const query = { from: at('01T00:00:00'), to: at('02T00:00:00'), category };
    const exact = await elementStatistics(desk.db, TICKET_PROCESS_ID, processEntry.recordedElementIds, query);
    const summary = await elementStatistics(desk.db, TICKET_PROCESS_ID, processEntry.recordedElementIds, query, {
      exactUpTo: 0,
    });
    expect(exact.percentiles).toBe('exact');
    expect(summary.percentiles).toBe('histogram');
    const t4Accept = (24 * 60 + 10) * MIN;
    const handComputed: Record<string, [number, number]> = {
      [E.queue]: [20 * MIN, 28 * MIN],
      [E.accept]: [30 * MIN, 30 * MIN + 0.8 * (t4Accept - 30 * MIN)],
      [E.execute]: [31 * MIN, 31 * MIN],
      [E.notify]: [30_000, 30_000],
    };
    for (const [elementId, [median, p90]] of Object.entries(handComputed)) {
      const byHistogram = summary.elements.find((e) => e.elementId === elementId)!;
      expect(Math.abs(byHistogram.medianMs! - median), elementId).toBeLessThanOrEqual(RELATIVE_ERROR * median + 0.5);
      expect(Math.abs(byHistogram.p90Ms! - p90), elementId).toBeLessThanOrEqual(RELATIVE_ERROR * p90 + 0.5);
    }
    expect(summary.elements.map(({ medianMs: _m, p90Ms: _p, ...counts }) => counts)).toEqual(
      exact.elements.map(({ medianMs: _m, p90Ms: _p, ...counts }) => counts),
    );
  });
});
