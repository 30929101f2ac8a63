import { and, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { operatorGroupMembers, operatorGroups, operators, queues, ticketEvents, tickets } from '../../src/db/schema';
import { startTestDesk } from './desk';
import { listen } from './http';
import { recordHistory as keepHistory } from './histories';

export type Desk = Awaited<ReturnType<typeof startTestDesk>>;
export type Call = Awaited<ReturnType<typeof listen>>['call'];

/** Long enough that a slow, shared machine does not lapse an offer mid-test; the expiry test waits it out. */
export const OFFER_TTL_MS = 4000;

/** A word no other test uses: rules keyed on it route only this file's tickets, to a queue of its own. */
export function routingNames() {
  const run = Math.random().toString(36).slice(2, 7);
  return {
    run,
    token: `zq${run}`,
    category: `cat-${run}`,
    queueCode: `q-${run}`,
    op: (n: number) => `op${n}-${run}`,
  };
}
export type RoutingNames = ReturnType<typeof routingNames>;

/** A desk with the file's own group of eight operators, its queue, and a rule routing the token there. */
export async function startRoutingDesk({ run, token, category, queueCode, op }: RoutingNames) {
  const desk = await startTestDesk({ offerTtlMs: OFFER_TTL_MS });
  const { call } = await listen(desk.app);
  const [group] = await desk.db
    .insert(operatorGroups)
    .values({ code: `g-${run}`, name: 'Test group' })
    .returning();
  const [queue] = await desk.db
    .insert(queues)
    .values({ code: queueCode, name: 'Test queue', groupId: group!.id, categories: [category] })
    .returning();
  await desk.db
    .insert(operators)
    .values(Array.from({ length: 8 }, (_, i) => ({ id: op(i + 1), name: `Operator ${i + 1}`, ticketLimit: 50 })));
  await desk.db
    .insert(operatorGroupMembers)
    .values(Array.from({ length: 8 }, (_, i) => ({ operatorId: op(i + 1), groupId: group!.id })));
  const rule = await call('POST', '/rules', {
    operator: 'sidorova',
    body: { name: `Test ${run}`, condition: { words: [token] }, outcome: { category, queueCode } },
  });
  expect(rule.status).toBe(201);
  return { desk, call, queueId: queue!.id };
}

/** What the tests do with that desk; `current` gives the desk once the file's beforeAll has started it. */
export function routingHelpers(
  current: () => { desk: Desk; call: Call; queueId: number },
  { run, token, queueCode }: RoutingNames,
) {
  let phone = 0;
  const register = async (subject: string, description = 'Подробности только для исполнителя') => {
    phone += 1;
    const response = await current().call('POST', '/tickets', {
      body: {
        subject,
        description,
        client: {
          name: 'Секретный Клиент',
          phone: `+7999${run.length}${String(Date.now() % 1000).padStart(3, '0')}${String(phone).padStart(3, '0')}`,
        },
      },
    });
    expect(response.status).toBe(201);
    return response.body as { id: number; category: string; queue: { id: number; code: string } };
  };
  const queuedTicket = async () => {
    const ticket = await register(`${token} не работает`, `Секретное описание ${token}`);
    expect(ticket.queue.code).toBe(queueCode);
    return ticket.id;
  };
  const eventsOf = (ticketId: number) =>
    current().desk.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticketId)).orderBy(ticketEvents.id);
  const drainQueue = async () => {
    // Earlier tests may leave tickets waiting: a manager transfers them out of the way.
    const waiting = await current()
      .desk.db.select({ id: tickets.id })
      .from(tickets)
      .where(and(eq(tickets.queueId, current().queueId), eq(tickets.stage, 'queued')));
    for (const { id } of waiting) {
      const moved = await current().call('POST', `/tickets/${id}/transfer`, {
        operator: 'sidorova',
        body: { toQueueId: 1, reason: 'clearing the test queue' },
      });
      expect(moved.status).toBe(200);
    }
  };
  const recordHistory = (ticketId: number, topic: string) => keepHistory(current().desk, ticketId, `routing-${topic}`);
  const setLimit = (operatorId: string, limit: number) =>
    current().desk.db.update(operators).set({ ticketLimit: limit }).where(eq(operators.id, operatorId));
  return { register, queuedTicket, eventsOf, drainQueue, recordHistory, setLimit };
}
