import { and, eq } from 'drizzle-orm';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundMessages, outbox, ticketEvents } from '../src/db/schema';
import { ticketOfSignedMessageId } from '../src/domain/mail-threading';
import { deskSecret, THREADING_SECRET } from '../src/repositories/inbound-mail';
import { AUTOMATIC_MAIL_PER_ADDRESS_PER_DAY, sendOnce } from '../src/repositories/outbox';
import { bounceMail } from './support/bounce';
import { startTestDesk } from './support/desk';
import { listen } from './support/http';
import { startSmtpSink } from './support/smtp';
import { ticketDriver } from './support/tickets';

/** The desk's notices as mail a client can answer (#13): signed, marked automatic, never to a bounced address. */
describe('notices by e-mail', () => {
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  let desk: Awaited<ReturnType<typeof startTestDesk>>;
  let driver: ReturnType<typeof ticketDriver>;
  let client: Transporter;
  const suffix = Math.random().toString(36).slice(2, 8);
  const address = (n: number) => `notices-${suffix}-${n}@example.com`;

  /** Sends through the desk's SMTP receiver and waits until the message is processed. */
  const send = async (mail: SendMailOptions & { messageId: string }) => {
    await client.sendMail({ to: 'desk@desk.test', ...mail });
    for (const deadline = Date.now() + 20_000; Date.now() < deadline;) {
      const rows = await desk.db.select().from(inboundMessages);
      const row = rows.find((r) => r.raw.includes(mail.messageId) && r.status === 'attached');
      if (row) return row.ticketId!;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${mail.messageId} was not attached`);
  };
  const resolved = async (n: number) => {
    const ticketId = await send({
      from: address(n),
      subject: 'Не работает клавиатура',
      text: 'Залипают клавиши',
      messageId: `<t${n}-${suffix}@example.com>`,
    });
    await driver.reaches(ticketId, 'queued');
    await driver.accept(ticketId, 'ivanova');
    await driver.resolve(ticketId, 'ivanova');
    await driver.reaches(ticketId, 'awaiting_survey');
    return ticketId;
  };

  beforeAll(async () => {
    smtp = await startSmtpSink();
    desk = await startTestDesk({
      smtpUrl: smtp.url,
      mailReceiver: { host: '127.0.0.1', port: 0, maxSize: 1024 * 1024 },
    });
    const { call } = await listen(desk.app);
    driver = ticketDriver(desk, call, smtp);
    client = nodemailer.createTransport({ host: '127.0.0.1', port: desk.mailReceiver!.port, secure: false });
  });
  afterAll(async () => {
    client?.close();
    await desk?.stop();
    await smtp?.close();
  });

  it('the resolution notice carries our signed Message-ID and Auto-Submitted; the client’s reply to it reopens the ticket', async () => {
    const ticketId = await resolved(1);
    const notice = await smtp.waitFor((m) => m.to !== undefined && JSON.stringify(m.to).includes(address(1)));
    expect(notice.headers.get('auto-submitted')).toBe('auto-replied');
    expect(notice.headers.get('x-loop')).toBe('desk@desk.test');
    expect(ticketOfSignedMessageId(notice.messageId!, await deskSecret(desk.db, THREADING_SECRET))).toBe(ticketId);

    // No number in the subject: the signed reference alone threads it.
    const reply = await send({
      from: `Клиент <${address(1)}>`,
      subject: 'Re: всё ещё залипают',
      text: 'Не помогло',
      messageId: `<r1-${suffix}@example.com>`,
      inReplyTo: notice.messageId,
    });
    expect(reply).toBe(ticketId);
    await driver.reaches(ticketId, 'in_work');
  });

  it('a bounced address is not written to again: the notice is skipped and the ticket goes on to its survey', async () => {
    const first = await send({
      from: address(2),
      subject: 'Сломана мышь',
      text: 'Не работает колесо',
      messageId: `<m2-${suffix}@example.com>`,
    });
    const bounce = bounceMail({ messageId: `<bounce2-${suffix}@mx.example.com>`, recipient: address(2) });
    await client.sendMail({ envelope: { from: '', to: 'desk@desk.test' }, raw: bounce });
    await expect
      .poll(
        async () =>
          (await desk.db.select().from(inboundMessages)).find((r) => r.raw.includes(`bounce2-${suffix}`))?.status,
      )
      .toBe('ignored');

    await driver.accept(first, 'ivanova');
    await driver.resolve(first, 'ivanova');
    await driver.reaches(first, 'awaiting_survey');
    const [row] = await desk.db.select().from(outbox).where(eq(outbox.ticketId, first));
    expect([row!.status, row!.lastError]).toEqual(['skipped', `${address(2)} is undeliverable (it bounced)`]);
    const [event] = await desk.db
      .select()
      .from(ticketEvents)
      .where(and(eq(ticketEvents.ticketId, first), eq(ticketEvents.action, 'not_notified')));
    expect(event?.data).toMatchObject({ recipient: address(2) });
    expect(smtp.received.some((m) => JSON.stringify(m.to).includes(address(2)))).toBe(false);
  });

  it(`sends one address at most ${AUTOMATIC_MAIL_PER_ADDRESS_PER_DAY} automatic messages a day`, async () => {
    const recipient = address(3);
    const outcomes = [];
    for (let n = 0; n <= AUTOMATIC_MAIL_PER_ADDRESS_PER_DAY; n++)
      outcomes.push(
        await sendOnce(
          desk.db,
          desk.mailer,
          {
            ticketId: 1,
            purpose: `cap-${suffix}-${n}`,
            recipient,
            subject: `n${n}`,
            body: '.',
            messageId: `<cap-${suffix}-${n}@desk.test>`,
          },
          undefined,
          { capped: true },
        ),
      );
    expect(outcomes.slice(0, -1)).toEqual(Array(AUTOMATIC_MAIL_PER_ADDRESS_PER_DAY).fill('sent'));
    expect(outcomes.at(-1)).toEqual({
      skipped: `${recipient} had ${AUTOMATIC_MAIL_PER_ADDRESS_PER_DAY} automatic messages in the last 24 hours`,
    });
    // Staff notices are not capped.
    expect(
      await sendOnce(desk.db, desk.mailer, {
        ticketId: 1,
        purpose: `cap-${suffix}-staff`,
        recipient,
        subject: 'staff',
        body: '.',
        messageId: `<cap-${suffix}-staff@desk.test>`,
      }),
    ).toBe('sent');
  });
});
