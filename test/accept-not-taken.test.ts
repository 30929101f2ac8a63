import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordTicketEvent } from '../src/db/events';
import { ticketEvents, tickets } from '../src/db/schema';
import { ticketWorkflowId } from '../src/domain/process';
import { acceptedEvent } from '../src/domain/ticket-events';
import { stageQuery } from '../workflows/ticket';
import { startTestDesk } from './support/desk';
import { listen } from './support/http';
import { ticketDriver } from './support/tickets';

/**
 * An accept whose write committed while its update was lost (a worker killed mid-task, past the
 * API's resending: test/update-retry.test.ts) leaves a row that names an assignee the workflow never
 * took. When the workflow then gives the ticket to another operator, its view wins: before, the
 * accept activity threw ("is assigned to …") and was retried for ever, and the ticket stood still.
 */
describe('a row naming an assignee its workflow never took', () => {
  let desk: Awaited<ReturnType<typeof startTestDesk>>;
  let driver: ReturnType<typeof ticketDriver>;

  beforeAll(async () => {
    desk = await startTestDesk();
    const { call } = await listen(desk.app);
    driver = ticketDriver(desk, call);
  });
  afterAll(async () => {
    await desk?.stop();
  });

  it('is corrected by the accept the workflow takes: the row, the quote time and the trail say so', async () => {
    const id = await driver.register({
      subject: 'Не печатает принтер',
      description: 'Принтер в бухгалтерии не печатает',
      client: { email: `not-taken-${Math.random().toString(36).slice(2, 8)}@example.com` },
    });
    await driver.reaches(id, 'queued');
    // What the lost accept of petrov left: the row in work for him, and his event.
    const lostAt = new Date(Date.now() - 60_000);
    await desk.db
      .update(tickets)
      .set({ assigneeId: 'petrov', stage: 'in_work', acceptedAt: lostAt })
      .where(eq(tickets.id, id));
    await recordTicketEvent(desk.db, acceptedEvent(id, 'petrov', undefined, lostAt, { price: null, dueAt: null }));

    await driver.accept(id, 'ivanova');

    const [row] = await desk.db.select().from(tickets).where(eq(tickets.id, id));
    expect(row).toMatchObject({ assigneeId: 'ivanova', stage: 'in_work' });
    expect(row!.acceptedAt!.getTime()).toBeGreaterThan(lostAt.getTime() + 30_000);
    const trail = await desk.db
      .select({ action: ticketEvents.action, actor: ticketEvents.actor, data: ticketEvents.data })
      .from(ticketEvents)
      .where(and(eq(ticketEvents.ticketId, id), eq(ticketEvents.elementId, 'accept')))
      .orderBy(asc(ticketEvents.at), asc(ticketEvents.id));
    expect(trail.map((e) => [e.action, e.actor])).toEqual([
      ['accepted', 'petrov'],
      ['accept_not_taken', 'petrov'],
      ['accepted', 'ivanova'],
    ]);
    expect(trail[1]!.data).toMatchObject({ to: 'ivanova' });
    const handle = desk.temporal.workflow.getHandle(ticketWorkflowId(id));
    expect(await handle.query(stageQuery)).toBe('in_work');

    // The ticket goes on as ivanova's: she resolves it.
    await driver.resolve(id, 'ivanova');
    await driver.reaches(id, 'awaiting_survey');
  });
});
