import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { businessCalendars, operatorGroupMembers, operatorGroups, outbox, queues, tickets } from '../src/db/schema';
import { addBusinessMinutes } from '../src/domain/calendar';
import { EscalationElement, TicketElement } from '../src/domain/process';
import { teamCalendarOfTicket } from '../src/repositories/calendars';
import { startTestDesk } from './support/desk';
import { failOnceAfterWrite } from './support/faults';
import { listen } from './support/http';
import { recordHistory as keepHistory } from './support/histories';

type Desk = Awaited<ReturnType<typeof startTestDesk>>;
type Event = { elementId: string; action: string; at: string; actor: string | null; data: Record<string, any> };

/**
 * SLA clocks against the real dev server: agreements measured in seconds on the
 * around-the-clock test calendar, so deadlines are a few seconds after the ticket starts.
 */
describe('SLA clocks, escalation and the catalog over HTTP', () => {
  let desk: Desk;
  let call: Awaited<ReturnType<typeof listen>>['call'];
  const run = Math.random()
    .toString(36)
    .replace(/[^a-z]/g, '')
    .slice(0, 6);
  let serial = 0;

  const calls: Record<string, number> = {};

  beforeAll(async () => {
    // The first escalation and the first staff notice fail after their writes: retries must not move or send twice.
    desk = await startTestDesk({
      wrapActivities: (activities) => failOnceAfterWrite(activities, ['escalateTicket', 'notifyStaff'], calls),
    });
    ({ call } = await listen(desk.app));
  });
  afterAll(async () => desk?.stop());

  /** A catalog service only this test's tickets get, with the given SLA for one-time clients. */
  async function serviceWithSla(agreement: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    const keyword = `zq${run}${'abcdefghij'[serial++]}`;
    const code = `sla-${keyword}`;
    const created = await call('POST', '/catalog/services', {
      operator: 'sidorova',
      body: {
        code,
        nameRu: 'Проверка SLA',
        nameEn: 'SLA probe',
        category: 'general',
        price: '750.00',
        normHours: 1.5,
        supportLine: 1,
        keywords: [keyword],
        ...extra,
      },
    });
    expect(created.status).toBe(201);
    const sla = await call('PUT', `/catalog/services/${code}/sla/one_time`, {
      operator: 'sidorova',
      body: { calendarCode: '24x7', ...agreement },
    });
    expect(sla.status).toBe(200);
    return { code, keyword, agreementId: sla.body.id as number };
  }

  async function register(keyword: string) {
    const registered = await call('POST', '/tickets', {
      body: {
        subject: `Вопрос ${keyword}`,
        description: `Нужна консультация ${keyword}`,
        client: { email: `client-${keyword}-${serial}@example.com` },
      },
    });
    expect(registered.status).toBe(201);
    expect(registered.body.queue.code).toBe('general');
    return registered.body.id as number;
  }

  const recordHistory = (id: number, topic: string) => keepHistory(desk, id, topic);

  const events = async (id: number): Promise<Event[]> =>
    (await call('GET', `/tickets/${id}/events`, { operator: 'sidorova' })).body;
  const sla = async (id: number) => (await call('GET', `/tickets/${id}/sla`, { operator: 'sidorova' })).body;
  const waitForEvent = async (id: number, match: (e: Event) => boolean, timeout = 20_000) => {
    await expect.poll(async () => (await events(id)).some(match), { timeout, interval: 200 }).toBe(true);
    return (await events(id)).find(match)!;
  };

  it('manages the catalog: create, read, change, deactivate; managers only; clear 4xx', async () => {
    const code = `svc-${run}`;
    const body = {
      code,
      nameRu: 'Чистка ноутбука',
      nameEn: 'Laptop cleaning',
      category: 'repair',
      price: '1200.00',
      normHours: 2,
      supportLine: 2,
      requiredCompetence: 'disassembly',
      checklist: ['Разборка / Disassembly', 'Чистка / Cleaning'],
    };
    expect((await call('POST', '/catalog/services', { operator: 'ivanova', body })).status).toBe(403);
    const created = await call('POST', '/catalog/services', { operator: 'sidorova', body });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ...body, active: true });
    expect((await call('POST', '/catalog/services', { operator: 'sidorova', body })).status).toBe(409);
    const bad = await call('POST', '/catalog/services', {
      operator: 'sidorova',
      body: { ...body, code: `x-${run}`, normHours: 0 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/normHours/);

    const changed = await call('PATCH', `/catalog/services/${code}`, {
      operator: 'sidorova',
      body: { price: '1300.00', normHours: 2.5 },
    });
    expect(changed.body).toMatchObject({ price: '1300.00', normHours: 2.5, nameEn: 'Laptop cleaning' });
    const removed = await call('DELETE', `/catalog/services/${code}`, { operator: 'sidorova' });
    expect(removed.body.active).toBe(false);
    const listed = await call('GET', '/catalog/services', { operator: 'ivanova' });
    expect(listed.body.map((s: { code: string }) => s.code)).not.toContain(code);
    expect(listed.body.map((s: { code: string }) => s.code)).toContain('phone-screen');
    const all = await call('GET', '/catalog/services?includeInactive=true', { operator: 'ivanova' });
    expect(all.body.find((s: { code: string }) => s.code === code)).toMatchObject({ active: false });
    expect(
      (await call('PATCH', `/catalog/services/nope-${run}`, { operator: 'sidorova', body: { price: '1.00' } })).status,
    ).toBe(404);

    const calendar = await call('PUT', `/calendars/berlin-${run}`, {
      operator: 'sidorova',
      body: {
        name: 'Berlin',
        timeZone: 'Europe/Berlin',
        week: { 1: [{ start: '18:00', end: '09:00' }] },
        holidayCountry: 'DE',
      },
    });
    expect(calendar.status).toBe(400);
    expect(calendar.body.message).toMatch(/week\.1\[0\] ends \(09:00\) before it starts/);
    const zone = await call('PUT', `/calendars/mars-${run}`, {
      operator: 'sidorova',
      body: { name: 'Mars', timeZone: 'Mars/Olympus', week: {} },
    });
    expect(zone.body.message).toMatch(/not an IANA time zone/);
    const good = await call('PUT', `/calendars/berlin-${run}`, {
      operator: 'sidorova',
      body: {
        name: 'Berlin',
        timeZone: 'Europe/Berlin',
        week: {
          1: [
            { start: '09:00', end: '13:00' },
            { start: '14:00', end: '17:00' },
          ],
        },
        holidayCountry: 'DE',
        exceptions: [{ date: '2026-12-24', hours: [] }],
      },
    });
    expect(good.status).toBe(200);
    const category = await call('PUT', `/catalog/services/phone-screen/sla/vip`, {
      operator: 'sidorova',
      body: { responseSeconds: 60, resolutionSeconds: 600 },
    });
    expect(category.status).toBe(400);
    expect(category.body.message).toMatch(/clientCategory "vip"/);
  });

  it('quotes price and due date from the catalog on the servicing team’s business calendar', async () => {
    const { keyword } = await serviceWithSla({ responseSeconds: 3600, resolutionSeconds: 7200 });
    const id = await register(keyword);
    const accepted = await call('POST', `/tickets/${id}/accept`, { operator: 'ivanova' });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({
      quotedPrice: '750.00',
      quotedNormHours: 1.5,
      service: { price: '750.00', normHours: 1.5 },
    });
    // The first line works Moscow office hours: 90 norm minutes from acceptance on that calendar.
    const calendar = await teamCalendarOfTicket(desk.db, id, new Date(accepted.body.acceptedAt));
    expect(accepted.body.dueAt).toBe(
      addBusinessMinutes(calendar, new Date(accepted.body.acceptedAt), 90).toISOString(),
    );
  });

  it('warns, breaches and escalates three levels up the support lines, never early', async () => {
    const { keyword } = await serviceWithSla({
      responseSeconds: 2,
      resolutionSeconds: 120,
      warningShare: 0.5,
      escalation: [
        { afterSeconds: 0, recipients: ['ivanova'] },
        { afterSeconds: 2, recipients: ['petrov'] },
        { afterSeconds: 4, recipients: ['sidorova'] },
      ],
    });
    const id = await register(keyword);
    const started = await waitForEvent(id, (e) => e.action === 'sla_started');
    const level3 = await waitForEvent(id, (e) => e.elementId === EscalationElement.level3);
    const trail = (await events(id)).filter((e) => e.action.startsWith('sla_'));
    expect(trail.map((e) => `${e.elementId}:${e.action}`)).toEqual([
      `${EscalationElement.started}:sla_started`,
      `${EscalationElement.warning}:sla_warned`,
      `${EscalationElement.breached}:sla_breached`,
      `${EscalationElement.level1}:sla_escalated`,
      `${EscalationElement.level2}:sla_escalated`,
      `${EscalationElement.level3}:sla_escalated`,
    ]);
    const at = (action: string, element?: string) =>
      Date.parse(trail.find((e) => e.action === action && (!element || e.elementId === element))!.at);
    // Timers never fire before their instant: warning at half of the 2 s, levels 0, 2 and 4 s after the deadline.
    const dueAt = Date.parse(trail.find((e) => e.action === 'sla_breached')!.data.dueAt);
    expect(dueAt - Date.parse(started.at)).toBeGreaterThan(1_000);
    expect(at('sla_warned')).toBeGreaterThanOrEqual(dueAt - 1_000);
    expect(at('sla_breached')).toBeGreaterThanOrEqual(dueAt);
    expect(at('sla_escalated', EscalationElement.level1)).toBeGreaterThanOrEqual(dueAt);
    expect(at('sla_escalated', EscalationElement.level2)).toBeGreaterThanOrEqual(dueAt + 2_000);
    expect(Date.parse(level3.at)).toBeGreaterThanOrEqual(dueAt + 4_000);
    expect(trail.map((e) => e.data.target)).toEqual([
      undefined,
      'response',
      'response',
      'response',
      'response',
      'response',
    ]);
    expect(trail.slice(3).map((e) => [e.data.fromLine, e.data.toLine, e.data.moved])).toEqual([
      [1, 2, true],
      [2, 3, true],
      [3, 3, false],
    ]);

    expect(calls.escalateTicket).toBeGreaterThanOrEqual(4);
    const [row] = await desk.db.select().from(tickets).where(eq(tickets.id, id));
    expect(row).toMatchObject({ supportLine: 3, stage: 'queued', assigneeId: null });
    expect(row!.slaBreachedAt).not.toBeNull();
    const queues = await call('GET', '/queues', { operator: 'sidorova' });
    expect(queues.body.find((q: { id: number }) => q.id === row!.queueId).code).toBe('experts');

    // Who heard of it: the managers on the warning (nobody had accepted) and the breach, each level's recipients.
    await expect
      .poll(
        async () =>
          (await desk.db.select({ purpose: outbox.purpose }).from(outbox).where(eq(outbox.ticketId, id)))
            .map((m) => m.purpose)
            .sort(),
        { timeout: 10_000 },
      )
      .toEqual([
        'sla-breach:response:sidorova',
        'sla-escalation:response:1:ivanova',
        'sla-escalation:response:2:petrov',
        'sla-escalation:response:3:sidorova',
        'sla-warning:response:sidorova',
      ]);

    // The first line can no longer take it; the third line can, and the response is met, late.
    expect((await call('POST', `/tickets/${id}/accept`, { operator: 'ivanova' })).status).toBe(403);
    const accepted = await call('POST', `/tickets/${id}/accept`, { operator: 'sidorova' });
    expect(accepted.status).toBe(200);
    const met = await waitForEvent(id, (e) => e.action === 'sla_met' && e.data.target === 'response');
    expect(met.data.late).toBe(true);
    const status = await sla(id);
    expect(status.supportLine).toBe(3);
    expect(status.targets.filter((t: { kind: string }) => t.kind === 'handover')).toHaveLength(2);
    expect(status.targets.every((t: { kind: string; met: boolean }) => t.kind === 'resolution' || t.met)).toBe(true);
    await recordHistory(id, 'sla-escalation');
  });

  it('stops the clock while waiting for the client and recomputes the deadline on resume; late resolution needs a reason', async () => {
    const { keyword } = await serviceWithSla({ responseSeconds: 60, resolutionSeconds: 4, warningShare: 0.9 });
    const id = await register(keyword);
    expect((await call('POST', `/tickets/${id}/accept`, { operator: 'ivanova' })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_000));

    expect(
      (await call('POST', `/tickets/${id}/wait-for-client`, { operator: 'sidorova', body: { reason: 'x' } })).status,
    ).toBe(403);
    expect(
      (await call('POST', `/tickets/${id}/wait-for-client`, { operator: 'ivanova', body: { reason: ' ' } })).status,
    ).toBe(400);
    const paused = await call('POST', `/tickets/${id}/wait-for-client`, {
      operator: 'ivanova',
      body: { reason: 'Ждём фото серийного номера' },
    });
    expect(paused.status).toBe(200);
    const used = paused.body.targets.find((t: { kind: string }) => t.kind === 'resolution').usedMs;
    expect(used).toBeGreaterThanOrEqual(900);
    expect(used).toBeLessThan(3_000);
    expect((await call('GET', `/tickets/${id}`, { operator: 'ivanova' })).body).toMatchObject({
      stage: 'waiting_for_client',
      sla: { pausedAt: expect.any(String) },
    });
    expect(
      (await call('POST', `/tickets/${id}/resolve`, { operator: 'ivanova', body: { resolution: 'x' } })).status,
    ).toBe(409);

    // Paused past the original deadline: nothing breaches.
    await new Promise((r) => setTimeout(r, 4_500));
    expect((await events(id)).some((e) => e.action === 'sla_breached')).toBe(false);

    const resumedAt = Date.now();
    const resumed = await call('POST', `/tickets/${id}/resume`, { operator: 'ivanova' });
    expect(resumed.status).toBe(200);
    expect((await call('POST', `/tickets/${id}/resume`, { operator: 'ivanova' })).status).toBe(409);
    const breached = await waitForEvent(id, (e) => e.action === 'sla_breached');
    // The remaining 4 s − used, counted from the resume.
    expect(Date.parse(breached.at) - resumedAt).toBeGreaterThanOrEqual(4_000 - used - 300);
    const trail = (await events(id)).filter((e) => e.action.startsWith('sla_'));
    expect(trail.map((e) => `${e.elementId}:${e.action}`)).toEqual([
      `${EscalationElement.started}:sla_started`,
      `${EscalationElement.met}:sla_met`,
      `${TicketElement.waitingForClient}:sla_paused`,
      `${TicketElement.waitingForClient}:sla_resumed`,
      `${EscalationElement.warning}:sla_warned`,
      `${EscalationElement.breached}:sla_breached`,
    ]);
    expect(trail[2]!.data).toMatchObject({ reason: 'Ждём фото серийного номера' });
    // Accepted by then: the warning goes to the assignee, the breach to the managers.
    await expect
      .poll(
        async () =>
          (await desk.db.select({ purpose: outbox.purpose }).from(outbox).where(eq(outbox.ticketId, id)))
            .map((m) => m.purpose)
            .sort(),
        { timeout: 10_000 },
      )
      .toEqual(['sla-breach:resolution:sidorova', 'sla-warning:resolution:ivanova']);

    const noReason = await call('POST', `/tickets/${id}/resolve`, {
      operator: 'ivanova',
      body: { resolution: 'Ответили клиенту' },
    });
    expect(noReason.status).toBe(400);
    expect(noReason.body.message).toMatch(/past its resolution deadline.*overdueReason is required/);
    const unknown = await call('POST', `/tickets/${id}/resolve`, {
      operator: 'ivanova',
      body: { resolution: 'Ответили клиенту', overdueReason: 'bad-luck' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/overdueReason "bad-luck" is not one of .*client-unreachable/);
    const reasons = await call('GET', '/overdue-reasons', { operator: 'ivanova' });
    expect(reasons.body.map((r: { code: string }) => r.code)).toContain('client-unreachable');
    const late = await call('POST', `/tickets/${id}/resolve`, {
      operator: 'ivanova',
      body: { resolution: 'Ответили клиенту', overdueReason: 'client-unreachable', overdueNote: 'не отвечал два дня' },
    });
    expect(late.status).toBe(200);
    const [row] = await desk.db.select().from(tickets).where(eq(tickets.id, id));
    expect(row).toMatchObject({
      overdueReason: 'client-unreachable',
      overdueNote: 'не отвечал два дня',
      solvedLine: 1,
    });
    const met = await waitForEvent(id, (e) => e.action === 'sla_met' && e.data.target === 'resolution');
    expect(met.data.late).toBe(true);
    await recordHistory(id, 'sla-pause');
  });

  it('keeps the time used when a manager changes the SLA mid-way', async () => {
    const { code, keyword, agreementId } = await serviceWithSla({ responseSeconds: 60, resolutionSeconds: 3 });
    const longer = await call('PUT', `/catalog/services/${code}/sla/regular`, {
      operator: 'sidorova',
      body: { responseSeconds: 60, resolutionSeconds: 10, calendarCode: '24x7' },
    });
    const id = await register(keyword);
    expect((await call('POST', `/tickets/${id}/accept`, { operator: 'ivanova' })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_200));

    expect(
      (await call('POST', `/tickets/${id}/sla`, { operator: 'ivanova', body: { agreementId: longer.body.id } })).status,
    ).toBe(403);
    const changedAt = Date.now();
    const changed = await call('POST', `/tickets/${id}/sla`, {
      operator: 'sidorova',
      body: { agreementId: longer.body.id },
    });
    expect(changed.status).toBe(200);
    expect(changed.body.agreementId).not.toBe(agreementId);
    const resolution = changed.body.targets.find((t: { kind: string }) => t.kind === 'resolution');
    expect(resolution).toMatchObject({ budgetMs: 10_000, breached: false, running: true });
    expect(resolution.usedMs).toBeGreaterThanOrEqual(1_100);

    // Past the old 3 s deadline, within the new 10 s: no breach.
    await new Promise((r) => setTimeout(r, 3_000));
    const status = await sla(id);
    const due = Date.parse(status.targets.find((t: { kind: string }) => t.kind === 'resolution').dueAt);
    expect(due - changedAt).toBeGreaterThan(10_000 - resolution.usedMs - 1_000);
    expect(due - changedAt).toBeLessThan(10_000 - resolution.usedMs + 1_000);
    expect((await events(id)).map((e) => e.action)).not.toContain('sla_breached');
    expect((await events(id)).map((e) => e.action)).toContain('sla_changed');

    const onTime = await call('POST', `/tickets/${id}/resolve`, {
      operator: 'ivanova',
      body: { resolution: 'Готово' },
    });
    expect(onTime.status).toBe(200);
    const met = await waitForEvent(id, (e) => e.action === 'sla_met' && e.data.target === 'resolution');
    expect(met.data.late).toBe(false);
  });

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

    expect(
      (await call('POST', `/tickets/${id}/resolve`, { operator: 'ivanova', body: { resolution: 'x' } })).status,
    ).toBe(409);
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
