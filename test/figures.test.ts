/**
 * Managers' figures (#14) against the real desk: tickets registered, accepted, resolved,
 * reopened and surveyed through the API, the figures read back from `GET /figures`.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operators } from '../src/db/schema';
import { startTestDesk } from './support/desk';
import { listen } from './support/http';
import { sampleTickets, ticketDriver } from './support/tickets';

describe('GET /figures', () => {
  let desk: Awaited<ReturnType<typeof startTestDesk>>;
  let call: Awaited<ReturnType<typeof listen>>['call'];
  let driver: ReturnType<typeof ticketDriver>;
  const start = new Date();
  const operator = `figures-${start.getTime()}`;
  const period = () => `from=${start.toISOString()}&to=${new Date(start.getTime() + 3_600_000).toISOString()}`;
  const figures = async (query: string) => {
    const response = await call('GET', `/figures?${query}`, { operator: 'sidorova' });
    expect(response.status, response.text).toBe(200);
    return response.body;
  };

  beforeAll(async () => {
    desk = await startTestDesk();
    ({ call } = await listen(desk.app));
    driver = ticketDriver(desk, call);
    // An operator of this file's own, in ivanova's groups: other test files share the database and the period.
    await desk.db.insert(operators).values({ id: operator, name: operator, role: 'operator' });
    await desk.db.execute(sql`
      insert into operator_group_members (operator_id, group_id)
      select ${operator}, group_id from operator_group_members where operator_id = 'ivanova'`);
  });
  afterAll(() => desk?.stop());

  it('counts, times, SLA, CSAT and reopenings of the period, for the desk and per operator', async () => {
    const backlogBefore = (await figures(period())).total.backlog;
    const resolvedTicket = async (ticket: (typeof sampleTickets)[keyof typeof sampleTickets]) => {
      const id = await driver.register(ticket);
      await driver.accept(id, operator);
      await driver.resolve(id, operator);
      return id;
    };
    const happy = await resolvedTicket(sampleTickets.router);
    await driver.answer(happy, { csat: 5 });
    const fair = await resolvedTicket(sampleTickets.router);
    await driver.answer(fair, { csat: 3 });
    const reopened = await resolvedTicket(sampleTickets.router);
    await driver.reopenAsOperator(reopened, operator);
    await driver.reaches(reopened, 'in_work');
    await driver.resolve(reopened, operator);
    await driver.reaches(reopened, 'awaiting_survey');
    const waiting = await driver.register(sampleTickets.router);
    const inWork = await driver.register(sampleTickets.router);
    await driver.accept(inWork, operator);
    await driver.reaches(waiting, 'queued');
    // The ticket left in the queue has no operator: it is grouped under none.

    const { total, from, to } = await figures(period());
    expect([from, to]).toEqual([start.toISOString(), new Date(start.getTime() + 3_600_000).toISOString()]);
    // The desk as a whole holds at least these (other files' tickets may share the period).
    expect(total.registered).toBeGreaterThanOrEqual(5);
    expect(total.backlog).toBeGreaterThanOrEqual(backlogBefore + 2);
    expect(total.registeredPerChannel.api).toBeGreaterThanOrEqual(5);

    const byOperator = await figures(`${period()}&groupBy=operator`);
    expect(byOperator.groupBy).toBe('operator');
    const own = byOperator.groups.find((g: { group: string | null }) => g.group === operator).figures;
    expect(own).toMatchObject({
      registered: 4,
      accepted: 4,
      resolved: 3,
      // Answering the survey closes a ticket; the other two await theirs; only the one in work is open.
      closed: 2,
      reopened: 1,
      backlog: 1,
      backlogAgeing: { under1d: 1, from1to3d: 0, from3to7d: 0, over7d: 0 },
      registeredPerChannel: expect.objectContaining({ api: 4 }),
      csatMean: 4,
      csatTop2BoxPercent: 50,
      surveyResponseRatePercent: 66.7,
      reopenRatePercent: 33.3,
    });

    // The times and the SLA share, recomputed here from the ticket rows, at the millisecond the API reads them at, half a millisecond rounded up as Math.round does.
    const [expected] = await desk.db.execute<{ firstResponse: number; resolution: number; sla: number | null }>(sql`
      select (select round(percentile_cont(0.5) within group (order by extract(epoch from date_trunc('milliseconds', accepted_at) - date_trunc('milliseconds', created_at)) * 1000)::numeric)
                from tickets where assignee_id = ${operator}) as "firstResponse",
             (select round(percentile_cont(0.5) within group (order by extract(epoch from date_trunc('milliseconds', resolved_at) - date_trunc('milliseconds', created_at)) * 1000)::numeric)
                from tickets where assignee_id = ${operator} and resolved_at is not null) as resolution,
             (select round(100.0 * count(*) filter (where date_trunc('milliseconds', resolved_at) <= date_trunc('milliseconds', resolution_due_at)) / nullif(count(*), 0), 1)
                from tickets where assignee_id = ${operator} and resolved_at is not null and resolution_due_at is not null) as sla`);
    expect(own.firstResponse).toMatchObject({ count: 4, medianMs: Number(expected!.firstResponse) });
    expect(own.resolution).toMatchObject({ count: 3, medianMs: Number(expected!.resolution) });
    // Resolved within seconds of deadlines hours away.
    expect([own.slaAchievedPercent, Number(expected!.sla)]).toEqual([100, 100]);
  });

  it('an empty period gives zeros and nulls', async () => {
    const { total } = await figures('from=2001-01-01T00:00:00Z&to=2001-02-01T00:00:00Z');
    expect(total).toMatchObject({
      registered: 0,
      resolved: 0,
      firstResponse: { count: 0, medianMs: null, p90Ms: null },
      slaAchievedPercent: null,
      csatMean: null,
      surveyResponseRatePercent: null,
      reopenRatePercent: null,
    });
  });

  it('refuses a bad period or grouping with a 400 naming the parameter', async () => {
    const refusal = async (query: string) => {
      const response = await call('GET', `/figures?${query}`, { operator: 'sidorova' });
      expect(response.status, query).toBe(400);
      return response.body.message as string;
    };
    expect(await refusal('to=2026-01-02T00:00:00Z')).toMatch(/from/);
    expect(await refusal('from=2026-01-01&to=2026-01-02T00:00:00Z')).toMatch(/from/);
    expect(await refusal('from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z')).toMatch(/querystring\.to/);
    expect(await refusal('from=2026-01-01T23:59:60Z&to=2026-01-03T00:00:00Z')).toMatch(/querystring\.from/);
    expect(await refusal('from=2025-01-01T00:00:00Z&to=2026-01-03T00:00:00Z')).toMatch(/querystring\.to.*366 days/);
    expect(await refusal('from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z&groupBy=client')).toMatch(/groupBy/);
  });

  it('is for staff only', async () => {
    expect((await call('GET', `/figures?${period()}`)).status).toBe(401);
  });
});
