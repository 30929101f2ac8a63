import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { businessCalendars, operatorGroupMembers, operatorGroups, outbox, queues, tickets } from '../src/db/schema';
import { EscalationElement, TicketElement } from '../src/domain/process';
import { startTestDesk } from './support/desk';
import { failOnceAfterWrite } from './support/faults';
import { listen } from './support/http';
import { runId, slaProbe } from './support/sla-probe';

type Desk = Awaited<ReturnType<typeof startTestDesk>>;

/**
 * Support lines: escalation by hand, and the OLA of the line a ticket is handed to.
 */
describe('support lines: manual escalation and OLA', () => {
  let desk: Desk;
  let call: Awaited<ReturnType<typeof listen>>['call'];
  const run = runId();
  const calls: Record<string, number> = {};

  beforeAll(async () => {
    // The first escalation and the first staff notice fail after their writes: retries must not move or send twice.
    desk = await startTestDesk({
      wrapActivities: (activities) => failOnceAfterWrite(activities, ['escalateTicket', 'notifyStaff'], calls),
    });
    ({ call } = await listen(desk.app));
  });
  afterAll(async () => desk?.stop());

  const { serviceWithSla, register, events, waitForEvent } = slaProbe(() => call, `zl${run}`);

  it('escalates by hand to the next line with a reason; the line that solved it is recorded', async () => {
    const { keyword } = await serviceWithSla({ responseSeconds: 600, resolutionSeconds: 600 });
    const id = await register(keyword);
    expect((await call('POST', `/tickets/${id}/accept`, { operator: 'ivanova' })).status).toBe(200);
    expect(
      (await call('POST', `/tickets/${id}/escalate`, { operator: 'petrov', body: { reason: 'сложно' } })).status,
    ).toBe(403);
    expect((await call('POST', `/tickets/${id}/escalate`, { operator: 'ivanova', body: {} })).status).toBe(400);
    const escalated = await call('POST', `/tickets/${id}/escalate`, {
      operator: 'ivanova',
      body: { reason: 'Нужен мастер с паяльником' },
    });
    expect(escalated.status).toBe(200);
    expect(escalated.body).toMatchObject({ moved: true, supportLine: 2, queue: { code: 'repairs' } });
    const event = await waitForEvent(id, (e) => e.elementId === EscalationElement.escalateManually);
    expect(event).toMatchObject({
      actor: 'ivanova',
      data: { reason: 'Нужен мастер с паяльником', fromLine: 1, toLine: 2 },
    });

    // In the workshop's queue now, where the first line has only an overview.
    const resolve = await call('POST', `/tickets/${id}/resolve`, { operator: 'ivanova', body: { resolution: 'x' } });
    expect([resolve.status, resolve.body.code]).toEqual([403, 'NO_QUEUE_ACCESS']);
    expect((await call('POST', `/tickets/${id}/accept`, { operator: 'petrov' })).status).toBe(200);
    expect(
      (await call('POST', `/tickets/${id}/resolve`, { operator: 'petrov', body: { resolution: 'Пропаяли разъём' } }))
        .status,
    ).toBe(200);
    await expect
      .poll(
        async () =>
          (await desk.db.select({ solvedLine: tickets.solvedLine }).from(tickets).where(eq(tickets.id, id)))[0]!
            .solvedLine,
      )
      .toBe(2);
    const accepts = (await events(id)).filter((e) => e.elementId === TicketElement.accept).map((e) => e.actor);
    expect(accepts).toEqual(['ivanova', 'petrov']);
  });

  it('runs the OLA of the line a ticket is handed to: breached when nobody there takes it in time', async () => {
    const ola = await call('PUT', '/ola/2', {
      operator: 'sidorova',
      body: { handoverSeconds: 2, recipients: ['petrov'] },
    });
    expect(ola.status).toBe(200);
    expect((await call('PUT', '/ola/2', { operator: 'petrov', body: { handoverSeconds: 2 } })).status).toBe(403);
    try {
      // The handover counts on the calendar of the team it is handed to: a line-2 team of this
      // test's own, working around the clock, so the 2 s elapse whatever the time of day in Moscow.
      const olaCategory = `ola-${run}`;
      const [clock] = await desk.db
        .select({ id: businessCalendars.id })
        .from(businessCalendars)
        .where(eq(businessCalendars.code, '24x7'));
      const [team] = await desk.db
        .insert(operatorGroups)
        .values({ code: `ola-${run}`, name: 'Line 2, around the clock', calendarId: clock!.id })
        .returning();
      await desk.db.insert(queues).values({
        code: `ola-${run}`,
        name: 'Line 2 OLA probe',
        groupId: team!.id,
        categories: [olaCategory],
        supportLines: [2],
        supportLine: 2,
      });
      await desk.db.insert(operatorGroupMembers).values({ operatorId: 'petrov', groupId: team!.id });
      const { keyword } = await serviceWithSla(
        { responseSeconds: 600, resolutionSeconds: 600 },
        { category: olaCategory },
      );
      expect(
        (
          await call('POST', '/rules', {
            operator: 'sidorova',
            body: {
              name: `ola ${run}`,
              condition: { words: [keyword] },
              outcome: { category: olaCategory, queueCode: 'general' },
            },
          })
        ).status,
      ).toBe(201);
      const id = await register(keyword);
      const escalated = await call('POST', `/tickets/${id}/escalate`, {
        operator: 'sidorova',
        body: { reason: 'Сразу на вторую линию' },
      });
      expect(escalated.status).toBe(200);
      expect(escalated.body.queue.code).toBe(`ola-${run}`);
      const breached = await waitForEvent(id, (e) => e.action === 'sla_breached');
      expect(breached.data).toMatchObject({ target: 'handover', supportLine: 2 });
      const [row] = await desk.db
        .select({ slaBreachedAt: tickets.slaBreachedAt })
        .from(tickets)
        .where(eq(tickets.id, id));
      expect(row!.slaBreachedAt).toBeNull(); // an internal OLA miss is not the client's SLA breach
      await expect
        .poll(async () =>
          (await desk.db.select({ purpose: outbox.purpose }).from(outbox).where(eq(outbox.ticketId, id))).map(
            (m) => m.purpose,
          ),
        )
        .toContain('sla-breach:handover:1:petrov');
      expect((await call('POST', `/tickets/${id}/accept`, { operator: 'petrov' })).status).toBe(200);
      const met = await waitForEvent(id, (e) => e.action === 'sla_met' && e.data.target === 'handover');
      expect(met.data).toMatchObject({ late: true, handover: 1 });
    } finally {
      await call('PUT', '/ola/2', { operator: 'sidorova', body: { handoverSeconds: 7200, recipients: ['sidorova'] } });
    }
  });
});
