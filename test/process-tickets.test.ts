import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TICKET_PROCESS_ID, TicketElement as E } from '../src/domain/process';
import { startTestDesk } from './support/desk';
import { listen } from './support/http';
import { MIN, writeProcessFixture, type FixtureTicket } from './support/process-fixture';

type Desk = Awaited<ReturnType<typeof startTestDesk>>;

/** Tickets at an element, a ticket's trail and the process list, over test/support/process-fixture.ts. */
describe('process tickets and trails on a fixture of known timestamps', () => {
  let desk: Desk;
  let call: Awaited<ReturnType<typeof listen>>['call'];
  let category: string;
  let ids: Record<FixtureTicket, number>;

  beforeAll(async () => {
    desk = await startTestDesk();
    ({ call } = await listen(desk.app));
    ({ category, ids } = await writeProcessFixture(desk.db));
  });

  afterAll(async () => {
    await desk?.stop();
  });

  it('lists the tickets now at an element: summaries for operators, subject and client for managers', async () => {
    const asOperator = await call(
      'GET',
      `/processes/${TICKET_PROCESS_ID}/elements/${E.execute}/tickets?category=${category}`,
      { operator: 'ivanova' },
    );
    expect(asOperator.status).toBe(200);
    expect(asOperator.body.map((t: { id: number }) => t.id)).toEqual([ids.t2, ids.t4]);
    expect(asOperator.body[0]).not.toHaveProperty('subject');
    expect(asOperator.body[0]).not.toHaveProperty('clientName');
    expect(asOperator.body[0]).toMatchObject({ stage: 'in_work', since: '2020-01-01T01:30:00.000Z' });
    const asManager = await call(
      'GET',
      `/processes/${TICKET_PROCESS_ID}/elements/${E.execute}/tickets?category=${category}`,
      { operator: 'sidorova' },
    );
    expect(asManager.body[0]).toMatchObject({ id: ids.t2, subject: 'Fixture t2', clientName: 'Ольга Кузнецова' });
  });

  it('lets only managers filter the tickets at an element by client category: it would tell whose they are', async () => {
    const url = `/processes/${TICKET_PROCESS_ID}/elements/${E.execute}/tickets?category=${category}&clientCategory=regular`;
    const asOperator = await call('GET', url, { operator: 'ivanova' });
    expect(asOperator.status).toBe(403);
    expect(asOperator.body).toMatchObject({
      code: 'NOT_PERMITTED',
      message: expect.stringContaining('clientCategory'),
    });
    expect((await call('GET', url, { operator: 'sidorova' })).status).toBe(200);
  });

  it("gives a ticket's trail: path, current element and visits with who, when and how long", async () => {
    const trail = await call('GET', `/tickets/${ids.t1}/trail`, { operator: 'petrov' });
    expect(trail.status).toBe(200);
    expect(trail.body).toMatchObject({
      ticketId: ids.t1,
      processId: TICKET_PROCESS_ID,
      stage: 'closed',
      current: E.closed,
    });
    expect(trail.body.path).toEqual([E.queue, E.accept, E.execute, E.notify, E.survey, E.closed]);
    expect(trail.body.visits.map((v: { durationMs: number | null }) => v.durationMs)).toEqual([
      10 * MIN,
      5 * MIN,
      31 * MIN,
      30_000,
      73.5 * MIN,
      null,
    ]);
    expect(trail.body.visits[2]).toMatchObject({
      elementId: E.execute,
      actors: ['ivanova'],
      enteredAt: '2020-01-01T00:15:00.000Z',
    });
    expect(trail.body.visits[2].events).toHaveLength(2);
  });

  it('refuses bad requests with the field named, unknown processes and anonymous callers', async () => {
    const reversed = await call(
      'GET',
      `/processes/${TICKET_PROCESS_ID}/statistics?from=2020-01-02T00:00:00Z&to=2020-01-01T00:00:00Z`,
      { operator: 'ivanova' },
    );
    expect(reversed.status).toBe(400);
    expect(reversed.body.message).toMatch(/querystring\.from/);
    const badCategory = await call('GET', `/processes/${TICKET_PROCESS_ID}/statistics?clientCategory=vip`, {
      operator: 'ivanova',
    });
    expect(badCategory.status).toBe(400);
    expect(badCategory.body.message).toMatch(/clientCategory/);
    const badDate = await call('GET', `/processes/${TICKET_PROCESS_ID}/statistics?from=yesterday`, {
      operator: 'ivanova',
    });
    expect(badDate.status).toBe(400);
    expect((await call('GET', '/processes/nope/statistics', { operator: 'ivanova' })).status).toBe(404);
    expect(
      (await call('GET', `/processes/${TICKET_PROCESS_ID}/elements/nope/tickets`, { operator: 'ivanova' })).status,
    ).toBe(404);
    expect((await call('GET', `/processes/${TICKET_PROCESS_ID}/statistics`)).status).toBe(401);
  });

  it('lists the processes and serves their XML', async () => {
    const list = await call('GET', '/processes');
    expect(list.body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          id: TICKET_PROCESS_ID,
          file: 'ticket.bpmn',
          name: 'Жизненный цикл заявки / Ticket lifecycle',
        }),
      ]),
    );
    const ticketProcess = list.body.find((p: { id: string }) => p.id === TICKET_PROCESS_ID);
    expect(ticketProcess.elementIds).toContain(E.handleComplaint);
    expect(ticketProcess.elementIds).not.toContain('survey_outcome');
    const xml = await call('GET', `/processes/${TICKET_PROCESS_ID}/xml`);
    expect(xml.status).toBe(200);
    expect(xml.text).toContain('<bpmn:process id="ticket_lifecycle"');
  });
});
