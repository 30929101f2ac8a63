import { eq, sql } from 'drizzle-orm';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { createMailer, type Mailer } from '../src/channels/email';
import { closeDatabase, openDatabase, type Database } from '../src/db/client';
import { outbox } from '../src/db/schema';
import { MessageBeingSent, sendOnce, SEND_CLAIM_HOLD_MS } from '../src/repositories/outbox';

/**
 * An SMTP server that takes each message only when the test lets it (`release`) and refuses
 * while `refusing`: a send can be held in the middle, as a slow or hung server holds it.
 */
let server: SMTPServer;
let received: string[] = [];
let held: Array<() => void> = [];
let refusing = false;
let db: Database;
let mailer: Mailer;

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, done) {
      let text = '';
      stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
      stream.on('end', () => {
        if (refusing) return done(Object.assign(new Error('try later'), { responseCode: 451 }));
        held.push(() => {
          received.push(/^Message-ID: (.*)$/im.exec(text)?.[1]?.trim() ?? '?');
          done();
        });
      });
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  db = openDatabase(inject('databaseUrl'), { max: 3 });
  mailer = createMailer({
    smtpUrl: `smtp://127.0.0.1:${port}`,
    from: 'Desk <desk@desk.test>',
    dropDir: '/nonexistent',
  });
});

afterAll(async () => {
  mailer?.close();
  if (db) await closeDatabase(db);
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

const aMessage = () => {
  const purpose = `claim-${Math.random().toString(36).slice(2, 8)}`;
  return {
    ticketId: 1,
    purpose,
    recipient: 'client@example.com',
    subject: 'Done',
    body: '.',
    messageId: `<${purpose}@desk.test>`,
  };
};
const rowOf = async (purpose: string) => (await db.select().from(outbox).where(eq(outbox.purpose, purpose)))[0]!;
const until = async (check: () => boolean) => {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 20));
};
const release = () => held.splice(0).forEach((take) => take());

it('a second attempt while the first is still sending sends nothing beside it, and finds it sent after', async () => {
  held = [];
  received = [];
  const message = aMessage();
  const first = sendOnce(db, mailer, message);
  await until(() => held.length === 1);
  // Temporal gave up on the first attempt (its 60 s passed) and runs the activity again.
  const second = await sendOnce(db, mailer, message).catch((error: unknown) => error);
  expect(second).toBeInstanceOf(MessageBeingSent);
  const row = await rowOf(message.purpose);
  expect(row.status).toBe('sending');
  expect(row.claimedUntil!.getTime() - Date.now()).toBeGreaterThan(SEND_CLAIM_HOLD_MS - 10_000);
  release();
  expect(await first).toBe('sent');
  expect(await sendOnce(db, mailer, message)).toBe('already_sent');
  expect(received.filter((id) => id === message.messageId)).toHaveLength(1);
  expect(await rowOf(message.purpose)).toMatchObject({ status: 'sent', attempts: 1, claimedUntil: null });
});

it('a hold that has run out (the attempt holding it died) is taken over and the message sent', async () => {
  held = [];
  received = [];
  const message = aMessage();
  const first = sendOnce(db, mailer, message);
  await until(() => held.length === 1);
  // The worker that claimed it died mid-send, long enough ago.
  await db
    .update(outbox)
    .set({ claimedUntil: sql`now() - interval '1 second'` })
    .where(eq(outbox.purpose, message.purpose));
  const retry = sendOnce(db, mailer, message);
  await until(() => held.length === 2);
  held.splice(1).forEach((take) => take());
  expect(await retry).toBe('sent');
  expect(await rowOf(message.purpose)).toMatchObject({ status: 'sent', attempts: 2 });
  release();
  await first.catch(() => undefined);
});

it('a send the server refused lets the message go at once: the retry need not wait for the hold', async () => {
  held = [];
  received = [];
  const message = aMessage();
  refusing = true;
  await expect(sendOnce(db, mailer, message)).rejects.toThrow(/try later/);
  refusing = false;
  expect(await rowOf(message.purpose)).toMatchObject({ status: 'pending', claimedUntil: null, attempts: 1 });
  const retry = sendOnce(db, mailer, message);
  await until(() => held.length === 1);
  release();
  expect(await retry).toBe('sent');
  expect(received.filter((id) => id === message.messageId)).toHaveLength(1);
});
