import { existsSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORED_KEYWORD } from '../src/channels/imap-poller';
import { inboundMessages, ticketArticles, tickets } from '../src/db/schema';
import { startTestDesk } from './support/desk';
import { startDovecot } from './support/imap';
import { listen } from './support/http';
import { ticketDriver } from './support/tickets';

/**
 * A mailbox the desk polls (#13): a real IMAP server (Debian's dovecot-imapd, installed by
 * scripts/ensure-dovecot.sh, npm test's pretest as root), mail put in it over IMAP. Outside CI a
 * machine without the package skips this file; in CI a missing server fails it.
 */
describe.skipIf(!existsSync('/usr/sbin/dovecot') && !process.env.CI)('IMAP mailbox', () => {
  let dovecot: Awaited<ReturnType<typeof startDovecot>>;
  let desk: Awaited<ReturnType<typeof startTestDesk>>;
  let driver: ReturnType<typeof ticketDriver>;
  let mailbox: ImapFlow;
  const suffix = Math.random().toString(36).slice(2, 8);

  const raw = (messageId: string, subject: string, body: string) =>
    [
      `From: imap-${suffix}@example.com`,
      'To: desk@desk.test',
      `Subject: ${subject}`,
      `Message-ID: ${messageId}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      body,
      '',
    ].join('\r\n');
  const processed = async (messageId: string) => {
    for (const deadline = Date.now() + 20_000; Date.now() < deadline;) {
      const row = (await desk.db.select().from(inboundMessages)).find((r) => r.raw.includes(messageId));
      if (row?.status === 'attached') return row;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${messageId} was not processed`);
  };
  const keywordsOf = async (messageId: string) => {
    const uids = (await mailbox.search({ header: { 'message-id': messageId } }, { uid: true })) || [];
    const message = await mailbox.fetchOne(String(uids[0]), { flags: true }, { uid: true });
    return message ? [...(message.flags ?? [])] : [];
  };

  beforeAll(async () => {
    dovecot = await startDovecot({ desk: 'desk-password' });
    const url = `imap://desk:desk-password@127.0.0.1:${dovecot.port}?tls=off`;
    mailbox = new ImapFlow({
      host: '127.0.0.1',
      port: dovecot.port,
      secure: false,
      doSTARTTLS: false,
      auth: { user: 'desk', pass: 'desk-password' },
      logger: false,
    });
    await mailbox.connect();
    // Mail that was waiting before the desk started is taken at its first sweep.
    await mailbox.append('INBOX', raw(`<before-${suffix}@example.com>`, 'Gas boiler error E10', 'It shows E10'));
    await mailbox.mailboxOpen('INBOX');
    desk = await startTestDesk({ imap: { url, mailbox: 'INBOX', sweepEveryMs: 60_000 } });
    const { call } = await listen(desk.app);
    driver = ticketDriver(desk, call);
  });
  afterAll(async () => {
    await desk?.stop();
    await mailbox?.logout();
    await dovecot?.stop();
  });

  it('registers waiting mail, takes new mail as IDLE announces it, and flags each only once stored', async () => {
    const before = await processed(`<before-${suffix}@example.com>`);
    const [ticket] = await desk.db.select().from(tickets).where(eq(tickets.id, before.ticketId!));
    expect([ticket!.channel, ticket!.subject]).toEqual(['email', 'Gas boiler error E10']);
    await driver.reaches(ticket!.id, 'queued');
    await expect.poll(() => keywordsOf(`<before-${suffix}@example.com>`)).toContain(STORED_KEYWORD);

    await mailbox.append(
      'INBOX',
      raw(`<reply-${suffix}@example.com>`, 'Re: Gas boiler error E10', 'Now it shows E11').replace(
        'MIME-Version',
        `In-Reply-To: <before-${suffix}@example.com>\r\nMIME-Version`,
      ),
    );
    const reply = await processed(`<reply-${suffix}@example.com>`);
    expect(reply.ticketId).toBe(ticket!.id);
    await expect.poll(() => keywordsOf(`<reply-${suffix}@example.com>`)).toContain(STORED_KEYWORD);
    // Left unread for the people who share the mailbox.
    expect(await keywordsOf(`<reply-${suffix}@example.com>`)).not.toContain('\\Seen');

    // A sweep again takes nothing: flagged messages are not fetched, nothing is stored twice.
    await desk.imapPoller!.sweep();
    const rows = (await desk.db.select().from(inboundMessages)).filter((r) => r.raw.includes(suffix));
    expect(rows).toHaveLength(2);
    const articles = await desk.db.select().from(ticketArticles).where(eq(ticketArticles.ticketId, ticket!.id));
    expect(articles.map((a) => a.body)).toEqual(['It shows E10', 'Now it shows E11']);
  });
});
