/**
 * "Ноутбук уже починили?": a client's message about a ticket they already have is attached to
 * that ticket and answered with its live status on the client's channel, not registered as a new
 * ticket. Its own database, trained on the starting corpus: whether a text is a status question
 * is the category model's call, and a model in the shared database is whatever other files taught it.
 */
import path from 'node:path';
import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clients, outbox, ticketArticles, tickets } from '../src/db/schema';
import { startTestDeskAlone } from './support/desk';
import { listen } from './support/http';
import { startSmtpSink } from './support/smtp';
import { ticketDriver } from './support/tickets';

const suffix = Math.random().toString(36).slice(2, 8);
const laptopOwner = `laptop-${suffix}@example.com`;
const laptop = {
  channel: 'web' as const,
  subject: 'Не включается ноутбук',
  description: 'Ноутбук Lenovo не включается после обновления, индикатор не горит',
  client: { email: laptopOwner, name: 'Анна' },
};
const readyYet = {
  channel: 'web' as const,
  subject: 'Ноутбук уже починили?',
  description: 'Здравствуйте! Ноутбук уже починили? Когда можно забрать?',
  client: { email: laptopOwner },
};

describe('status questions', () => {
  let desk: Awaited<ReturnType<typeof startTestDeskAlone>>;
  let call: Awaited<ReturnType<typeof listen>>['call'];
  let driver: ReturnType<typeof ticketDriver>;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    desk = await startTestDeskAlone('status_questions', {
      smtpUrl: smtp.url,
      startingCorpus: path.resolve(__dirname, '..', 'data', 'tickets-labelled.jsonl'),
    });
    ({ call } = await listen(desk.app));
    driver = ticketDriver(desk, call, smtp);
  });
  afterAll(async () => {
    await desk?.stop();
    await smtp?.close();
  });

  const ticketsOf = async (email: string) =>
    (
      await desk.db
        .select({ n: count() })
        .from(tickets)
        .innerJoin(clients, eq(clients.id, tickets.clientId))
        .where(eq(clients.email, email))
    )[0]!.n;
  const articlesOf = (ticketId: number, direction: 'in' | 'out') =>
    desk.db
      .select()
      .from(ticketArticles)
      .where(and(eq(ticketArticles.ticketId, ticketId), eq(ticketArticles.direction, direction)));

  it('attaches "is it ready?" to the client’s open ticket and mails its stage and due date to the contact on file', async () => {
    const id = await driver.register(laptop);
    const asked = await call('POST', '/tickets', { body: readyYet });
    expect(asked.status).toBe(200);
    expect(asked.body).toMatchObject({ attached: true });
    // Whoever typed the address learns nothing of the ticket: not its number, stage or subject.
    expect(asked.text).not.toContain(String(id));
    expect(asked.text).not.toContain('Lenovo');
    expect(asked.text).not.toContain('очеред');
    expect(await ticketsOf(laptopOwner)).toBe(1);

    const mail = await smtp.waitFor((m) => m.subject?.includes(`Заявка №${id}`) ?? false);
    expect(mail.to).toMatchObject({ text: laptopOwner });
    expect(mail.subject).toBe(
      `Заявка №${id}: в очереди, ждёт специалиста / Ticket #${id}: queued, waiting for a specialist`,
    );
    expect(mail.text).toContain('Здравствуйте, Анна!');
    expect(mail.text).toMatch(/Срок выполнения: \d\d\.\d\d\.\d{4}, \d\d:\d\d \(МСК\)/);
    expect(mail.text).not.toContain('Когда можно забрать');

    const [question] = await articlesOf(id, 'in');
    expect(question).toMatchObject({ channel: 'web', body: readyYet.description, sender: laptopOwner });
    await expect.poll(async () => (await articlesOf(id, 'out')).map((a) => a.subject)).toEqual([mail.subject]);

    // A retried request is the same question: one article, one answer.
    expect((await call('POST', '/tickets', { body: readyYet })).status).toBe(200);
    expect(await articlesOf(id, 'in')).toHaveLength(1);
    const answers = await desk.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.ticketId, id), eq(outbox.purpose, `status:${question!.id}`)));
    expect(answers).toHaveLength(1);
    await expect.poll(() => articlesOf(id, 'out')).toHaveLength(1);
  });

  it('a message naming the client’s ticket goes to it whatever it says; another client’s number does not', async () => {
    const id = await driver.register({ ...laptop, client: { email: `named-${suffix}@example.com` } });
    const other = await driver.register({ ...laptop, client: { email: `other-${suffix}@example.com` } });
    const named = await call('POST', '/tickets', {
      body: {
        subject: 'Дополнение',
        description: `По заявке №${id}: зарядку тоже оставила у вас`,
        client: { email: `named-${suffix}@example.com` },
      },
    });
    expect(named.status).toBe(200);
    expect((await articlesOf(id, 'in')).map((a) => a.body)).toEqual([`По заявке №${id}: зарядку тоже оставила у вас`]);
    await smtp.waitFor((m) => m.subject?.startsWith(`Заявка №${id}:`) ?? false);

    // Naming someone else's ticket is not a way in: a new ticket of the sender's own.
    const forged = await call('POST', '/tickets', {
      body: {
        subject: 'Статус',
        description: `Что с заявкой №${other}?`,
        client: { email: `named-${suffix}@example.com` },
      },
    });
    expect(forged.status).toBe(201);
    expect(forged.body.id).not.toBe(other);
    expect(await articlesOf(other, 'in')).toHaveLength(0);
  });

  it('a status question from a client with no open ticket is a new ticket', async () => {
    const fresh = await call('POST', '/tickets', {
      body: { ...readyYet, client: { email: `nobody-${suffix}@example.com` } },
    });
    expect(fresh.status).toBe(201);
    expect(fresh.body.category).toBe('status');
  });

  it('asked after the work is done, the answer says so and the ticket is not reopened', async () => {
    const email = `done-${suffix}@example.com`;
    const id = await driver.register({ ...laptop, client: { email } });
    await driver.accept(id, 'petrov');
    await driver.resolve(id, 'petrov');
    await driver.surveyToken(id);
    const asked = await call('POST', '/tickets', { body: { ...readyYet, client: { email } } });
    expect(asked.status).toBe(200);
    const mail = await smtp.waitFor((m) => m.subject?.startsWith(`Заявка №${id}: выполнена`) ?? false);
    expect(mail.subject).toContain('waiting for your rating');
    expect(mail.text).not.toContain('Срок выполнения');
    expect(await driver.stage(id)).toBe('awaiting_survey');
  });
});
