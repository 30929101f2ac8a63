import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TicketActivities } from '../activities';
import { tickets } from '../src/db/schema';
import { startTestDesk } from './support/desk';
import { listen } from './support/http';
import { ticketDriver } from './support/tickets';

/**
 * A step's write that arrives late (an attempt of an activity outliving its ticket's next steps)
 * never moves the ticket back: the chaos run once found a closed ticket's row saying in_work.
 */
describe('late writes', () => {
  let desk: Awaited<ReturnType<typeof startTestDesk>>;
  let activities: TicketActivities;
  let driver: ReturnType<typeof ticketDriver>;

  beforeAll(async () => {
    desk = await startTestDesk({
      wrapActivities: (built) => {
        activities = built;
        return built;
      },
    });
    driver = ticketDriver(desk, (await listen(desk.app)).call);
  });
  afterAll(async () => desk?.stop());

  it('an accept written after the ticket closed leaves it closed', async () => {
    const id = await driver.register({
      subject: 'Не работает сканер',
      description: 'Сканер в приёмной не видит компьютер',
      client: { email: `late-${Math.random().toString(36).slice(2, 8)}@example.com` },
    });
    await driver.accept(id, 'ivanova');
    await driver.resolve(id, 'ivanova');
    await driver.answer(id, { csat: 5 });
    await driver.closed(id);
    await activities.acceptTicket({ ticketId: id, operatorId: 'ivanova', acceptance: 1 });
    const [row] = await desk.db.select({ stage: tickets.stage }).from(tickets).where(eq(tickets.id, id));
    expect(row!.stage).toBe('closed');
  });
});
