import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clients, queues, ticketEvents, tickets } from '../src/db/schema';
import {
  ESCALATION_PROCESS_ID,
  EscalationElement as X,
  processOfElement,
  TICKET_PROCESS_ID,
  TicketElement as E,
} from '../src/domain/process';
import { RELATIVE_ERROR } from '../src/domain/duration-histogram';
import { elementStatistics } from '../src/repositories/process-stats';
import { loadProcessCatalog } from '../src/services/process-catalog';
import { startTestDesk } from './support/desk';
import { listen } from './support/http';

type Desk = Awaited<ReturnType<typeof startTestDesk>>;

const MIN = 60_000;
/** `DDThh:mm:ss` in January 2020, or a whole date-time. */
const at = (time: string) => new Date(time.includes('-') ? `${time}Z` : `2020-01-${time}Z`);
const PERIOD = `from=${encodeURIComponent('2020-01-01T00:00:00Z')}&to=${encodeURIComponent('2020-01-02T00:00:00Z')}`;

/**
 * Tickets with hand-made trails (rows written straight into ticket_events), and the figures
 * the statistics must give for them, worked out by hand below.
 */
describe('process statistics on a fixture of known timestamps', () => {
  let desk: Desk;
  let call: Awaited<ReturnType<typeof listen>>['call'];
  const category = `fixture-${randomUUID().slice(0, 8)}`;
  const ids: Record<'t1' | 't2' | 't3' | 't4' | 'other' | 'sla', number> = {
    t1: 0,
    t2: 0,
    t3: 0,
    t4: 0,
    other: 0,
    sla: 0,
  };

  beforeAll(async () => {
    desk = await startTestDesk();
    ({ call } = await listen(desk.app));
    const db = desk.db;
    const [wholesale] = await db.select().from(clients).where(eq(clients.phone, '+74951234567'));
    const [regular] = await db.select().from(clients).where(eq(clients.phone, '+79161234567'));
    const [general] = await db.select().from(queues).where(eq(queues.code, 'general'));
    const [repairs] = await db.select().from(queues).where(eq(queues.code, 'repairs'));
    const ticket = async (
      key: keyof typeof ids,
      values: {
        stage: 'queued' | 'in_work' | 'closed';
        queueId: number;
        clientId: number;
        category?: string;
        assigneeId?: string;
      },
      trail: [string, string, string, string?][],
    ) => {
      const [{ id }] = (await db.execute(sql`select nextval('ticket_number_seq')::int as id`)) as unknown as [
        { id: number },
      ];
      ids[key] = id;
      await db.insert(tickets).values({
        id,
        workflowId: `fixture-${id}`,
        channel: 'api',
        subject: `Fixture ${key}`,
        description: 'fixture',
        category,
        createdAt: at(trail[0]![0]),
        ...values,
      });
      await db.insert(ticketEvents).values(
        trail.map(([time, elementId, action, actor], n) => ({
          ticketId: id,
          processId: processOfElement(elementId),
          elementId,
          action,
          actor: actor ?? null,
          dedupeKey: `${n}`,
          at: at(time),
        })),
      );
    };
    await ticket('t1', { stage: 'closed', queueId: general!.id, clientId: wholesale!.id, assigneeId: 'ivanova' }, [
      ['01T00:00:00', E.queue, 'queued'],
      ['01T00:10:00', E.accept, 'accepted', 'ivanova'],
      ['01T00:15:00', E.execute, 'work_recorded', 'ivanova'],
      ['01T00:45:00', E.execute, 'resolved', 'ivanova'],
      ['01T00:46:00', E.notify, 'notified'],
      ['01T00:46:30', E.survey, 'survey_requested'],
      ['01T02:00:00', E.survey, 'survey_answered'],
      ['01T02:00:00', E.closed, 'closed'],
    ]);
    await ticket('t2', { stage: 'in_work', queueId: repairs!.id, clientId: regular!.id, assigneeId: 'petrov' }, [
      ['01T00:00:00', E.queue, 'queued'],
      ['01T00:30:00', E.accept, 'accepted', 'petrov'],
      ['01T01:00:00', E.execute, 'work_recorded', 'petrov'],
      ['01T01:30:00', E.execute, 'escalated', 'petrov'],
    ]);
    await ticket('t3', { stage: 'queued', queueId: general!.id, clientId: regular!.id }, [
      ['01T00:20:00', E.queue, 'queued'],
      ['01T00:40:00', E.queue, 'sla_breached'],
    ]);
    // Queued the day before the period, accepted in it, worked the day after it.
    await ticket('t4', { stage: 'in_work', queueId: general!.id, clientId: regular!.id, assigneeId: 'ivanova' }, [
      ['2019-12-31T23:00:00', E.queue, 'queued'],
      ['01T00:50:00', E.accept, 'accepted', 'ivanova'],
      ['02T01:00:00', E.execute, 'work_recorded', 'ivanova'],
      ['02T02:00:00', E.execute, 'sla_breached'],
    ]);
    // The lifecycle with SLA events in between (a category of its own): they are steps of the other diagram.
    await ticket(
      'sla',
      {
        stage: 'in_work',
        queueId: general!.id,
        clientId: regular!.id,
        category: `${category}-sla`,
        assigneeId: 'ivanova',
      },
      [
        ['01T00:00:00', E.queue, 'queued'],
        ['01T00:05:00', X.started, 'sla_started'],
        ['01T00:05:00', X.clock, 'clock_started'],
        ['01T00:30:00', E.accept, 'accepted', 'ivanova'],
        ['01T00:30:00', X.met, 'sla_met'],
        ['01T00:45:00', X.warning, 'sla_warned'],
        ['01T01:00:00', E.execute, 'work_recorded', 'ivanova'],
        ['01T01:20:00', X.breached, 'sla_breached'],
        ['01T02:00:00', E.execute, 'work_recorded', 'ivanova'],
      ],
    );
    await ticket(
      'other',
      {
        stage: 'in_work',
        queueId: general!.id,
        clientId: regular!.id,
        category: `${category}-other`,
        assigneeId: 'ivanova',
      },
      [
        ['01T00:00:00', E.queue, 'queued'],
        ['01T00:01:00', E.accept, 'accepted', 'ivanova'],
      ],
    );
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

  it('lists the tickets now at an element: summaries for operators, subject and client for managers', async () => {
    const asOperator = await call(
      'GET',
      `/processes/${TICKET_PROCESS_ID}/elements/${E.execute}/tickets?category=${category}`,
      { operator: 'ivanova' },
    );
    expect(asOperator.status).toBe(200);
    expect(asOperator.body.map((t: { id: number }) => t.id)).toEqual([ids.t2, ids.t4]);
    expect(asOperator.body[0]).not.toHaveProperty('subject');
    expect(asOperator.body[0]).not.toHaveProperty('clientName');
    expect(asOperator.body[0]).toMatchObject({ stage: 'in_work', since: '2020-01-01T01:30:00.000Z' });
    const asManager = await call(
      'GET',
      `/processes/${TICKET_PROCESS_ID}/elements/${E.execute}/tickets?category=${category}`,
      { operator: 'sidorova' },
    );
    expect(asManager.body[0]).toMatchObject({ id: ids.t2, subject: 'Fixture t2', clientName: 'Ольга Кузнецова' });
  });

  it("gives a ticket's trail: path, current element and visits with who, when and how long", async () => {
    const trail = await call('GET', `/tickets/${ids.t1}/trail`, { operator: 'petrov' });
    expect(trail.status).toBe(200);
    expect(trail.body).toMatchObject({
      ticketId: ids.t1,
      processId: TICKET_PROCESS_ID,
      stage: 'closed',
      current: E.closed,
    });
    expect(trail.body.path).toEqual([E.queue, E.accept, E.execute, E.notify, E.survey, E.closed]);
    expect(trail.body.visits.map((v: { durationMs: number | null }) => v.durationMs)).toEqual([
      10 * MIN,
      5 * MIN,
      31 * MIN,
      30_000,
      73.5 * MIN,
      null,
    ]);
    expect(trail.body.visits[2]).toMatchObject({
      elementId: E.execute,
      actors: ['ivanova'],
      enteredAt: '2020-01-01T00:15:00.000Z',
    });
    expect(trail.body.visits[2].events).toHaveLength(2);
  });

  it('refuses bad requests with the field named, unknown processes and anonymous callers', async () => {
    const reversed = await call(
      'GET',
      `/processes/${TICKET_PROCESS_ID}/statistics?from=2020-01-02T00:00:00Z&to=2020-01-01T00:00:00Z`,
      { operator: 'ivanova' },
    );
    expect(reversed.status).toBe(400);
    expect(reversed.body.message).toMatch(/querystring\.from/);
    const badCategory = await call('GET', `/processes/${TICKET_PROCESS_ID}/statistics?clientCategory=vip`, {
      operator: 'ivanova',
    });
    expect(badCategory.status).toBe(400);
    expect(badCategory.body.message).toMatch(/clientCategory/);
    const badDate = await call('GET', `/processes/${TICKET_PROCESS_ID}/statistics?from=yesterday`, {
      operator: 'ivanova',
    });
    expect(badDate.status).toBe(400);
    expect((await call('GET', '/processes/nope/statistics', { operator: 'ivanova' })).status).toBe(404);
    expect(
      (await call('GET', `/processes/${TICKET_PROCESS_ID}/elements/nope/tickets`, { operator: 'ivanova' })).status,
    ).toBe(404);
    expect((await call('GET', `/processes/${TICKET_PROCESS_ID}/statistics`)).status).toBe(401);
  });

  it('lists the processes and serves their XML', async () => {
    const list = await call('GET', '/processes');
    expect(list.body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          id: TICKET_PROCESS_ID,
          file: 'ticket.bpmn',
          name: 'Жизненный цикл заявки / Ticket lifecycle',
        }),
      ]),
    );
    const ticketProcess = list.body.find((p: { id: string }) => p.id === TICKET_PROCESS_ID);
    expect(ticketProcess.elementIds).toContain(E.handleComplaint);
    expect(ticketProcess.elementIds).not.toContain('survey_outcome');
    const xml = await call('GET', `/processes/${TICKET_PROCESS_ID}/xml`);
    expect(xml.status).toBe(200);
    expect(xml.text).toContain('<bpmn:process id="ticket_lifecycle"');
  });
});
