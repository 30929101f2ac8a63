import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorGroupMembers, operatorGroups, operators, queues, ticketOffers, tickets } from '../src/db/schema';
import { missingCompetence } from '../src/domain/access';
import { startTestDesk } from './support/desk';
import { listen } from './support/http';

type Desk = Awaited<ReturnType<typeof startTestDesk>>;

const run = Math.random()
  .toString(36)
  .replace(/[^a-z]/g, '')
  .slice(0, 6);
const word = `zc${run}`;
const category = `comp-${run}`;
const competence = `microsoldering-${run}`;
const skilled = `skilled-${run}`;
const unskilled = `unskilled-${run}`;

describe('the competence a catalog service requires', () => {
  let desk: Desk;
  let call: Awaited<ReturnType<typeof listen>>['call'];
  let queueId: number;
  let autoQueueCode: string;
  let phone = 0;

  const register = async (subject: string) => {
    phone += 1;
    const registered = await call('POST', '/tickets', {
      body: {
        subject,
        description: `Секретное описание ${subject}`,
        client: { name: 'Секретный Клиент', email: `c${phone}-${run}@example.com` },
      },
    });
    expect(registered.status).toBe(201);
    return registered.body as { id: number; serviceCode: string; queue: { id: number; code: string } };
  };

  beforeAll(async () => {
    desk = await startTestDesk({ offerTtlMs: 30_000 });
    ({ call } = await listen(desk.app));
    const [group] = await desk.db
      .insert(operatorGroups)
      .values({ code: `gc-${run}`, name: 'Competence group' })
      .returning();
    const [queue] = await desk.db
      .insert(queues)
      .values({ code: `qc-${run}`, name: 'Competence queue', groupId: group!.id, categories: [category] })
      .returning();
    queueId = queue!.id;
    autoQueueCode = `qca-${run}`;
    // Its filter takes only this test's category: an empty one would take every other test's tickets.
    await desk.db.insert(queues).values({
      code: autoQueueCode,
      name: 'Competence auto queue',
      groupId: group!.id,
      categories: [category],
      autoAssign: true,
    });
    await desk.db.insert(operators).values([
      { id: skilled, name: 'Skilled', competences: [category, competence] },
      { id: unskilled, name: 'Unskilled', competences: [] },
    ]);
    await desk.db
      .insert(operatorGroupMembers)
      .values([skilled, unskilled].map((operatorId) => ({ operatorId, groupId: group!.id })));
    const service = (code: string, keyword: string, requiredCompetence?: string) =>
      call('POST', '/catalog/services', {
        operator: 'sidorova',
        body: {
          code,
          nameRu: 'Пайка платы',
          nameEn: 'Board soldering',
          category,
          price: '900.00',
          normHours: 1,
          supportLine: 1,
          keywords: [keyword],
          ...(requiredCompetence ? { requiredCompetence } : {}),
        },
      });
    expect((await service(`needs-${run}`, `плата${run}`, competence)).status).toBe(201);
    expect((await service(`plain-${run}`, `совет${run}`)).status).toBe(201);
    const rule = (name: string, words: string[], queueCode: string) =>
      call('POST', '/rules', {
        operator: 'sidorova',
        body: { name, condition: { words }, outcome: { category, queueCode } },
      });
    expect((await rule(`competence ${run}`, [word], `qc-${run}`)).status).toBe(201);
    expect((await rule(`competence auto ${run}`, [`${word}auto`], autoQueueCode)).status).toBe(201);
  });
  afterAll(async () => desk?.stop());

  it('is missing only when the service requires one the operator does not have', () => {
    expect(missingCompetence(null, [])).toBeNull();
    expect(missingCompetence('soldering', ['soldering', 'repair'])).toBeNull();
    expect(missingCompetence('soldering', [])).toBe('soldering');
    expect(missingCompetence('soldering', ['repair'])).toBe('soldering');
  });

  it('refuses an accept without it, naming the competence and nothing of the ticket; the competent operator accepts', async () => {
    const ticket = await register(`${word} сгорела плата${run} контроллера`);
    expect(ticket.serviceCode).toBe(`needs-${run}`);
    expect(ticket.queue.id).toBe(queueId);

    const refused = await call('POST', `/tickets/${ticket.id}/accept`, { operator: unskilled });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'MISSING_COMPETENCE' });
    expect(refused.body.message).toContain(`"${competence}"`);
    // Blind queue: the refusal tells what is missing, not what the ticket is about or whose it is.
    expect(refused.text).not.toMatch(/контроллера|Секрет|needs-|Пайка|Board/);
    const [row] = await desk.db
      .select({ stage: tickets.stage, assigneeId: tickets.assigneeId, offeredTo: tickets.offeredTo })
      .from(tickets)
      .where(eq(tickets.id, ticket.id));
    expect(row).toEqual({ stage: 'queued', assigneeId: null, offeredTo: null });

    // Those who may not take from the queue still hear that first; a manager without it is refused too.
    const outsider = await call('POST', `/tickets/${ticket.id}/accept`, { operator: 'ivanova' });
    expect(outsider.status).toBe(403);
    expect(outsider.body.message).toMatch(/has "overview" access to queue .* and needs "take"/);

    const accepted = await call('POST', `/tickets/${ticket.id}/accept`, { operator: skilled });
    expect(accepted.status).toBe(200);
    expect(accepted.body.assigneeId).toBe(skilled);
    // Once taken, the others hear that it is taken.
    expect((await call('POST', `/tickets/${ticket.id}/accept`, { operator: unskilled })).status).toBe(409);

    // Nor can it be handed to someone without the competence.
    const handed = await call('POST', `/tickets/${ticket.id}/reassign`, {
      operator: skilled,
      body: { toOperatorId: unskilled, reason: 'в отпуск' },
    });
    expect(handed.status).toBe(409);
    expect(handed.body).toMatchObject({ code: 'ASSIGNEE_MISSING_COMPETENCE' });
    expect(handed.body.message).toContain(unskilled);
    const [still] = await desk.db
      .select({ assigneeId: tickets.assigneeId })
      .from(tickets)
      .where(eq(tickets.id, ticket.id));
    expect(still!.assigneeId).toBe(skilled);
  });

  it('offers by next only tickets the operator can take', async () => {
    const needs = await register(`${word} плата${run} не паяется`);
    const plain = await register(`${word} нужен совет${run}`);
    expect([needs.serviceCode, plain.serviceCode]).toEqual([`needs-${run}`, `plain-${run}`]);

    // The older ticket needs the competence: the unskilled operator is offered the other one, then nothing.
    const offer = await call('POST', `/queues/${queueId}/next`, { operator: unskilled });
    expect(offer.status).toBe(200);
    expect(offer.body.ticketId).toBe(plain.id);
    expect(
      (await call('POST', `/offers/${offer.body.offerId}/skip`, { operator: unskilled, body: { reason: 'не сейчас' } }))
        .status,
    ).toBe(200);
    expect((await call('POST', `/queues/${queueId}/next`, { operator: unskilled })).status).toBe(204);
    const offered = await desk.db
      .select({ ticketId: ticketOffers.ticketId })
      .from(ticketOffers)
      .where(eq(ticketOffers.operatorId, unskilled));
    expect(offered.map((o) => o.ticketId)).not.toContain(needs.id);

    const skilledOffer = await call('POST', `/queues/${queueId}/next`, { operator: skilled });
    expect(skilledOffer.body.ticketId).toBe(needs.id);
    expect((await call('POST', `/tickets/${needs.id}/accept`, { operator: skilled })).status).toBe(200);
  });

  it('auto-assigns only to an operator who has the competence', async () => {
    // The unskilled operator lists no categories (competent for all of them) and has the lighter
    // load, but lacks the service's competence: only the skilled one may take it.
    const ticket = await register(`${word}auto плата${run} вздулась`);
    expect(ticket.serviceCode).toBe(`needs-${run}`);
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
      .toEqual({ stage: 'in_work', assigneeId: skilled });
  });
});
