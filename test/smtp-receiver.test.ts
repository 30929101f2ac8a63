import { eq } from 'drizzle-orm';
import nodemailer, { type Transporter } from 'nodemailer';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpReceiver } from '../src/channels/smtp-receiver';
import { inboundMessages, ticketArticles, tickets } from '../src/db/schema';
import { startTestDesk } from './support/desk';
import { listen } from './support/http';
import { ticketDriver } from './support/tickets';

const MAX_SIZE = 64 * 1024;

/** The desk as its own MX (#13): a real SMTP client (nodemailer) talks to the real receiver. */
describe('SMTP receiver', () => {
  let desk: Awaited<ReturnType<typeof startTestDesk>>;
  let driver: ReturnType<typeof ticketDriver>;
  let smtp: Transporter;
  const suffix = Math.random().toString(36).slice(2, 8);
  const client = `smtp-${suffix}@example.com`;

  const inboundOf = async (messageId: string) => {
    for (const deadline = Date.now() + 20_000; Date.now() < deadline;) {
      const rows = await desk.db.select().from(inboundMessages);
      const row = rows.find((r) => r.raw.includes(messageId) && ['attached', 'ignored'].includes(r.status));
      if (row) return row;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${messageId} was not processed`);
  };

  beforeAll(async () => {
    desk = await startTestDesk({ mailReceiver: { host: '127.0.0.1', port: 0, maxSize: MAX_SIZE } });
    const { call } = await listen(desk.app);
    driver = ticketDriver(desk, call);
    smtp = nodemailer.createTransport({ host: '127.0.0.1', port: desk.mailReceiver!.port, secure: false });
  });
  afterAll(async () => {
    smtp?.close();
    await desk?.stop();
  });

  it('takes a new e-mail as a ticket and a reply to it as its article', async () => {
    const first = `<first-${suffix}@example.com>`;
    const sent = await smtp.sendMail({
      from: `Пётр <${client}>`,
      to: 'desk@desk.test',
      subject: 'Не работает сканер',
      text: 'Сканер Canon не видит компьютер',
      messageId: first,
    });
    expect(sent.response).toMatch(/^250 2\.0\.0 stored as \d+/);
    const stored = await inboundOf(first);
    const [ticket] = await desk.db.select().from(tickets).where(eq(tickets.id, stored.ticketId!));
    expect([ticket!.channel, ticket!.subject]).toEqual(['email', 'Не работает сканер']);
    await driver.reaches(ticket!.id, 'queued');

    const reply = `<reply-${suffix}@example.com>`;
    await smtp.sendMail({
      from: client,
      to: 'Desk <desk@desk.test>',
      subject: 'Re: Не работает сканер',
      text: 'Модель — Canon LiDE 300',
      messageId: reply,
      inReplyTo: first,
    });
    expect((await inboundOf(reply)).ticketId).toBe(ticket!.id);
    const articles = await desk.db.select().from(ticketArticles).where(eq(ticketArticles.ticketId, ticket!.id));
    expect(articles.map((a) => [a.sender, a.body, a.messageId])).toEqual([
      [client, 'Сканер Canon не видит компьютер', first],
      [client, 'Модель — Canon LiDE 300', reply],
    ]);
  });

  it('refuses mail for other addresses (550) and larger than the limit (552), storing nothing', async () => {
    const before = (await desk.db.select({ id: inboundMessages.id }).from(inboundMessages)).length;
    await expect(
      smtp.sendMail({ from: client, to: 'someone@elsewhere.example', subject: 'relay?', text: 'x' }),
    ).rejects.toMatchObject({ responseCode: 550 });
    await expect(smtp.sendMail({ from: client, to: 'other@desk.test', subject: 'x', text: 'x' })).rejects.toMatchObject(
      { responseCode: 550 },
    );
    await expect(
      smtp.sendMail({ from: client, to: 'desk@desk.test', subject: 'big', text: 'x'.repeat(MAX_SIZE + 1) }),
    ).rejects.toMatchObject({ responseCode: 552 });
    expect((await desk.db.select({ id: inboundMessages.id }).from(inboundMessages)).length).toBe(before);
    // A plus-address of the desk is the desk's own.
    const plus = await smtp.sendMail({ from: client, to: 'desk+t1.abc@desk.test', subject: 'plus', text: 'y' });
    expect(plus.response).toMatch(/^250 /);
  });
});

describe('SMTP receiver storage', () => {
  it('answers 451 when the message could not be stored, and tells nobody it arrived', async () => {
    const stored: number[] = [];
    const receiver = await startSmtpReceiver({
      host: '127.0.0.1',
      port: 0,
      maxSize: MAX_SIZE,
      acceptsRecipient: () => true,
      store: () => Promise.reject(new Error('database unavailable')),
      onStored: (id) => stored.push(id),
      logger: pino({ level: 'silent' }),
    });
    const smtp = nodemailer.createTransport({ host: '127.0.0.1', port: receiver.port, secure: false });
    try {
      await expect(
        smtp.sendMail({ from: 'a@example.com', to: 'desk@desk.test', subject: 'x', text: 'x' }),
      ).rejects.toMatchObject({ responseCode: 451 });
      expect(stored).toEqual([]);
    } finally {
      smtp.close();
      await receiver.close();
    }
  });
});
