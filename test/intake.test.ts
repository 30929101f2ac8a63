import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createActivities } from '../activities';
import { createMailer } from '../src/channels/email';
import { closeDatabase, openDatabase, type Database } from '../src/db/client';
import { seedDemoData } from '../src/db/seed';
import {
  catalogServices,
  classificationRules,
  operatorGroups,
  queues,
  slaAgreements,
  ticketEvents,
  tickets,
} from '../src/db/schema';
import type { TicketIntake } from '../workflows/types';

/** intakeTicket against the real database: first attempt, retry, and a row left by the old step-by-step intake. */
describe('intakeTicket registers, classifies and queues in one go', () => {
  let db: Database;
  /** Another process's connection: what it changes reaches this one only through the database. */
  let other: Database;
  let activities: ReturnType<typeof createActivities>;

  beforeAll(async () => {
    db = openDatabase(inject('databaseUrl'), { max: 2 });
    other = openDatabase(inject('databaseUrl'), { max: 1 });
    await seedDemoData(db);
    const mailer = createMailer({
      from: 'Desk <desk@desk.test>',
      dropDir: fs.mkdtempSync(path.join(os.tmpdir(), 'intake-mail-')),
    });
    activities = createActivities({ db, mailer, logger: pino({ level: 'silent' }), publicUrl: 'http://desk.test' });
  });
  afterAll(async () => {
    await closeDatabase(db);
    await closeDatabase(other);
  });

  const newIntake = async (
    text: { subject: string; description: string } = {
      subject: 'Разбит экран телефона',
      description: 'Экран треснул, срочно',
    },
  ): Promise<TicketIntake> => {
    const [{ id }] = (await db.execute(sql`select nextval('ticket_number_seq')::int as id`)) as unknown as [
      { id: number },
    ];
    return {
      ticketId: id,
      channel: 'web',
      ...text,
      client: { phone: '8 (916) 123-45-67' },
      receivedAt: new Date().toISOString(),
      // Filed by staff: the client (a regular one) is confirmed and its category applies.
      identifiedBy: 'sidorova',
    };
  };
  const stateOf = async (ticketId: number) => ({
    row: (await db.select().from(tickets).where(eq(tickets.id, ticketId)))[0],
    events: (
      await db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticketId)).orderBy(ticketEvents.id)
    ).map((e) => e.dedupeKey),
  });

  it('writes the ticket queued, with its four steps on the record, and a retry changes nothing', async () => {
    const intake = await newIntake();
    const first = await activities.intakeTicket(intake);
    expect(first).toMatchObject({
      registered: { clientCategory: 'regular', newClient: false },
      classified: { category: 'repair', priority: 'high', serviceCode: 'phone-screen' },
      queued: { queueCode: 'repairs' },
    });
    const before = await stateOf(intake.ticketId);
    expect(before.row).toMatchObject({
      stage: 'queued',
      category: 'repair',
      priority: 'high',
      queueId: first.queued.queueId,
    });
    expect(before.row!.queuedAt).not.toBeNull();
    expect(before.events).toEqual(['received', 'register', 'classify', 'queue']);

    expect(await activities.intakeTicket(intake)).toEqual(first);
    const after = await stateOf(intake.ticketId);
    expect(after.events).toEqual(before.events);
    expect(after.row).toMatchObject({ stage: 'queued', queueId: first.queued.queueId, queuedAt: before.row!.queuedAt });
  });

  it('filed anonymously, a known client’s ticket runs as a one-time client’s, in one go and step by step', async () => {
    const { identifiedBy: _staff, ...anonymous } = await newIntake();
    const outcome = await activities.intakeTicket(anonymous, { startedAt: new Date().toISOString() });
    expect(outcome.registered).toMatchObject({ clientCategory: 'one_time', newClient: false });
    const [oneTime] = await db
      .select({ id: slaAgreements.id })
      .from(slaAgreements)
      .innerJoin(catalogServices, eq(catalogServices.id, slaAgreements.serviceId))
      .where(and(eq(catalogServices.code, 'phone-screen'), eq(slaAgreements.clientCategory, 'one_time')));
    expect(outcome.sla?.terms.agreementId).toBe(oneTime!.id);
    expect((await stateOf(anonymous.ticketId)).row!.clientConfirmed).toBe(false);

    const { identifiedBy: _again, ...stepwise } = await newIntake();
    expect((await activities.registerTicket(stepwise)).clientCategory).toBe('one_time');
    const finished = await activities.intakeTicket(stepwise, { startedAt: new Date().toISOString() });
    expect(finished.sla?.terms.agreementId).toBe(oneTime!.id);
  });

  it('finishes a ticket whose row the old registerTicket already wrote', async () => {
    const intake = await newIntake();
    await activities.registerTicket(intake);
    expect((await stateOf(intake.ticketId)).row!.stage).toBe('registering');

    const outcome = await activities.intakeTicket(intake);
    expect(outcome.queued.queueCode).toBe('repairs');
    const { row, events } = await stateOf(intake.ticketId);
    expect(row).toMatchObject({ stage: 'queued', category: 'repair', queueId: outcome.queued.queueId });
    expect(events).toEqual(['received', 'register', 'classify', 'queue']);
  });

  it('starts the SLA clock when asked: the agreement and both first deadlines, written with the row, as the SLA activities plan them', async () => {
    const intake = await newIntake();
    const startedAt = new Date(Date.now() - 1000).toISOString();
    const first = await activities.intakeTicket(intake, { startedAt });
    const [agreement] = await db
      .select({
        id: slaAgreements.id,
        responseSeconds: slaAgreements.responseSeconds,
        resolutionSeconds: slaAgreements.resolutionSeconds,
      })
      .from(slaAgreements)
      .innerJoin(catalogServices, eq(catalogServices.id, slaAgreements.serviceId))
      .where(and(eq(catalogServices.code, 'phone-screen'), eq(slaAgreements.clientCategory, 'regular')));
    expect(first.sla?.terms).toMatchObject({
      agreementId: agreement!.id,
      responseMs: agreement!.responseSeconds * 1000,
      resolutionMs: agreement!.resolutionSeconds * 1000,
    });

    const { terms, plans } = first.sla!;
    for (const target of ['response', 'resolution'] as const) {
      const planned = await activities.planSlaTarget({
        ticketId: intake.ticketId,
        agreementId: terms.agreementId,
        target,
        from: startedAt,
        budgetMs: target === 'response' ? terms.responseMs : terms.resolutionMs,
        usedMs: 0,
        warningShare: terms.warningShare,
        escalationAfterMs: terms.escalationAfterMs,
      });
      expect(plans[target]).toEqual({ ...planned, computedAt: expect.any(String) });
    }
    const { row, events } = await stateOf(intake.ticketId);
    expect(row).toMatchObject({
      stage: 'queued',
      slaAgreementId: terms.agreementId,
      responseDueAt: new Date(plans.response.dueAt),
      resolutionDueAt: new Date(plans.resolution.dueAt),
    });
    expect(events).toEqual(['received', 'register', 'classify', 'queue', 'sla:started', 'sla:clock']);

    const retried = await activities.intakeTicket(intake, { startedAt });
    expect(retried.sla!.terms).toEqual(terms);
    expect(retried.sla!.plans.response.dueAt).toBe(plans.response.dueAt);
    expect(retried.sla!.plans.resolution.escalateAt).toEqual(plans.resolution.escalateAt);
    expect((await stateOf(intake.ticketId)).events).toEqual(events);
  });

  it('starts the SLA clock of a ticket whose row the old registerTicket wrote', async () => {
    const intake = await newIntake();
    await activities.registerTicket(intake);
    const outcome = await activities.intakeTicket(intake, { startedAt: intake.receivedAt });
    const { row, events } = await stateOf(intake.ticketId);
    expect(row).toMatchObject({
      stage: 'queued',
      slaAgreementId: outcome.sla!.terms.agreementId,
      resolutionDueAt: new Date(outcome.sla!.plans.resolution.dueAt),
    });
    expect(events).toEqual(['received', 'register', 'classify', 'queue', 'sla:started', 'sla:clock']);
  });

  it('routes the next ticket by rules and queues another process has just changed', async () => {
    const run = Math.random().toString(36).slice(2, 8);
    const word = `xq${run}`;
    const text = { subject: `Вопрос ${word}`, description: 'Подробности' };
    expect((await activities.intakeTicket(await newIntake(text))).queued.queueCode).toBe('general');

    const [group] = await other
      .select({ id: operatorGroups.id })
      .from(operatorGroups)
      .where(eq(operatorGroups.code, 'first-line'));
    await other
      .insert(queues)
      .values({ code: `intake-${run}`, name: 'Intake test', groupId: group!.id, categories: [`cat-${run}`] });
    const [rule] = await other
      .insert(classificationRules)
      .values({
        name: `intake ${run}`,
        position: 1,
        condition: { words: [word] },
        outcome: { category: `cat-${run}`, priority: 'low' },
      })
      .returning();
    const routed = await activities.intakeTicket(await newIntake(text));
    expect(routed.classified).toMatchObject({ category: `cat-${run}`, priority: 'low' });
    expect(routed.queued.queueCode).toBe(`intake-${run}`);

    await other.update(classificationRules).set({ enabled: false }).where(eq(classificationRules.id, rule!.id));
    expect((await activities.intakeTicket(await newIntake(text))).queued.queueCode).toBe('general');
  });
});
