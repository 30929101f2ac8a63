import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorGroupMembers, operatorGroups, operators, queues, ticketOffers, tickets } from '../src/db/schema';
import {
  OFFER_TTL_MS,
  routingHelpers,
  routingNames,
  startRoutingDesk,
  type Call,
  type Desk,
} from './support/routing-fixture';

/** Blind queues, offers pulled by operators, moves between people and queues, and auto-assignment. */
describe('blind queues and pulling work', () => {
  const names = routingNames();
  const { run, token, category, op } = names;
  let desk: Desk;
  let call: Call;
  let queueId: number;
  const { register, queuedTicket, eventsOf, drainQueue, recordHistory, setLimit } = routingHelpers(
    () => ({ desk, call, queueId }),
    names,
  );

  beforeAll(async () => {
    ({ desk, call, queueId } = await startRoutingDesk(names));
  });
  afterAll(() => desk?.stop());

  describe('blind until accepted', () => {
    it('hides subject, text and client on every route from anyone but the assignee and managers', async () => {
      await drainQueue();
      const id = await queuedTicket();
      const secret = /Секретн|Секретный Клиент|\+7999/;

      const listing = await call('GET', `/queues/${queueId}/tickets`, { operator: op(1) });
      const listed = listing.body.find((t: { id: number }) => t.id === id);
      expect(Object.keys(listed).sort()).toEqual([
        'ageSeconds',
        'category',
        'channel',
        'id',
        'offered',
        'priority',
        'queueId',
        'slaDueAt',
        'stage',
      ]);

      const offer = await call('POST', `/queues/${queueId}/next`, { operator: op(1) });
      expect(offer.body.ticketId).toBe(id);
      expect(offer.text).not.toMatch(secret);

      for (const viewer of [op(1), op(2), 'ivanova']) {
        const read = await call('GET', `/tickets/${id}`, { operator: viewer });
        expect(read.status).toBe(200);
        expect(read.text).not.toMatch(secret);
        // The agreement (and its budgets) would name the service and the client's category.
        const sla = await call('GET', `/tickets/${id}/sla`, { operator: viewer });
        expect(sla.status).toBe(200);
        expect(sla.body).not.toHaveProperty('agreementId');
        expect(sla.body.targets.every((t: object) => !('budgetMs' in t) && !('usedMs' in t))).toBe(true);
        const events = await call('GET', `/tickets/${id}/events`, { operator: viewer });
        expect(events.text).not.toMatch(secret);
        expect(events.body.every((e: object) => !('data' in e))).toBe(true);
        // A subject search must not reveal a ticket nobody has accepted (managers excepted).
        const search = await call('GET', `/tickets?q=${encodeURIComponent(token)}`, { operator: viewer });
        expect(search.status).toBe(200);
        expect(search.body.map((t: { id: number }) => t.id)).not.toContain(id);
      }

      // Refusals say what went wrong, not what the ticket is about.
      const refusals = [
        await call('POST', `/tickets/${id}/accept`, { operator: op(2) }),
        await call('POST', `/tickets/${id}/accept`, { operator: 'ivanova' }),
        await call('POST', `/tickets/${id}/work`, { operator: op(2), body: { minutes: 5, note: 'x' } }),
        // A guessed checklist step must not make the answer list the service's checklist.
        await call('POST', `/tickets/${id}/work`, {
          operator: op(2),
          body: { minutes: 5, note: 'x', stepsDone: ['guess'] },
        }),
        await call('POST', `/tickets/${id}/category`, { operator: op(2), body: { category: 'billing' } }),
        await call('POST', `/tickets/${id}/return`, { operator: op(2), body: { reason: 'x' } }),
      ];
      // ivanova overviews the queue but may not take from it: that comes before whom it is offered to.
      expect(refusals.map((r) => [r.status, r.body.code])).toEqual([
        [409, 'OFFERED_TO_ANOTHER'],
        [403, 'NO_QUEUE_ACCESS'],
        [409, 'NOT_IN_WORK'],
        [403, 'NOT_ASSIGNEE'],
        [403, 'NOT_ASSIGNEE'],
        [409, 'NOT_IN_WORK'],
      ]);
      for (const refusal of refusals) expect(refusal.text).not.toMatch(secret);
      expect(refusals[3]!.text).not.toMatch(/checklist/);

      const accepted = await call('POST', `/tickets/${id}/accept`, { operator: op(1) });
      expect(accepted.status).toBe(200);
      expect(accepted.body).toMatchObject({ subject: `${token} не работает`, client: { name: 'Секретный Клиент' } });
      const own = await call('GET', `/tickets?q=${encodeURIComponent(token)}`, { operator: op(1) });
      expect(own.body.map((t: { id: number }) => t.id)).toEqual([id]);
      expect(own.text).not.toMatch(secret);
      // Held by another, the ticket is still blind to op(2): their search does not even match it.
      const foreign = await call('GET', `/tickets?q=${encodeURIComponent(token)}`, { operator: op(2) });
      expect(foreign.body.map((t: { id: number }) => t.id)).not.toContain(id);
      expect((await call('GET', `/tickets/${id}/sla`, { operator: op(1) })).body).toHaveProperty('agreementId');
      const manager = await call('GET', `/tickets/${id}`, { operator: 'sidorova' });
      expect(manager.body.description).toBe(`Секретное описание ${token}`);
      expect((await call('GET', `/tickets/${id}`, { operator: op(2) })).text).not.toMatch(secret);
    });
  });

  describe('pull, not pick', () => {
    it('offers by priority then age, reserves the offer, and only the offered operator may accept it', async () => {
      await drainQueue();
      const older = await queuedTicket();
      const urgent = (await register(`${token} срочно`)).id;
      const first = await call('POST', `/queues/${queueId}/next`, { operator: op(1) });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ ticketId: urgent, ticket: { priority: 'high', category } });
      expect(Date.parse(first.body.expiresAt) - Date.now()).toBeLessThanOrEqual(OFFER_TTL_MS);
      // Asking again is not a way to skip.
      expect((await call('POST', `/queues/${queueId}/next`, { operator: op(1) })).body.offerId).toBe(
        first.body.offerId,
      );
      const second = await call('POST', `/queues/${queueId}/next`, { operator: op(2) });
      expect(second.body.ticketId).toBe(older);

      const stolen = await call('POST', `/tickets/${urgent}/accept`, { operator: op(2) });
      expect(stolen.status).toBe(409);
      expect(stolen.body.code).toBe('OFFERED_TO_ANOTHER');
      expect((await call('POST', `/tickets/${urgent}/accept`, { operator: op(1) })).status).toBe(200);
      expect((await call('POST', `/tickets/${older}/accept`, { operator: op(2) })).status).toBe(200);
      const [offer] = await desk.db.select().from(ticketOffers).where(eq(ticketOffers.id, first.body.offerId));
      expect(offer!.outcome).toBe('accepted');
      expect((await call('POST', `/queues/${queueId}/next`, { operator: op(1) })).status).toBe(204);
    });

    it('never offers one ticket to two operators at once, and every ticket gets taken', async () => {
      await drainQueue();
      const ids = await Promise.all(Array.from({ length: 12 }, () => queuedTicket()));
      const pullers = [3, 4, 5, 6, 7, 8].map(op);
      const taken: number[] = [];
      for (let round = 0; round < 6 && taken.length < ids.length; round++) {
        const offers = await Promise.all(
          pullers.map((operator) => call('POST', `/queues/${queueId}/next`, { operator })),
        );
        const offered = offers.filter((o) => o.status === 200).map((o) => o.body.ticketId as number);
        expect(offers.every((o) => o.status === 200 || o.status === 204)).toBe(true);
        expect(new Set(offered).size).toBe(offered.length);
        const accepts = await Promise.all(
          offers.map((o, i) =>
            o.status === 200 ? call('POST', `/tickets/${o.body.ticketId}/accept`, { operator: pullers[i] }) : undefined,
          ),
        );
        expect(accepts.filter(Boolean).every((a) => a!.status === 200)).toBe(true);
        taken.push(...offered);
      }
      expect(taken.sort()).toEqual([...ids].sort());
      const assignees = await desk.db
        .select({ id: tickets.id, assigneeId: tickets.assigneeId })
        .from(tickets)
        .where(inArray(tickets.id, ids));
      expect(assignees.every((t) => t.assigneeId !== null)).toBe(true);
    });

    it('records a skip with its reason and does not offer the ticket to the same operator again', async () => {
      await drainQueue();
      const id = await queuedTicket();
      const offer = await call('POST', `/queues/${queueId}/next`, { operator: op(3) });
      expect(offer.body.ticketId).toBe(id);
      expect(
        (await call('POST', `/offers/${offer.body.offerId}/skip`, { operator: op(3), body: { reason: '' } })).status,
      ).toBe(400);
      expect(
        (await call('POST', `/offers/${offer.body.offerId}/skip`, { operator: op(4), body: { reason: 'not mine' } }))
          .status,
      ).toBe(404);
      const skipped = await call('POST', `/offers/${offer.body.offerId}/skip`, {
        operator: op(3),
        body: { reason: 'Нет запчастей для этой модели' },
      });
      expect(skipped.body).toMatchObject({ ticketId: id, outcome: 'skipped', reason: 'Нет запчастей для этой модели' });
      expect(
        (await call('POST', `/offers/${offer.body.offerId}/skip`, { operator: op(3), body: { reason: 'again' } }))
          .status,
      ).toBe(409);
      expect((await call('POST', `/queues/${queueId}/next`, { operator: op(3) })).status).toBe(204);
      expect((await call('POST', `/queues/${queueId}/next`, { operator: op(4) })).body.ticketId).toBe(id);
      const skip = (await eventsOf(id)).find((e) => e.action === 'skipped')!;
      expect(skip).toMatchObject({
        elementId: 'queue',
        actor: op(3),
        data: { offerId: offer.body.offerId, reason: 'Нет запчастей для этой модели' },
      });
      await call('POST', `/tickets/${id}/accept`, { operator: op(4) });
    });

    it('returns an offer not taken in time to the queue', async () => {
      await drainQueue();
      const id = await queuedTicket();
      const offer = await call('POST', `/queues/${queueId}/next`, { operator: op(5) });
      expect(offer.body.ticketId).toBe(id);
      expect((await call('POST', `/queues/${queueId}/next`, { operator: op(6) })).status).toBe(204);
      await new Promise((resolve) => setTimeout(resolve, OFFER_TTL_MS + 300));
      const again = await call('POST', `/queues/${queueId}/next`, { operator: op(6) });
      expect(again.body.ticketId).toBe(id);
      const [lapsed] = await desk.db.select().from(ticketOffers).where(eq(ticketOffers.id, offer.body.offerId));
      expect(lapsed!.outcome).toBe('expired');
      expect((await eventsOf(id)).map((e) => e.action)).toEqual(expect.arrayContaining(['offered', 'offer_expired']));
      expect((await call('POST', `/tickets/${id}/accept`, { operator: op(5) })).body.code).toBe('OFFERED_TO_ANOTHER');
      expect((await call('POST', `/tickets/${id}/accept`, { operator: op(6) })).status).toBe(200);
    });

    it('offers nothing to an operator at their limit', async () => {
      await drainQueue();
      const id = await queuedTicket();
      await setLimit(op(7), 0);
      const refused = await call('POST', `/queues/${queueId}/next`, { operator: op(7) });
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('AT_LIMIT');
      const inWork = (
        await desk.db
          .select({ id: tickets.id })
          .from(tickets)
          .where(and(eq(tickets.assigneeId, op(7)), eq(tickets.stage, 'in_work')))
      ).length;
      await setLimit(op(7), inWork + 1);
      const offer = await call('POST', `/queues/${queueId}/next`, { operator: op(7) });
      expect(offer.body.ticketId).toBe(id);
      // The open offer counts towards the limit.
      await queuedTicket();
      expect((await call('POST', `/queues/${queueId}/next`, { operator: op(7) })).body.offerId).toBe(
        offer.body.offerId,
      );
      await call('POST', `/tickets/${id}/accept`, { operator: op(7) });
      expect((await call('POST', `/queues/${queueId}/next`, { operator: op(7) })).body.code).toBe('AT_LIMIT');
      expect((await call('POST', `/queues/${queueId}/next`, { operator: 'ivanova' })).status).toBe(403);
    });
  });

  describe('reassign, return, transfer', () => {
    it('are allowed to the assignee and managers, and recorded with who and why', async () => {
      const id = await queuedTicket();
      expect((await call('POST', `/tickets/${id}/accept`, { operator: op(1) })).status).toBe(200);

      const outsider = await call('POST', `/tickets/${id}/reassign`, {
        operator: op(2),
        body: { toOperatorId: op(2), reason: 'I want it' },
      });
      expect(outsider.status).toBe(403);
      const notInGroup = await call('POST', `/tickets/${id}/reassign`, {
        operator: op(1),
        body: { toOperatorId: 'ivanova', reason: 'Отпуск' },
      });
      expect(notInGroup.status).toBe(403);
      const reassigned = await call('POST', `/tickets/${id}/reassign`, {
        operator: op(1),
        body: { toOperatorId: op(2), reason: 'Ухожу в отпуск' },
      });
      expect(reassigned.status).toBe(200);
      expect(reassigned.body).toMatchObject({ ticketId: id, stage: 'in_work', assigneeId: op(2) });
      expect(
        (await call('POST', `/tickets/${id}/work`, { operator: op(1), body: { minutes: 5, note: 'x' } })).status,
      ).toBe(403);
      expect(
        (await call('POST', `/tickets/${id}/work`, { operator: op(2), body: { minutes: 5, note: 'Принял дела' } }))
          .status,
      ).toBe(201);

      const returned = await call('POST', `/tickets/${id}/return`, {
        operator: 'sidorova',
        body: { reason: 'Нужна вторая линия' },
      });
      expect(returned.body).toMatchObject({ stage: 'queued', assigneeId: null });
      const transferred = await call('POST', `/tickets/${id}/transfer`, {
        operator: op(3),
        body: { toQueueId: 2, reason: 'Это ремонт' },
      });
      expect(transferred.body).toMatchObject({ stage: 'queued', queue: { id: 2, code: 'repairs' } });
      expect((await call('POST', `/tickets/${id}/accept`, { operator: op(3) })).status).toBe(403);
      expect((await call('POST', `/tickets/${id}/accept`, { operator: 'petrov' })).status).toBe(200);

      const moves = (await eventsOf(id)).filter((e) =>
        ['reassigned', 'returned_to_queue', 'transferred'].includes(e.action),
      );
      expect(moves.map((e) => [e.action, e.actor, e.data.reason])).toEqual([
        ['reassigned', op(1), 'Ухожу в отпуск'],
        ['returned_to_queue', 'sidorova', 'Нужна вторая линия'],
        ['transferred', op(3), 'Это ремонт'],
      ]);
      expect(moves[0]!.data).toMatchObject({ from: op(1), to: op(2) });
      expect(moves[2]!.data).toMatchObject({ fromQueueId: queueId, toQueue: 'repairs' });
      await recordHistory(id, 'moves');
    });
  });

  describe('auto-assignment', () => {
    it('gives each new ticket to the least-loaded competent operator below their limit, else leaves it queued', async () => {
      const word = `xq${run}`;
      const autoCategory = `auto-${run}`;
      const [group] = await desk.db
        .insert(operatorGroups)
        .values({ code: `ga-${run}`, name: 'Auto group' })
        .returning();
      await desk.db.insert(queues).values({
        code: `qa-${run}`,
        name: 'Auto queue',
        groupId: group!.id,
        categories: [autoCategory],
        autoAssign: true,
      });
      const team = [
        { id: `a1-${run}`, competences: [autoCategory] },
        { id: `a2-${run}`, competences: [] },
        { id: `a3-${run}`, competences: ['plumbing'] },
      ];
      await desk.db
        .insert(operators)
        .values(team.map((o) => ({ id: o.id, name: o.id, competences: o.competences, ticketLimit: 2 })));
      await desk.db.insert(operatorGroupMembers).values(team.map((o) => ({ operatorId: o.id, groupId: group!.id })));
      await call('POST', '/rules', {
        operator: 'sidorova',
        body: {
          name: `auto ${run}`,
          condition: { words: [word] },
          outcome: { category: autoCategory, queueCode: `qa-${run}` },
        },
      });

      const assignees: Array<string | null> = [];
      const ticketIds: number[] = [];
      for (let i = 0; i < 5; i++) {
        const ticket = await register(`${word} ${i}`);
        ticketIds.push(ticket.id);
        // The hold is written with the queue step, the accept just after the intake answer: wait for it.
        const [hold] = await desk.db
          .select({ operatorId: ticketOffers.operatorId })
          .from(ticketOffers)
          .where(eq(ticketOffers.ticketId, ticket.id));
        assignees.push(hold?.operatorId ?? null);
        if (!hold) continue;
        await expect
          .poll(
            async () =>
              (
                await desk.db
                  .select({ stage: tickets.stage, assigneeId: tickets.assigneeId })
                  .from(tickets)
                  .where(eq(tickets.id, ticket.id))
              )[0],
            { timeout: 15_000 },
          )
          .toEqual({ stage: 'in_work', assigneeId: hold.operatorId });
        expect((await eventsOf(ticket.id)).find((e) => e.action === 'accepted')!.actor).toBe(hold.operatorId);
        if (i === 0) await recordHistory(ticket.id, 'auto-assign');
      }
      expect(assignees).toEqual([team[0]!.id, team[1]!.id, team[0]!.id, team[1]!.id, null]);
      const [last] = await desk.db.select({ stage: tickets.stage }).from(tickets).where(eq(tickets.id, ticketIds[4]!));
      expect(last!.stage).toBe('queued');
    });
  });
});
