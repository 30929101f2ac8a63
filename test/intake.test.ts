import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createActivities } from '../activities';
import { createMailer } from '../src/channels/email';
import { closeDatabase, openDatabase, type Database } from '../src/db/client';
import { seedDemoData } from '../src/db/seed';
import { ticketEvents, tickets } from '../src/db/schema';
import type { TicketIntake } from '../workflows/types';

/** intakeTicket against the real database: first attempt, retry, and a row left by the old step-by-step intake. */
describe('intakeTicket registers, classifies and queues in one go', () => {
  let db: Database;
  let activities: ReturnType<typeof createActivities>;

  beforeAll(async () => {
    db = openDatabase(inject('databaseUrl'), { max: 2 });
    await seedDemoData(db);
    const mailer = createMailer({ from: 'Desk <desk@desk.test>', dropDir: fs.mkdtempSync(path.join(os.tmpdir(), 'intake-mail-')) });
    activities = createActivities({ db, mailer, logger: pino({ level: 'silent' }), publicUrl: 'http://desk.test' });
  });
  afterAll(() => closeDatabase(db));

  const newIntake = async (): Promise<TicketIntake> => {
    const [{ id }] = (await db.execute(sql`select nextval('ticket_number_seq')::int as id`)) as unknown as [{ id: number }];
    return { ticketId: id, channel: 'web', subject: 'Разбит экран телефона', description: 'Экран треснул, срочно', client: { phone: '8 (916) 123-45-67' }, receivedAt: new Date().toISOString() };
  };
  const stateOf = async (ticketId: number) => ({
    row: (await db.select().from(tickets).where(eq(tickets.id, ticketId)))[0],
    events: (await db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticketId)).orderBy(ticketEvents.id)).map((e) => e.dedupeKey),
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
    expect(before.row).toMatchObject({ stage: 'queued', category: 'repair', priority: 'high', queueId: first.queued.queueId });
    expect(before.row!.queuedAt).not.toBeNull();
    expect(before.events).toEqual(['received', 'register', 'classify', 'queue']);

    expect(await activities.intakeTicket(intake)).toEqual(first);
    const after = await stateOf(intake.ticketId);
    expect(after.events).toEqual(before.events);
    expect(after.row).toMatchObject({ stage: 'queued', queueId: first.queued.queueId, queuedAt: before.row!.queuedAt });
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
});
