import net from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { createMailer } from '../src/channels/email';
import { closeDatabase, openDatabase } from '../src/db/client';
import { outbox } from '../src/db/schema';
import { sendOnce } from '../src/repositories/outbox';
import { startSmtpSink } from './support/smtp';

/**
 * The road to the run's PostgreSQL through a local port that can be shut: connections cut and
 * new ones refused, as when the database's server is killed, then open again.
 */
async function closableRoad(target: URL) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    for (const side of [socket, upstream]) {
      sockets.add(side);
      side.on('error', () => {});
      side.on('close', () => sockets.delete(side));
    }
    socket.pipe(upstream).pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.toString(),
    shut() {
      server.close();
      for (const socket of sockets) socket.destroy();
    },
    open: () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

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
