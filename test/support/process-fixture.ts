import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client';
import { clients, queues, ticketEvents, tickets } from '../../src/db/schema';
import { EscalationElement as X, processOfElement, TicketElement as E } from '../../src/domain/process';

export const MIN = 60_000;
/** `DDThh:mm:ss` in January 2020, or a whole date-time. */
export const at = (time: string) => new Date(time.includes('-') ? `${time}Z` : `2020-01-${time}Z`);
export const PERIOD = `from=${encodeURIComponent('2020-01-01T00:00:00Z')}&to=${encodeURIComponent('2020-01-02T00:00:00Z')}`;

export type FixtureTicket = 't1' | 't2' | 't3' | 't4' | 'other' | 'sla';

/**
 * Tickets with hand-made trails (rows written straight into ticket_events) under a category of
 * their own; the tests work out by hand the figures the statistics must give for them.
 */
export async function writeProcessFixture(db: Database) {
  const category = `fixture-${randomUUID().slice(0, 8)}`;
  const ids: Record<FixtureTicket, number> = { t1: 0, t2: 0, t3: 0, t4: 0, other: 0, sla: 0 };
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
      // Tickets of known clients, filed by staff: they run under their clients' categories.
      clientConfirmed: true,
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
  return { category, ids };
}
