/**
 * Managers' figures (#14) against the real desk: tickets registered, accepted, resolved,
 * reopened and surveyed through the API, the figures read back from `GET /figures`.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operators } from '../src/db/schema';
import { figureTicketsSql } from '../src/repositories/figures';
import { startTestDesk } from './support/desk';
import { listen } from './support/http';
import { sampleTickets, ticketDriver } from './support/tickets';

describe('GET /figures', () => {
  let desk: Awaited<ReturnType<typeof startTestDesk>>;
  let call: Awaited<ReturnType<typeof listen>>['call'];
  let address: string;
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
    ({ call, address } = await listen(desk.app));
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
    await driver.answer(happy, { csat: 5, nps: 10 });
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
    const ownGroup = byOperator.groups.find((g: { group: string | null }) => g.group === operator);
    // The operator's load now: the one in work, no offer, the default limit.
    expect(ownGroup.load).toEqual({ held: 1, offered: 0, limit: 5 });
    const own = ownGroup.figures;
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
      // One answer to the optional 0–10 question: a promoter.
      npsScore: 100,
      npsResponses: 1,
      // All three on the first line; the reopened one is not a first-contact resolution.
      fcrPercent: 66.7,
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

  it('filters, a series per day, escalations, overdue reasons, drill-down and CSV agree with the totals', async () => {
    const mine = `${period()}&operator=${operator}`;
    const escalated = await driver.register(sampleTickets.router);
    await driver.accept(escalated, operator);
    const escalation = await call('POST', `/tickets/${escalated}/escalate`, {
      operator,
      body: { reason: 'Нужна вторая линия / Needs the second line' },
    });
    expect(escalation.status, escalation.text).toBe(200);
    // Escalated by hand: to the second line's queue, with no assignee (so not among this operator's tickets now).
    const [moved] = await desk.db.execute<{ assignee: string | null; line: number; escalations: number }>(sql`
      select assignee_id as assignee, support_line as line,
             (select count(*)::int from ticket_events where ticket_id = ${escalated} and action = 'sla_escalated') as escalations
      from tickets where id = ${escalated}`);
    // Resolved late on the record: a deadline in the past and a recorded reason (set here on the row).
    const late = await driver.register(sampleTickets.router);
    await driver.accept(late, operator);
    await driver.resolve(late, operator);
    await desk.db.execute(sql`
      update tickets set resolution_due_at = resolved_at - interval '1 minute', overdue_reason = 'figures-test-parts'
      where id = ${late}`);

    const filtered = await figures(`${mine}&interval=day&channel=api`);
    expect(filtered.filters).toEqual({ operator, channel: 'api' });
    expect(filtered.timeZone).toBe('Europe/Moscow');
    expect(filtered.total.escalations.manual).toBe(moved!.assignee === operator ? 1 : 0);
    expect(moved!.escalations).toBe(1);
    const onLine = await figures(`${period()}&supportLine=${moved!.line}`);
    expect(onLine.total.escalations.manual).toBeGreaterThanOrEqual(1);
    expect(filtered.total.overdueByReason).toEqual([{ reason: 'figures-test-parts', count: 1, percent: 100 }]);
    // The hour of the period lies in one or two Moscow days; the series adds up to the totals.
    expect(filtered.series.length).toBeGreaterThanOrEqual(1);
    const sum = (name: string) => filtered.series.reduce((n: number, d: any) => n + d[name], 0);
    expect([sum('registered'), sum('resolved'), sum('reopened')]).toEqual([
      filtered.total.registered,
      filtered.total.resolved,
      filtered.total.reopened,
    ]);
    expect(filtered.series.at(-1).openAtEnd).toBe(filtered.total.backlog);
    // An operator of nobody: nothing.
    expect((await figures(`${period()}&operator=nobody-${start.getTime()}`)).total.registered).toBe(0);
    expect((await figures(`${mine}&channel=email`)).total.registered).toBe(0);

    // The tickets behind the counts: the same numbers; subjects for a manager only.
    const behind = async (figure: string, who: string) => {
      const response = await call('GET', `/figures/tickets?${mine}&figure=${figure}`, { operator: who });
      expect(response.status, response.text).toBe(200);
      return response.body;
    };
    const registered = await behind('registered', 'sidorova');
    expect(registered.total).toBe(filtered.total.registered);
    expect(registered.tickets.map((t: { id: number }) => t.id)).toContain(late);
    expect(registered.tickets[0].subject).toBeTypeOf('string');
    const blind = await behind('registered', 'ivanova');
    expect(blind.total).toBe(registered.total);
    expect(blind.tickets[0]).not.toHaveProperty('subject');
    expect(blind.tickets[0]).not.toHaveProperty('clientName');
    expect((await behind('overdue', 'sidorova')).tickets.map((t: { id: number }) => t.id)).toEqual([late]);
    const escalatedOnLine = await call(
      'GET',
      `/figures/tickets?${period()}&supportLine=${moved!.line}&figure=escalated`,
      {
        operator: 'sidorova',
      },
    );
    expect(escalatedOnLine.body.tickets.map((t: { id: number }) => t.id)).toContain(escalated);
    expect(escalatedOnLine.body.total).toBe(onLine.total.escalations.manual);
    const byClientCategory = await call('GET', `/figures/tickets?${mine}&figure=registered&clientCategory=regular`, {
      operator: 'ivanova',
    });
    expect([byClientCategory.status, byClientCategory.body.code]).toEqual([403, 'NOT_PERMITTED']);

    // CSV: a row per group, nested figures named by their path.
    const csv = await call('GET', `/figures.csv?${period()}&table=groups&groupBy=operator`, { operator: 'sidorova' });
    expect(csv.status, csv.text).toBe(200);
    const [header, ...lines] = csv.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    const columns = header!.split(',');
    expect(columns.slice(0, 3)).toEqual(['operator', 'registered', 'accepted']);
    expect(columns).toContain('firstResponse.medianMs');
    const own = lines.find((line) => line.startsWith(`${operator},`))!.split(',');
    const group = (await figures(`${period()}&groupBy=operator`)).groups.find(
      (g: { group: string | null }) => g.group === operator,
    ).figures;
    expect(Number(own[columns.indexOf('registered')])).toBe(group.registered);
    expect(Number(own[columns.indexOf('escalations.manual')])).toBe(group.escalations.manual);
    const ticketsCsv = await call('GET', `/figures.csv?${mine}&table=tickets&figure=overdue`, { operator: 'ivanova' });
    expect(ticketsCsv.text).toContain(`\r\n${late},`);
    expect(ticketsCsv.text.split('\r\n')[0]).not.toContain('subject');
    const noFigure = await call('GET', `/figures.csv?${period()}&table=tickets`, { operator: 'sidorova' });
    expect([noFigure.status, noFigure.body.message]).toEqual([400, expect.stringMatching(/querystring\.figure/)]);
  });

  it('streams a `changed` event at the start and when the record changes', async () => {
    const token = (await desk.app.identity.issueStaffToken('sidorova', 'stream', ['read'])).token;
    const abort = new AbortController();
    const response = await fetch(`${address}/figures/stream?${period()}`, {
      headers: { authorization: `Bearer ${token}` },
      signal: abort.signal,
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    let text = '';
    const nextEvent = async () => {
      while (!/\n\n/.test(text)) text += new TextDecoder().decode((await reader.read()).value);
      const [event, ...rest] = text.split('\n\n');
      text = rest.join('\n\n');
      return event!;
    };
    const first = await nextEvent();
    expect(first).toMatch(/^event: changed\ndata: \{"version":\d+\}$/);
    await driver.register(sampleTickets.router);
    let second = await nextEvent();
    while (second.startsWith(':')) second = await nextEvent();
    expect(Number(/"version":(\d+)/.exec(second)![1])).toBeGreaterThan(Number(/"version":(\d+)/.exec(first)![1]));
    abort.abort();
    const refused = await call('GET', '/figures/stream?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', {
      operator: 'sidorova',
    });
    expect(refused.status).toBe(400);
  });

  it('reads each range of the period from an index (EXPLAIN)', async () => {
    const plan = await desk.db.transaction(async (tx) => {
      // The test tables are small enough for a sequential scan: ask whether the indexes can serve each range.
      await tx.execute(sql`set local enable_seqscan = off`);
      const rows = await tx.execute<{ 'QUERY PLAN': string }>(
        sql`explain ${figureTicketsSql({ from: start, to: new Date(start.getTime() + 3_600_000) })}`,
      );
      return [...rows].map((r) => r['QUERY PLAN']).join('\n');
    });
    for (const index of [
      'tickets_open_idx',
      'tickets_created_idx',
      'tickets_accepted_at_idx',
      'tickets_resolved_at_idx',
      'tickets_closed_at_idx',
      'ticket_events_figures_at_idx',
    ])
      expect(plan, index).toContain(index);
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
