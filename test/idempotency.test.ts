import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketEvents, ticketWorkEntries } from '../src/db/schema';
import { keyedEntryId } from '../src/domain/idempotency';
import { startTestDesk } from './support/desk';
import { listen } from './support/http';
import { ticketDriver } from './support/tickets';

describe('keyedEntryId', () => {
  it('is one UUID per ticket, operator and key, and another for any of them changed', () => {
    const id = keyedEntryId(1001, 'ivanova', 'k-1');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(keyedEntryId(1001, 'ivanova', 'k-1')).toBe(id);
    expect(
      new Set([
        id,
        keyedEntryId(1002, 'ivanova', 'k-1'),
        keyedEntryId(1001, 'petrov', 'k-1'),
        keyedEntryId(1001, 'ivanova', 'k-2'),
      ]).size,
    ).toBe(4);
  });
});

describe('Idempotency-Key on POST /tickets/:id/work', () => {
  let desk: Awaited<ReturnType<typeof startTestDesk>>;
  let call: Awaited<ReturnType<typeof listen>>['call'];
  let driver: ReturnType<typeof ticketDriver>;
  let ticketId: number;
  beforeAll(async () => {
    desk = await startTestDesk();
    ({ call } = await listen(desk.app));
    driver = ticketDriver(desk, call);
    ticketId = await driver.register({
      subject: 'Не работает Wi-Fi',
      description: 'Роутер не раздаёт сеть',
      client: { email: `idem-${Math.random().toString(36).slice(2, 8)}@example.com` },
    });
    await driver.accept(ticketId, 'ivanova');
  });
  afterAll(async () => desk?.stop());

  const work = (body: { minutes: number; note: string }, key?: string) =>
    call('POST', `/tickets/${ticketId}/work`, {
      operator: 'ivanova',
      body,
      headers: key === undefined ? {} : { 'idempotency-key': key },
    });
  const entries = () => desk.db.select().from(ticketWorkEntries).where(eq(ticketWorkEntries.ticketId, ticketId));
  const recorded = async () =>
    (await desk.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticketId))).filter(
      (event) => event.action === 'work_recorded',
    ).length;

  it('records the work once however often it is sent with one key, and answers each time as the first', async () => {
    const body = { minutes: 20, note: 'перезагрузка роутера' };
    const answers = [
      ...(await Promise.all([work(body, 'retry-1'), work(body, 'retry-1')])),
      await work(body, 'retry-1'),
    ];
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201]);
    expect(new Set(answers.map((a) => a.body.entryId)).size).toBe(1);
    expect((await entries()).map((e) => e.minutes)).toEqual([20]);
    expect(await recorded()).toBe(1);
    expect(answers[2]!.body.totalMinutes).toBe(20);
  });

  it('refuses the key sent with other work, naming it; a new key or none records new work', async () => {
    const reused = await work({ minutes: 45, note: 'другое' }, 'retry-1');
    expect(reused.status).toBe(409);
    expect(reused.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(reused.body.message).toContain('"retry-1"');
    expect((await work({ minutes: 5, note: 'проверка' }, 'retry-2')).status).toBe(201);
    expect((await work({ minutes: 5, note: 'проверка' })).status).toBe(201);
    expect((await work({ minutes: 5, note: 'проверка' })).status).toBe(201);
    expect((await entries()).map((e) => e.minutes).sort((a, b) => a - b)).toEqual([5, 5, 5, 20]);
  });

  it('refuses a key that is empty, too long or not printable ASCII with a 400 naming the header', async () => {
    for (const key of ['', 'x'.repeat(201), 'has space', 'caf\u00e9'])
      expect(await work({ minutes: 1, note: 'x' }, key), JSON.stringify(key)).toMatchObject({
        status: 400,
        body: { message: expect.stringMatching(/idempotency-key/) },
      });
  });
});
