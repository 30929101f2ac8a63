import { eq, inArray } from 'drizzle-orm';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundMessages, ticketArticles, tickets, undeliverableAddresses } from '../src/db/schema';
import { signedMessageId } from '../src/domain/mail-threading';
import { deskSecret, THREADING_SECRET } from '../src/repositories/inbound-mail';
import { startTestDesk } from './support/desk';
import { listen } from './support/http';
import { ticketDriver } from './support/tickets';

/** A raw e-mail as a mail server hands it over: headers, then a body in the charset given. */
function rawMail(mail: {
  from: string;
  subject: string;
  body: string;
  messageId: string;
  charset?: string;
  headers?: Record<string, string>;
}): Buffer {
  const charset = mail.charset ?? 'utf-8';
  const head = [
    `From: ${mail.from}`,
    'To: Desk <desk@desk.test>',
    `Subject: =?utf-8?B?${Buffer.from(mail.subject).toString('base64')}?=`,
    `Message-ID: ${mail.messageId}`,
    'Date: Wed, 02 Dec 2026 10:00:00 +0300',
    'MIME-Version: 1.0',
    ...Object.entries(mail.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
    `Content-Type: text/plain; charset=${charset}`,
    'Content-Transfer-Encoding: 8bit',
  ].join('\r\n');
  return Buffer.concat([Buffer.from(`${head}\r\n\r\n`), iconv.encode(`${mail.body}\r\n`, charset)]);
}

/** E-mail in (#13): one pipeline from the stored raw message to the ticket's article. */
describe('e-mail in', () => {
  let desk: Awaited<ReturnType<typeof startTestDesk>>;
  let driver: ReturnType<typeof ticketDriver>;
  let secret: string;
  const suffix = Math.random().toString(36).slice(2, 8);
  const client = (n: number) => `mail-${suffix}-${n}@example.com`;
  const id = (name: string) => `<${name}-${suffix}@mail.example.com>`;

  const deliver = async (raw: Buffer) => {
    const stored = await desk.mail.receive({ raw, envelopeFrom: null, envelopeTo: ['desk@desk.test'] });
    return { stored, outcome: await desk.mail.processInbound(stored.id) };
  };
  const articlesOf = (ticketId: number) =>
    desk.db.select().from(ticketArticles).where(eq(ticketArticles.ticketId, ticketId));
  const ticketOf = async (outcome: Awaited<ReturnType<typeof deliver>>['outcome']) => {
    if (outcome?.status !== 'attached') throw new Error(`not attached: ${JSON.stringify(outcome)}`);
    return outcome.ticketId;
  };

  beforeAll(async () => {
    desk = await startTestDesk();
    const { call } = await listen(desk.app);
    driver = ticketDriver(desk, call);
    secret = await deskSecret(desk.db, THREADING_SECRET);
  });
  afterAll(() => desk?.stop());

  it('registers a new e-mail as a ticket through the intake, decoding windows-1251; a redelivery is the same one', async () => {
    const raw = rawMail({
      from: `Анна <${client(1)}>`,
      subject: 'Fwd: Не печатает принтер',
      body: 'Принтер HP печатает пустые листы',
      messageId: id('new'),
      charset: 'windows-1251',
    });
    const first = await deliver(raw);
    const ticketId = await ticketOf(first.outcome);
    expect(first.outcome).toMatchObject({ by: 'new_ticket', automatic: null });
    const [ticket] = await desk.db.select().from(tickets).where(eq(tickets.id, ticketId));
    expect([ticket!.channel, ticket!.subject, ticket!.description]).toEqual([
      'email',
      'Не печатает принтер',
      'Принтер HP печатает пустые листы',
    ]);
    expect(await driver.stage(ticketId)).toBe('queued');

    // The same bytes are one stored message; the same Message-ID with other bytes (another relay) is one article.
    const again = await deliver(raw);
    expect([again.stored.id, again.stored.created, again.outcome]).toEqual([first.stored.id, false, undefined]);
    const relayed = await deliver(Buffer.concat([Buffer.from('Received: from relay.example.com\r\n'), raw]));
    expect(relayed.outcome).toMatchObject({ status: 'attached', ticketId, by: 'duplicate' });
    const articles = await articlesOf(ticketId);
    expect(articles.map((a) => [a.messageId, a.body, a.public])).toEqual([
      [id('new'), 'Принтер HP печатает пустые листы', true],
    ]);
    const [row] = await desk.db.select().from(inboundMessages).where(eq(inboundMessages.id, first.stored.id));
    expect([row!.status, row!.ticketId, row!.raw.equals(raw)]).toEqual(['attached', ticketId, true]);
  });

  it('two deliveries of one Message-ID processed at once are one ticket', async () => {
    const raw = rawMail({
      from: client(5),
      subject: 'Не работает мышь',
      body: 'Курсор не двигается',
      messageId: id('twice'),
    });
    const stored = await Promise.all(
      [raw, Buffer.concat([Buffer.from('Received: from mx2.example.com\r\n'), raw])].map((bytes) =>
        desk.mail.receive({ raw: bytes, envelopeFrom: null, envelopeTo: ['desk@desk.test'] }),
      ),
    );
    const outcomes = await Promise.all(stored.map(({ id }) => desk.mail.processInbound(id)));
    expect(outcomes.map((o) => o && 'by' in o && o.by).sort()).toEqual(['duplicate', 'new_ticket']);
    const ticketIds = new Set(outcomes.map((o) => o?.status === 'attached' && o.ticketId));
    expect(ticketIds.size).toBe(1);
    const [ticketId] = ticketIds;
    expect((await articlesOf(ticketId as number)).map((a) => a.body)).toEqual(['Курсор не двигается']);
  });

  it('threads strictest first: our signed Message-ID, then any Message-ID of the ticket, then [#n] only from its client', async () => {
    const ticketId = await ticketOf(
      (
        await deliver(
          rawMail({ from: client(2), subject: 'Сломался ноутбук', body: 'Не заряжается', messageId: id('t2') }),
        )
      ).outcome,
    );
    const koi8 = await deliver(
      rawMail({
        from: client(2),
        subject: 'Ответ: Сломался ноутбук',
        body: 'Зарядка тоже не помогла',
        messageId: id('t2-koi8'),
        charset: 'koi8-r',
        headers: { 'In-Reply-To': id('t2') },
      }),
    );
    expect(koi8.outcome).toMatchObject({ ticketId, by: 'message_id' });
    const signed = await deliver(
      rawMail({
        from: `someone-else-${suffix}@example.org`,
        subject: 'Re: whatever',
        body: 'Answer to your notice',
        messageId: id('t2-signed'),
        headers: { References: `${id('unknown')} ${signedMessageId(ticketId, 'resolution', 'desk.test', secret)}` },
      }),
    );
    expect(signed.outcome).toMatchObject({ ticketId, by: 'signed_reference' });
    // A forged signature is no reference: a stranger naming the number in the subject gets a ticket of their own.
    const stranger = await deliver(
      rawMail({
        from: `stranger-${suffix}@example.org`,
        subject: `[#${ticketId}] Re: Сломался ноутбук`,
        body: 'Что с моим ноутбуком?',
        messageId: id('t2-stranger'),
        headers: { 'In-Reply-To': `<ticket-${ticketId}.resolution.000000000000@desk.test>` },
      }),
    );
    expect(stranger.outcome).toMatchObject({ by: 'new_ticket' });
    expect(await ticketOf(stranger.outcome)).not.toBe(ticketId);
    const byNumber = await deliver(
      rawMail({
        from: client(2),
        subject: `Re: [#${ticketId}] Сломался ноутбук`,
        body: 'Когда будет готов?',
        messageId: id('t2-number'),
      }),
    );
    expect(byNumber.outcome).toMatchObject({ ticketId, by: 'subject_number' });
    expect((await articlesOf(ticketId)).map((a) => a.body)).toEqual([
      'Не заряжается',
      'Зарядка тоже не помогла',
      'Answer to your notice',
      'Когда будет готов?',
    ]);
  });

  it('a reply in the reopen window reopens the ticket; an auto-reply and a bounce are kept, never reopening', async () => {
    const ticketId = await ticketOf(
      (await deliver(rawMail({ from: client(3), subject: 'Нет звука', body: 'Колонка молчит', messageId: id('t3') })))
        .outcome,
    );
    await driver.accept(ticketId, 'ivanova');
    await driver.resolve(ticketId, 'ivanova');
    await driver.surveyToken(ticketId);
    const notice = signedMessageId(ticketId, 'resolution', 'desk.test', secret);

    const autoReply = await deliver(
      rawMail({
        from: client(3),
        subject: 'Автоответ: Нет звука',
        body: 'Я в отпуске до понедельника',
        messageId: id('t3-auto'),
        headers: { 'Auto-Submitted': 'auto-replied', 'In-Reply-To': notice },
      }),
    );
    expect(autoReply.outcome).toMatchObject({ ticketId, automatic: 'auto_submitted' });
    const bounce = Buffer.from(
      [
        'From: MAILER-DAEMON@mx.example.com',
        'To: desk@desk.test',
        'Subject: Undelivered Mail Returned to Sender',
        `Message-ID: ${id('t3-bounce')}`,
        'MIME-Version: 1.0',
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"',
        '',
        '--B',
        'Content-Type: text/plain',
        '',
        'Your message could not be delivered.',
        '--B',
        'Content-Type: message/delivery-status',
        '',
        'Reporting-MTA: dns; mx.example.com',
        '',
        `Final-Recipient: rfc822; ${client(3)}`,
        'Action: failed',
        'Status: 5.1.1',
        'Diagnostic-Code: smtp; 550 5.1.1 user unknown',
        '',
        '--B',
        'Content-Type: text/rfc822-headers',
        '',
        'From: desk@desk.test',
        `Message-ID: ${notice}`,
        '--B--',
        '',
      ].join('\r\n'),
    );
    expect((await deliver(bounce)).outcome).toMatchObject({ ticketId, automatic: 'bounce', by: 'signed_reference' });
    const [undeliverable] = await desk.db
      .select()
      .from(undeliverableAddresses)
      .where(eq(undeliverableAddresses.address, client(3)));
    expect(undeliverable?.status).toBe('5.1.1');
    expect(await driver.stage(ticketId)).toBe('awaiting_survey');

    const reply = await deliver(
      rawMail({
        from: client(3),
        subject: 'Re: [#' + ticketId + '] Нет звука',
        body: 'Снова молчит',
        messageId: id('t3-reply'),
        headers: { 'In-Reply-To': notice },
      }),
    );
    expect(reply.outcome).toMatchObject({ ticketId, automatic: null });
    expect(await driver.stage(ticketId)).toBe('in_work');
    expect((await articlesOf(ticketId)).map((a) => [a.body.split('\n')[0], a.public, a.automatic])).toEqual([
      ['Колонка молчит', true, null],
      ['Я в отпуске до понедельника', false, 'auto_submitted'],
      ['Your message could not be delivered.', false, 'bounce'],
      ['Снова молчит', true, null],
    ]);
  });

  it('an automatic message about no ticket is stored and ignored, never registered', async () => {
    const { stored, outcome } = await deliver(
      rawMail({
        from: `news-${suffix}@shop.example`,
        subject: 'Скидки недели',
        body: 'Только сегодня',
        messageId: id('list'),
        headers: { 'List-Unsubscribe': '<mailto:off@shop.example>', Precedence: 'bulk' },
      }),
    );
    expect(outcome).toEqual({ status: 'ignored', reason: 'automatic (bulk) and about no ticket' });
    const [row] = await desk.db.select().from(inboundMessages).where(eq(inboundMessages.id, stored.id));
    expect([row!.status, row!.ticketId]).toEqual(['ignored', null]);
  });

  it('one pass processes a backlog larger than its batch: 250 messages stored at once are all settled', async () => {
    const stored = [];
    for (let n = 0; n < 250; n++)
      stored.push(
        await desk.mail.receive({
          raw: rawMail({
            from: `robot-${suffix}@example.org`,
            subject: `Out of office ${n}`,
            body: 'I am away',
            messageId: id(`backlog-${n}`),
            headers: { 'Auto-Submitted': 'auto-replied' },
          }),
          envelopeFrom: null,
          envelopeTo: ['desk@desk.test'],
        }),
      );
    await desk.mail.processPending();
    const rows = await desk.db
      .select({ status: inboundMessages.status })
      .from(inboundMessages)
      .where(
        inArray(
          inboundMessages.id,
          stored.map((s) => s.id),
        ),
      );
    expect(rows.map((r) => r.status)).toEqual(Array(250).fill('ignored'));
  });

  it('bytes that are no e-mail are stored inert: kept, never a ticket', async () => {
    const { stored, outcome } = await deliver(Buffer.from('\u0000\u0001 not a message at all \r\n\r\n'));
    expect(outcome).toMatchObject({ status: 'ignored' });
    const [row] = await desk.db.select().from(inboundMessages).where(eq(inboundMessages.id, stored.id));
    expect([row!.status, row!.ticketId, row!.size]).toEqual(['ignored', null, 28]);
  });

  it('lists attachments by sanitised name and size; their content stays in the stored raw message', async () => {
    const raw = Buffer.from(
      [
        `From: ${client(4)}`,
        'To: desk@desk.test',
        'Subject: Scan of the receipt',
        `Message-ID: ${id('files')}`,
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="F"',
        '',
        '--F',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Receipt attached',
        '--F',
        'Content-Type: application/octet-stream; name="../../etc/passwd"',
        'Content-Disposition: attachment; filename="../../etc/passwd"',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from('root:x:0:0').toString('base64'),
        '--F--',
        '',
      ].join('\r\n'),
    );
    const ticketId = await ticketOf((await deliver(raw)).outcome);
    const [article] = await articlesOf(ticketId);
    expect(article!.attachments).toEqual([{ filename: 'passwd', contentType: 'application/octet-stream', size: 10 }]);
  });
});
