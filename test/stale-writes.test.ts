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

  it('a resolution written again after the survey was requested leaves the ticket awaiting its survey', async () => {
    const id = await driver.register({
      subject: 'Не печатает принтер',
      description: 'Принтер в бухгалтерии пишет «нет связи»',
      client: { email: `late-${Math.random().toString(36).slice(2, 8)}@example.com` },
    });
    await driver.accept(id, 'ivanova');
    await driver.resolve(id, 'ivanova');
    await driver.surveyToken(id);
    const stageNow = async () =>
      (await desk.db.select({ stage: tickets.stage }).from(tickets).where(eq(tickets.id, id)))[0]!.stage;
    expect(await stageNow()).toBe('awaiting_survey');
    // The resolve step's attempt again, as a retried workflow task runs it: same ticket, same round.
    const again = await activities.resolveTicket({
      ticketId: id,
      operatorId: 'ivanova',
      resolution: 'Другое',
      round: 1,
    });
    expect(await stageNow()).toBe('awaiting_survey');
    const [row] = await desk.db
      .select({ resolution: tickets.resolution, resolvedAt: tickets.resolvedAt })
      .from(tickets)
      .where(eq(tickets.id, id));
    expect(row!.resolution).toBe('Готово / Done');
    expect(again.resolvedAt).toBe(row!.resolvedAt!.toISOString());
    // The client can answer.
    await driver.answer(id, { csat: 5 });
    await driver.closed(id);
  });

  it('a reopening written again after the ticket was resolved once more leaves it awaiting its survey', async () => {
    const id = await driver.register({
      subject: 'Не открывается почта',
      description: 'Почтовый клиент не запускается',
      client: { email: `late-${Math.random().toString(36).slice(2, 8)}@example.com` },
    });
    await driver.accept(id, 'ivanova');
    await driver.resolve(id, 'ivanova');
    await driver.reopenAsOperator(id, 'ivanova');
    await driver.resolve(id, 'ivanova');
    await driver.surveyToken(id);
    const stageNow = async () =>
      (await desk.db.select({ stage: tickets.stage }).from(tickets).where(eq(tickets.id, id)))[0]!.stage;
    await expect.poll(stageNow).toBe('awaiting_survey');
    // The reopening's attempt again (round 2, the one that ran): the ticket stays where it is.
    const again = await activities.reopenTicket({ ticketId: id, round: 2, by: 'ivanova', reason: 'снова' });
    expect(again).toEqual({ ticketId: id, round: 2, assigneeId: 'ivanova' });
    expect(await stageNow()).toBe('awaiting_survey');
  });
});
