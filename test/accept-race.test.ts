import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketEvents, tickets } from '../src/db/schema';
import { startTestDesk } from './support/desk';
import { listen } from './support/http';

describe('two operators accept the same ticket at once', () => {
  let desk: Awaited<ReturnType<typeof startTestDesk>>;
  let call: Awaited<ReturnType<typeof listen>>['call'];

  beforeAll(async () => {
    desk = await startTestDesk();
    ({ call } = await listen(desk.app));
  });
  afterAll(() => desk?.stop());

  it('exactly one wins, every time; the other gets 409 and nothing of theirs is stored', async () => {
    for (let round = 0; round < 8; round++) {
      const registered = await call('POST', '/tickets', {
        body: {
          subject: 'Ноутбук не включается',
          description: 'После обновления ноутбук не включается',
          client: { phone: `+7916000${String(round).padStart(4, '0')}` },
        },
      });
      expect(registered.body.queue.code).toBe('repairs');
      const id = registered.body.id;
      // petrov and sidorova are both in the workshop group.
      const [a, b] = await Promise.all([
        call('POST', `/tickets/${id}/accept`, { operator: 'petrov' }),
        call('POST', `/tickets/${id}/accept`, { operator: 'sidorova' }),
      ]);
      const statuses = [a.status, b.status].sort();
      expect(statuses).toEqual([200, 409]);
      const winner = a.status === 200 ? 'petrov' : 'sidorova';
      const loser = a.status === 200 ? b : a;
      // The loser is stopped either by the winner's reservation (taken as their accept starts) or by the workflow.
      expect(['OFFERED_TO_ANOTHER', 'ALREADY_ACCEPTED']).toContain(loser.body.code);
      const [row] = await desk.db.select({ assigneeId: tickets.assigneeId }).from(tickets).where(eq(tickets.id, id));
      expect(row!.assigneeId).toBe(winner);
      const accepts = (await desk.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, id))).filter(
        (e) => e.elementId === 'accept',
      );
      expect(accepts.map((e) => e.actor)).toEqual([winner]);
    }
  });
});
