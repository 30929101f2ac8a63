import type { TicketActivities } from '../activities';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clients, outbox, ticketEvents, tickets } from '../src/db/schema';
import { ticketWorkflowId } from '../src/domain/process';
import { sampleTickets, ticketDriver } from './support/tickets';
import { startTestDesk } from './support/desk';
import { failOnceAfterWrite } from './support/faults';
import { listen } from './support/http';
import { startSmtpSink } from './support/smtp';

describe('activities retried after they wrote', () => {
  let desk: Awaited<ReturnType<typeof startTestDesk>>;
  let call: Awaited<ReturnType<typeof listen>>['call'];
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  const calls: Record<string, number> = {};
  // Intake starts the SLA clock itself (agreement, first deadlines); the pause and resume re-plan it.
  const retried: Array<keyof TicketActivities> = [
    'intakeTicket',
    'acceptTicket',
    'measureSlaTime',
    'recordSlaEvent',
    'planSlaTarget',
    'recordWork',
    'resolveTicket',
    'notifyClient',
    'closeTicket',
  ];

  beforeAll(async () => {
    smtp = await startSmtpSink();
    desk = await startTestDesk({
      smtpUrl: smtp.url,
      surveyTimeoutMs: 500,
      wrapActivities: (activities) => failOnceAfterWrite(activities, retried, calls),
    });
    ({ call } = await listen(desk.app));
  });
  afterAll(async () => {
    await desk?.stop();
    await smtp?.close();
  });

  it('store no duplicate row or event and send the e-mail once', async () => {
    const email = 'new.client@retry.example';
    const registered = await call('POST', '/tickets', {
      body: {
        subject: 'Роутер не раздаёт wi-fi',
        description: 'Интернет пропал',
        client: { email, name: 'Новый клиент' },
      },
    });
    expect(registered.status).toBe(201);
    const id = registered.body.id;
    const [queued] = await desk.db.select().from(tickets).where(eq(tickets.id, id));
    expect(queued).toMatchObject({ stage: 'queued', slaAgreementId: expect.any(Number) });
    expect(queued!.responseDueAt).not.toBeNull();
    // The clock the workflow runs is the one the intake's first attempt wrote down.
    const clock = (await call('GET', `/tickets/${id}/sla`, { operator: 'sidorova' })).body;
    expect(clock.targets.map((t: { kind: string; dueAt: string }) => [t.kind, t.dueAt])).toEqual([
      ['response', queued!.responseDueAt!.toISOString()],
      ['resolution', queued!.resolutionDueAt!.toISOString()],
    ]);
    expect((await call('POST', `/tickets/${id}/accept`, { operator: 'ivanova' })).status).toBe(200);
    expect(
      (
        await call('POST', `/tickets/${id}/wait-for-client`, {
          operator: 'ivanova',
          body: { reason: 'Ждём модель роутера' },
        })
      ).status,
    ).toBe(200);
    expect((await call('POST', `/tickets/${id}/resume`, { operator: 'ivanova' })).status).toBe(200);
    expect(
      (
        await call('POST', `/tickets/${id}/work`, {
          operator: 'ivanova',
          body: { minutes: 20, note: 'Перезагрузили роутер' },
        })
      ).body.totalMinutes,
    ).toBe(20);
    expect(
      (
        await call('POST', `/tickets/${id}/resolve`, {
          operator: 'ivanova',
          body: { resolution: 'Канал wi-fi сменён' },
        })
      ).status,
    ).toBe(200);
    await desk.temporal.workflow.getHandle(ticketWorkflowId(id)).result();

    // Every activity really ran twice: the failure happened after its write.
    for (const name of retried) expect(calls[name], name).toBeGreaterThanOrEqual(2);
    expect(await desk.db.select().from(tickets).where(eq(tickets.id, id))).toHaveLength(1);
    expect(await desk.db.select().from(clients).where(eq(clients.email, email))).toHaveLength(1);
    const events = await desk.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, id));
    expect(events.map((e) => e.dedupeKey.replace(/^work:.*/, 'work')).sort()).toEqual([
      'accept',
      'classify',
      'closed',
      'notify',
      'queue',
      'received',
      'register',
      'resolve',
      'sla:clock',
      'sla:met:resolution',
      'sla:met:response',
      'sla:paused:1',
      'sla:resumed:1',
      'sla:started',
      'survey',
      'survey_requested',
      'work',
    ]);
    const messages = await desk.db.select().from(outbox).where(eq(outbox.ticketId, id));
    expect(messages).toHaveLength(1);
    expect(messages[0]!.status).toBe('sent');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.received.filter((m) => m.subject?.includes(`№${id}`))).toHaveLength(1);
  });

  it('retries a notification while the SMTP server is down and sends it once it is back', async () => {
    const registered = await call('POST', '/tickets', {
      body: { subject: 'Счёт', description: 'Нужен счёт на оплату', client: { email: 'billing@retry.example' } },
    });
    const id = registered.body.id;
    await call('POST', `/tickets/${id}/accept`, { operator: 'ivanova' });
    await smtp.close();
    expect(
      (await call('POST', `/tickets/${id}/resolve`, { operator: 'ivanova', body: { resolution: 'Счёт выставлен' } }))
        .status,
    ).toBe(200);
    await expect
      .poll(async () => (await desk.db.select().from(outbox).where(eq(outbox.ticketId, id)))[0]?.lastError ?? null, {
        timeout: 15_000,
      })
      .toMatch(/ECONNREFUSED/);
    const [row] = await desk.db.select().from(outbox).where(eq(outbox.ticketId, id));
    expect(row!.status).not.toBe('sent');
    // The same port again: the activity's retry reaches it.
    smtp = await startSmtpSink(Number(new URL(smtp.url).port));
    await smtp.waitFor((m) => m.subject?.includes(`№${id}`) ?? false, 30_000);
    await desk.temporal.workflow.getHandle(ticketWorkflowId(id)).result();
    const [sent] = await desk.db.select().from(outbox).where(eq(outbox.ticketId, id));
    expect(sent).toMatchObject({ status: 'sent', lastError: null });
    expect(sent!.attempts).toBeGreaterThanOrEqual(2);
  }, 90_000);
});

