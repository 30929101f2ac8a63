import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { createMailer } from '../src/channels/email';
import { closeDatabase, openDatabase } from '../src/db/client';
import { outbox } from '../src/db/schema';
import { sendOnce } from '../src/repositories/outbox';
import { closableRoad } from './support/closable-road';
import { startSmtpSink } from './support/smtp';

let road: Awaited<ReturnType<typeof closableRoad>>;
let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
let db: ReturnType<typeof openDatabase>;
let mailer: ReturnType<typeof createMailer>;
let outage: Promise<void> | undefined;

beforeAll(async () => {
  road = await closableRoad(new URL(inject('databaseUrl')));
  // The database goes away as the SMTP server takes the message, and comes back 1.5 s later.
  smtp = await startSmtpSink(0, {
    beforeAccepting: () => {
      road.shut();
      outage = new Promise((resolve) => setTimeout(resolve, 1_500)).then(road.open);
    },
  });
  db = openDatabase(road.url, { max: 1 });
  mailer = createMailer({ smtpUrl: smtp.url, from: 'Desk <desk@desk.test>', dropDir: '/nonexistent' });
});

afterAll(async () => {
  await outage;
  mailer?.close();
  if (db) await closeDatabase(db);
  await smtp?.close();
  await road?.close();
});

/**
 * Found by `npm run chaos`: PostgreSQL killed just after the SMTP server took a notice left it
 * unmarked, so the activity's retry sent it again (2 or 3 copies of a staff notice per outage).
 */
it('marks a sent message once the database is back instead of failing into a second send', async () => {
  const purpose = `mark-${Math.random().toString(36).slice(2, 8)}`;
  const message = {
    ticketId: 1,
    purpose,
    recipient: 'ops@example.com',
    subject: 'SLA',
    body: '.',
    messageId: `<${purpose}@desk.test>`,
  };
  expect(await sendOnce(db, mailer, message)).toBe('sent');
  expect(outage).toBeDefined();
  expect(await sendOnce(db, mailer, message)).toBe('already_sent');
  expect(smtp.received.filter((mail) => mail.messageId === message.messageId)).toHaveLength(1);
  const [row] = await db.select().from(outbox).where(eq(outbox.purpose, purpose));
  expect(row).toMatchObject({ status: 'sent', attempts: 1 });
});
