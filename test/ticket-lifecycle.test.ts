import fs from 'node:fs';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox, ticketWorkEntries, tickets } from '../src/db/schema';
import { addBusinessMinutes } from '../src/domain/calendar';
import { linkTokenIn } from '../src/domain/client-link';
import { EscalationElement, TicketElement, ticketWorkflowId } from '../src/domain/process';
import { teamCalendarOfTicket } from '../src/repositories/calendars';
import { stageQuery } from '../workflows/ticket';
import { startTestDesk } from './support/desk';
import { listen } from './support/http';
import { startSmtpSink } from './support/smtp';
import { recordHistory as keepHistory } from './support/histories';

type Desk = Awaited<ReturnType<typeof startTestDesk>>;

describe('a ticket walks all seven stages over HTTP', () => {
  let desk: Desk;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  let call: Awaited<ReturnType<typeof listen>>['call'];

  beforeAll(async () => {
    smtp = await startSmtpSink();
    desk = await startTestDesk({ smtpUrl: smtp.url });
    ({ call } = await listen(desk.app));
  });

  afterAll(async () => {
    await desk?.stop();
    await smtp?.close();
  });

  it('registers, queues blind, accepts with a quote, works, resolves, notifies by e-mail and takes the survey', async () => {
    const registered = await call('POST', '/tickets', {
      body: {
        channel: 'web',
        subject: 'Разбит экран телефона',
        description: 'Телефон упал, экран разбит, сенсор не реагирует. Срочно нужен ремонт.',
        client: { phone: '8 (916) 123-45-67' },
      },
    });
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({
      stage: 'queued',
      category: 'repair',
      priority: 'high',
      serviceCode: 'phone-screen',
      queue: { code: 'repairs' },
    });
    const id: number = registered.body.id;

    // The queue shows the ticket, but nothing to cherry-pick by.
    const queues = await call('GET', '/queues', { operator: 'petrov' });
    const repairs = queues.body.find((q: { code: string }) => q.code === 'repairs');
    expect(repairs.waiting).toBeGreaterThanOrEqual(1);
    const listing = await call('GET', `/queues/${repairs.id}/tickets`, { operator: 'petrov' });
    const listed = listing.body.find((t: { id: number }) => t.id === id);
    expect(listed).toMatchObject({ id, stage: 'queued', category: 'repair', priority: 'high', channel: 'web' });
    expect(listed).not.toHaveProperty('subject');
    expect(listed).not.toHaveProperty('client');
    const peek = await call('GET', `/tickets/${id}`, { operator: 'petrov' });
    expect(peek.status).toBe(200);
    expect(peek.body).not.toHaveProperty('description');

    // Only who may take from the queue accepts: the first line overviews the workshop's queue.
    const outsider = await call('POST', `/tickets/${id}/accept`, { operator: 'ivanova' });
    expect([outsider.status, outsider.body.code]).toEqual([403, 'NO_QUEUE_ACCESS']);
    expect(outsider.body.message).toBe('ivanova has "overview" access to queue repairs and needs "take"');

    const accepted = await call('POST', `/tickets/${id}/accept`, { operator: 'petrov' });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({
      id,
      stage: 'in_work',
      assigneeId: 'petrov',
      quotedPrice: '3500.00',
      quotedNormHours: 2,
      subject: 'Разбит экран телефона',
      client: { name: 'Ольга Кузнецова', phone: '+79161234567', email: 'olga.k@mail.example', category: 'regular' },
      service: { code: 'phone-screen', price: '3500.00', normHours: 2 },
    });
    // Two norm hours on the workshop's calendar (Moscow office hours, RU holidays), not the wall clock.
    const calendar = await teamCalendarOfTicket(desk.db, id, new Date(accepted.body.acceptedAt));
    expect(accepted.body.dueAt).toBe(
      addBusinessMinutes(calendar, new Date(accepted.body.acceptedAt), 120).toISOString(),
    );
    expect(accepted.body.sla).toMatchObject({
      responseDueAt: expect.any(String),
      resolutionDueAt: expect.any(String),
      breachedAt: null,
    });
    expect(accepted.body).toMatchObject({
      supportLine: 2,
      checklist: expect.arrayContaining(['Диагностика / Diagnostics']),
    });

    const again = await call('POST', `/tickets/${id}/accept`, { operator: 'sidorova' });
    expect(again.status).toBe(409);

    const work = await call('POST', `/tickets/${id}/work`, {
      operator: 'petrov',
      body: { minutes: 45, note: 'Заменён дисплейный модуль', stepsDone: ['Диагностика / Diagnostics'] },
    });
    expect(work.status).toBe(201);
    expect(work.body).toMatchObject({
      totalMinutes: 45,
      normMinutes: 120,
      normRatio: 0.375,
      checklistDone: ['Диагностика / Diagnostics'],
    });
    const notAStep = await call('POST', `/tickets/${id}/work`, {
      operator: 'petrov',
      body: { minutes: 5, note: 'x', stepsDone: ['Покраска / Painting'] },
    });
    expect(notAStep.status).toBe(400);
    expect(notAStep.body.message).toMatch(/not in the service checklist/);
    const notMine = await call('POST', `/tickets/${id}/work`, {
      operator: 'sidorova',
      body: { minutes: 5, note: 'x' },
    });
    expect(notMine.status).toBe(403);
    // A wrong step from someone who does not hold the ticket must not reveal the service's checklist.
    const probe = await call('POST', `/tickets/${id}/work`, {
      operator: 'sidorova',
      body: { minutes: 5, note: 'x', stepsDone: ['Покраска / Painting'] },
    });
    expect(probe.status).toBe(403);
    expect(probe.body.code).toBe('NOT_ASSIGNEE');
    expect(probe.body.message).not.toMatch(/checklist|Диагностика|petrov/);

    const blank = await call('POST', `/tickets/${id}/resolve`, { operator: 'petrov', body: { resolution: '   ' } });
    expect(blank.status).toBe(400);
    const resolved = await call('POST', `/tickets/${id}/resolve`, {
      operator: 'petrov',
      body: { resolution: 'Экран заменён, телефон проверен.' },
    });
    expect(resolved.status).toBe(200);

    const mail = await smtp.waitFor((m) => m.subject?.startsWith(`Заявка №${id} выполнена`) ?? false);
    expect(mail.to && 'text' in mail.to ? mail.to.text : '').toContain('olga.k@mail.example');
    expect(mail.text).toContain('Экран заменён, телефон проверен.');
    const token = /token=([\w-]+)/.exec(mail.text ?? '')?.[1];
    expect(token).toBeDefined();
    // In the fragment, which browsers never send: the token stays out of the desk's request log.
    expect(mail.text).toContain(`http://desk.test/survey/${id}#token=${token}`);
    // A link mailed before the fragment carried it in the query: the access log redacts it.
    await call('GET', `/survey/${id}?token=${token}`);

    const handle = desk.temporal.workflow.getHandle(ticketWorkflowId(id));
    await expect.poll(() => handle.query(stageQuery), { timeout: 15_000 }).toBe('awaiting_survey');

    expect((await call('POST', `/tickets/${id}/survey`, { body: { token: 'wrong', csat: 5 } })).status).toBe(403);
    expect((await call('POST', `/tickets/${id}/survey`, { body: { token, csat: 6 } })).status).toBe(400);
    const survey = await call('POST', `/tickets/${id}/survey`, {
      body: { token, csat: 5, comment: 'Быстро и качественно' },
    });
    expect(survey.status).toBe(202);

    expect(await handle.result()).toEqual({ ticketId: id, csat: 5 });

    const [row] = await desk.db.select().from(tickets).where(eq(tickets.id, id));
    expect(row).toMatchObject({
      stage: 'closed',
      csat: 5,
      surveyComment: 'Быстро и качественно',
      assigneeId: 'petrov',
      resolution: 'Экран заменён, телефон проверен.',
      solvedLine: 2,
      workNormRatio: '0.375',
      overdueReason: null,
    });
    expect(await desk.db.select().from(ticketWorkEntries).where(eq(ticketWorkEntries.ticketId, id))).toHaveLength(1);
    // Filed without an account with a known client's phone: the client was also asked to confirm it.
    const sent = await desk.db.select().from(outbox).where(eq(outbox.ticketId, id)).orderBy(outbox.id);
    expect(sent.map((m) => m.purpose)).toEqual(['client-confirmation', 'resolution']);
    for (const message of sent)
      expect(message).toMatchObject({ status: 'sent', recipient: 'olga.k@mail.example', attempts: 1 });
    expect(smtp.received.filter((m) => m.subject?.includes(`№${id}`))).toHaveLength(2);

    const events = await call('GET', `/tickets/${id}/events`, { operator: 'petrov' });
    expect(events.body.map((e: { elementId: string; action: string }) => `${e.elementId}:${e.action}`)).toEqual([
      `${TicketElement.received}:received`,
      `${TicketElement.register}:registered`,
      `${TicketElement.classify}:classified`,
      `${TicketElement.queue}:queued`,
      `${EscalationElement.started}:sla_started`,
      `${EscalationElement.clock}:clock_started`,
      `${TicketElement.accept}:accepted`,
      `${EscalationElement.met}:sla_met`,
      `${TicketElement.execute}:work_recorded`,
      `${TicketElement.execute}:resolved`,
      `${EscalationElement.met}:sla_met`,
      `${TicketElement.notify}:notified`,
      `${TicketElement.survey}:survey_requested`,
      `${TicketElement.survey}:survey_answered`,
      `${TicketElement.closed}:closed`,
    ]);
    // Another operator sees the trail but not what it says about the client.
    const foreign = await call('GET', `/tickets/${id}/events`, { operator: 'ivanova' });
    expect(foreign.body.every((e: object) => !('data' in e))).toBe(true);

    // Every log line about this ticket names the ticket and its workflow.
    const lines = fs
      .readFileSync(desk.logFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const about = lines.filter((l) => l.ticketId === id);
    expect(lines.filter((l) => l.req?.url?.startsWith(`/survey/${id}`)).map((l) => l.req.url)).toEqual([
      `/survey/${id}?token=[redacted]`,
    ]);
    expect(fs.readFileSync(desk.logFile, 'utf8')).not.toContain(token!);
    expect(about.map((l) => l.msg)).toEqual(
      expect.arrayContaining([
        'ticket registered',
        'ticket queued',
        'ticket accepted',
        'client notified',
        'ticket closed',
      ]),
    );
    expect(about.every((l) => l.workflowId === ticketWorkflowId(id))).toBe(true);

    await keepHistory(desk, id, 'sla');
  });

  it('closes the ticket without a score when the survey is not answered in time', async () => {
    await desk.stop();
    desk = await startTestDesk({ smtpUrl: smtp.url, surveyTimeoutMs: 1_500 });
    ({ call } = await listen(desk.app));
    const registered = await call('POST', '/tickets', {
      body: {
        subject: 'Invoice question',
        description: 'Please resend the invoice for October',
        client: { email: 'John.Carter@example.com' },
      },
    });
    expect(registered.body).toMatchObject({ stage: 'queued', category: 'billing', queue: { code: 'general' } });
    const id = registered.body.id;
    expect((await call('POST', `/tickets/${id}/accept`, { operator: 'ivanova' })).status).toBe(200);
    expect(
      (await call('POST', `/tickets/${id}/resolve`, { operator: 'ivanova', body: { resolution: 'Invoice resent.' } }))
        .status,
    ).toBe(200);
    expect(await desk.temporal.workflow.getHandle(ticketWorkflowId(id)).result()).toEqual({ ticketId: id, csat: null });
    const events = await call('GET', `/tickets/${id}/events`, { operator: 'ivanova' });
    expect(events.body.slice(-2).map((e: { elementId: string }) => e.elementId)).toEqual([
      TicketElement.surveyExpired,
      TicketElement.closed,
    ]);
    const notice = smtp.received.filter((m) => m.subject?.startsWith(`Заявка №${id} выполнена`)).at(-1);
    const surveyToken = linkTokenIn(notice?.text ?? '');
    expect(surveyToken).toBeDefined();
    // The link expires with the survey: once the ticket is closed its token opens nothing.
    const late = await call('POST', `/tickets/${id}/survey`, { body: { token: surveyToken, csat: 4 } });
    expect([late.status, late.body.code]).toEqual([403, 'BAD_SURVEY_TOKEN']);
    const reopen = await call('POST', `/tickets/${id}/reopen`, { body: { token: surveyToken, reason: 'Снова' } });
    expect([reopen.status, reopen.body.code]).toEqual([403, 'BAD_SURVEY_TOKEN']);
  });
});
