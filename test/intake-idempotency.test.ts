import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intakeKeys, tickets } from '../src/db/schema';
import { intakeKeyOf } from '../src/domain/idempotency';
import { startTestDesk } from './support/desk';
import { listen } from './support/http';

/**
 * `POST /tickets` with an Idempotency-Key (#15): a client whose answer was lost (the API killed
 * mid-request, a dropped connection) sends the same filing again and gets the ticket it filed,
 * never a second one; the key cannot be spent on another ticket, nor name another filer's.
 */
describe('filing a ticket with an Idempotency-Key', () => {
  let desk: Awaited<ReturnType<typeof startTestDesk>>;
  let http: Awaited<ReturnType<typeof listen>>;
  const suffix = Math.random().toString(36).slice(2, 8);
  const ticket = (email: string, subject = 'Не работает принтер') => ({
    subject,
    description: 'Принтер в приёмной не печатает',
    client: { email },
  });
  const file = (body: object, key?: string) =>
    fetch(`${http.address}/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
      body: JSON.stringify(body),
    }).then(async (response) => ({
      status: response.status,
      replayed: response.headers.get('idempotent-replayed'),
      body: (await response.json()) as { id?: number; stage?: string; code?: string; message?: string },
    }));
  const ticketsOf = async (email: string) =>
    (
      await desk.db.execute<{ n: number }>(
        sql`select count(*)::int as n from ${tickets} t join clients c on c.id = t.client_id where c.email = ${email}`,
      )
    )[0]!.n;

  beforeAll(async () => {
    desk = await startTestDesk();
    http = await listen(desk.app);
  });
  afterAll(async () => {
    await desk?.stop();
  });

  it('files once: the same key and ticket again answer with the first ticket, replayed', async () => {
    const email = `key-${suffix}-1@example.com`;
    const first = await file(ticket(email), `order-${suffix}-1`);
    expect([201, 202]).toContain(first.status);
    expect(first.replayed).toBeNull();
    // The same request, its fields in another order: the same filing.
    const again = await file(
      { client: { email }, description: ticket(email).description, subject: ticket(email).subject },
      `order-${suffix}-1`,
    );
    expect(again).toMatchObject({ status: 201, replayed: 'true', body: { id: first.body.id } });
    expect(again.body.stage).not.toBe('registering');
    expect(await ticketsOf(email)).toBe(1);
    // Without a key, the same request is a new ticket, as before.
    const unkeyed = await file(ticket(email));
    expect(unkeyed.body.id).not.toBe(first.body.id);
    expect(await ticketsOf(email)).toBe(2);
  });

  it('answers every one of requests sent at once with one ticket', async () => {
    const email = `key-${suffix}-2@example.com`;
    const answers = await Promise.all(Array.from({ length: 5 }, () => file(ticket(email), `burst-${suffix}`)));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(answers.every((a) => a.status === 201 || a.status === 202)).toBe(true);
    expect(answers.filter((a) => a.replayed === null)).toHaveLength(1);
    expect(await ticketsOf(email)).toBe(1);
  });

  it('refuses the key with another ticket (409, naming the header), and keeps each filer’s keys apart', async () => {
    const email = `key-${suffix}-3@example.com`;
    const first = await file(ticket(email), `k-${suffix}`);
    const other = await file(ticket(email, 'Не включается ноутбук'), `k-${suffix}`);
    expect(other).toMatchObject({ status: 409, body: { code: 'IDEMPOTENCY_KEY_REUSED' } });
    expect(other.body.message).toMatch(/Idempotency-Key "k-.*" was sent with another ticket/);
    // Another client's key of the same text is theirs: a ticket of their own.
    const stranger = await file(ticket(`key-${suffix}-4@example.com`), `k-${suffix}`);
    expect([201, 202]).toContain(stranger.status);
    expect(stranger.body.id).not.toBe(first.body.id);
    expect(await ticketsOf(email)).toBe(1);
  });

  it('refuses a key that is not printable ASCII, naming the header', async () => {
    const answer = await file(ticket(`key-${suffix}-5@example.com`), 'two words');
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(/idempotency-key/);
  });

  it('starts the ticket a first request took a number for and never started (the engine was away)', async () => {
    const email = `key-${suffix}-6@example.com`;
    const body = ticket(email);
    // The request's hash as the desk keeps it, from a filing of the same ticket under another key.
    const filed = await file(body, `seen-${suffix}`);
    const [seen] = await desk.db
      .select({ requestHash: intakeKeys.requestHash })
      .from(intakeKeys)
      .where(eq(intakeKeys.ticketId, filed.body.id!));
    // What a first request left: its key bound to a number, no workflow, no row.
    const { key } = intakeKeyOf(body, undefined, `lost-${suffix}`);
    const [{ ticketId }] = await desk.db
      .insert(intakeKeys)
      .values({ key, requestHash: seen!.requestHash, ticketId: sql`nextval('ticket_number_seq')` })
      .returning({ ticketId: intakeKeys.ticketId });
    const again = await file(body, `lost-${suffix}`);
    expect([201, 202]).toContain(again.status);
    expect(again).toMatchObject({ replayed: 'true', body: { id: ticketId } });
    expect(await ticketsOf(email)).toBe(2);
  });
});