describe('reopening and complaint activities retried after they wrote', () => {
  let desk: Awaited<ReturnType<typeof startTestDesk>>;
  const calls: Record<string, number> = {};
  const retried: Array<keyof TicketActivities> = [
    'resolveTicket',
    'notifyClient',
    'reopenTicket',
    'takeSurveyAnswer',
    'resolveComplaint',
    'closeTicket',
  ];

  beforeAll(async () => {
    desk = await startTestDesk({ wrapActivities: (activities) => failOnceAfterWrite(activities, retried, calls) });
  });
  afterAll(async () => {
    await desk?.stop();
  });

  it('record each round once: two notices, one reopening, one survey answer, one complaint', async () => {
    const t = ticketDriver(desk, (await listen(desk.app)).call);
    const id = await t.register(sampleTickets.router);
    await t.accept(id, 'ivanova');
    await t.resolve(id, 'ivanova');
    expect(await t.reopenAsOperator(id, 'ivanova')).toMatchObject({ round: 2 });
    await t.resolve(id, 'ivanova');
    await t.answer(id, { csat: 2, complaint: false });
    await t.resolveComplaint(id, 'sidorova');
    expect(await t.closed(id)).toEqual({ ticketId: id, csat: 2 });

    for (const name of retried) expect(calls[name], name).toBeGreaterThanOrEqual(2);
    const events = await desk.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, id));
    expect(events.map((e) => e.dedupeKey).sort()).toEqual(
      [
        'accept',
        'classify',
        'closed',
        'complaint_opened',
        'complaint_resolved',
        'notify',
        'notify:2',
        'queue',
        'received',
        'register',
        'reopen:2',
        'resolve',
        'resolve:2',
        'sla:clock',
        'sla:met:resolution',
        'sla:met:resolution:2',
        'sla:met:response',
        'sla:restarted:2',
        'sla:started',
        'survey',
        'survey_requested',
        'survey_requested:2',
      ].sort(),
    );
    const messages = await desk.db.select().from(outbox).where(eq(outbox.ticketId, id));
    expect(messages.map((m) => [m.purpose, m.status, m.attempts]).sort()).toEqual([
      ['resolution', 'sent', 1],
      ['resolution:2', 'sent', 1],
    ]);
    const [row] = await desk.db.select().from(tickets).where(eq(tickets.id, id));
    expect(row).toMatchObject({ stage: 'closed', csat: 2 });
  });
});
