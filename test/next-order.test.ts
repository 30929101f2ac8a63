import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clients, operatorGroupMembers, operatorGroups, operators, queues, tickets } from '../src/db/schema';
import { startTestDesk } from './support/desk';
import { listen } from './support/http';

/** `next` offers by priority, then the SLA's time to first response, then age. */
describe('the order in which next offers waiting tickets', () => {
  let desk: Awaited<ReturnType<typeof startTestDesk>>;
  let call: Awaited<ReturnType<typeof listen>>['call'];
  let queueId: number;
  const base = 1_900_000_000 + Math.floor(Math.random() * 100_000_000);
  const pullers = [`order-a-${base}`, `order-b-${base}`];

  beforeAll(async () => {
    desk = await startTestDesk();
    ({ call } = await listen(desk.app));
    const [group] = await desk.db.select().from(operatorGroups).where(eq(operatorGroups.code, 'first-line'));
    // A queue of its own (no category reaches it), so tickets of other test files stay out.
    [{ id: queueId }] = await desk.db
      .insert(queues)
      .values({
        code: `order-${base}`,
        name: 'Order test',
        groupId: group!.id,
        categories: ['order-test'],
        position: 1,
      })
      .returning({ id: queues.id });
    // Operators of their own, with nothing in work from other test files.
    await desk.db
      .insert(operators)
      .values(pullers.map((id) => ({ id, name: id, role: 'operator' as const, supportLine: 1 })));
    await desk.db
      .insert(operatorGroupMembers)
      .values(pullers.map((operatorId) => ({ operatorId, groupId: group!.id })));
    const [client] = await desk.db.select({ id: clients.id }).from(clients).limit(1);
    const minutes = (n: number) => new Date(Date.now() + n * 60_000);
    const waiting = (
      id: number,
      priority: 'normal' | 'high',
      queuedMinutesAgo: number,
      responseDueInMinutes: number | null,
    ) => ({
      id,
      workflowId: `ticket-${id}`,
      channel: 'api' as const,
      subject: 'order',
      description: 'order',
      clientId: client!.id,
      stage: 'queued' as const,
      category: 'order-test',
      priority,
      queueId,
      queuedAt: minutes(-queuedMinutesAgo),
      responseDueAt: responseDueInMinutes === null ? null : minutes(responseDueInMinutes),
    });
    await desk.db.insert(tickets).values([
      waiting(base + 1, 'normal', 30, 120), // oldest, but its response is due last
      waiting(base + 2, 'normal', 10, 15), // due soonest among the normal ones
      waiting(base + 3, 'normal', 20, null), // no agreement: after those with one
      waiting(base + 4, 'high', 1, 240), // priority first
    ]);
  });

  afterAll(async () => {
    await desk?.db.delete(tickets).where(inArray(tickets.id, [base + 1, base + 2, base + 3, base + 4]));
    await desk?.stop();
  });

  it('is priority, then SLA response due time, then age, and the listing shows the due time', async () => {
    const listing = await call('GET', `/queues/${queueId}/tickets`, { operator: pullers[0] });
    expect(listing.body.find((t: { id: number }) => t.id === base + 2).slaDueAt).toMatch(/^\d{4}-/);
    const offered: number[] = [];
    for (const operator of [...pullers, `order-c-${base}`]) {
      if (operator.startsWith('order-c')) {
        await desk.db.insert(operators).values({ id: operator, name: operator, role: 'operator', supportLine: 1 });
        await desk.db.insert(operatorGroupMembers).values({
          operatorId: operator,
          groupId: (await desk.db.select().from(queues).where(eq(queues.id, queueId)))[0]!.groupId,
        });
      }
      const offer = await call('POST', `/queues/${queueId}/next`, { operator });
      expect(offer.status).toBe(200);
      expect(offer.body.ticket.slaDueAt === null).toBe(offer.body.ticketId === base + 3);
      offered.push(offer.body.ticketId);
    }
    expect(offered).toEqual([base + 4, base + 2, base + 1]);
  });
});
