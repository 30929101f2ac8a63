/**
 * A client's survey link: the desk keeps only its token's hash, the stored copy of the sent
 * notice is blanked, and links mailed before the hashing (migration 0011) keep working.
 */
import fs from 'node:fs';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { outbox, tickets } from '../src/db/schema';
import { linkTokenHash } from '../src/domain/client-link';
import { startTestDesk } from './support/desk';
import { listen } from './support/http';
import { sampleTickets, ticketDriver } from './support/tickets';

const migration = fs.readFileSync(
  path.resolve(__dirname, '..', 'src', 'db', 'migrations', '0011_survey_token_hash.sql'),
  'utf8',
);

describe('client links', () => {
  let desk: Awaited<ReturnType<typeof startTestDesk>>;
  let call: Awaited<ReturnType<typeof listen>>['call'];
  let driver: ReturnType<typeof ticketDriver>;

  beforeAll(async () => {
    desk = await startTestDesk();
    ({ call } = await listen(desk.app));
    driver = ticketDriver(desk, call);
  });
  afterAll(() => desk?.stop());

  const resolvedTicket = async () => {
    const id = await driver.register(sampleTickets.router);
    await driver.accept(id, 'ivanova');
    await driver.resolve(id, 'ivanova');
    return { id, token: await driver.surveyToken(id) };
  };
  const stored = async (id: number) =>
    (await desk.db.select({ hash: tickets.surveyToken }).from(tickets).where(eq(tickets.id, id)))[0]!.hash;

  it('keeps only the token’s hash, and blanks it in the stored copy of the notice once sent', async () => {
    const { id, token } = await resolvedTicket();
    expect(await stored(id)).toBe(linkTokenHash(token));
    const [sent] = await desk.db
      .select({ body: outbox.body, status: outbox.status })
      .from(outbox)
      .where(and(eq(outbox.ticketId, id), eq(outbox.purpose, 'resolution')));
    expect(sent!.status).toBe('sent');
    expect(sent!.body).toContain(`/survey/${id}#token=[redacted]`);
    expect(sent!.body).not.toContain(token);
    // The hash itself opens nothing.
    const withHash = await call('POST', `/tickets/${id}/survey`, { body: { token: await stored(id), csat: 5 } });
    expect([withHash.status, withHash.body.code]).toEqual([403, 'BAD_SURVEY_TOKEN']);
    expect((await call('POST', `/tickets/${id}/survey`, { body: { token, csat: 5 } })).status).toBe(202);
  });

  it('a reopened ticket’s new notice carries a new link; the old one stops working', async () => {
    const { id, token } = await resolvedTicket();
    await driver.reopenAsOperator(id, 'ivanova');
    await driver.resolve(id, 'ivanova');
    await expect.poll(() => stored(id)).not.toBe(linkTokenHash(token));
    const second = await driver.surveyToken(id);
    expect(second).not.toBe(token);
    const old = await call('POST', `/tickets/${id}/survey`, { body: { token, csat: 4 } });
    expect(old.status).toBe(403);
    expect((await call('POST', `/tickets/${id}/survey`, { body: { token: second, csat: 4 } })).status).toBe(202);
  });

  it('migration 0011 hashes the tokens stored before, so links already mailed keep working', async () => {
    const { id } = await resolvedTicket();
    const legacy = `legacy-${id}-Ab_9`;
    // The migration's own statements, run against temporary copies that shadow the real tables
    // (pg_temp comes first in the search path), so the other files' tickets are left alone.
    const sql = postgres(inject('databaseUrl'), { max: 1, onnotice: () => {} });
    try {
      await sql.unsafe('create temp table tickets as select * from public.tickets where false');
      await sql.unsafe('create temp table outbox as select * from public.outbox where false');
      await sql`insert into pg_temp.tickets (id, survey_token) values (${id}, ${legacy})`;
      await sql`insert into pg_temp.outbox (id, body, status) values (1, ${`rate: http://desk.test/survey/${id}?token=${legacy} thanks`}, 'sent')`;
      for (const statement of migration.split('--> statement-breakpoint')) await sql.unsafe(statement);
      const [migrated] = await sql`select survey_token from pg_temp.tickets where id = ${id}`;
      const [blanked] = await sql`select body from pg_temp.outbox`;
      expect(blanked!.body).toBe(`rate: http://desk.test/survey/${id}?token=[redacted] thanks`);
      await desk.db.update(tickets).set({ surveyToken: migrated!.survey_token }).where(eq(tickets.id, id));
    } finally {
      await sql.end();
    }
    expect(await stored(id)).toBe(linkTokenHash(legacy));
    expect((await call('POST', `/tickets/${id}/survey`, { body: { token: legacy, csat: 5 } })).status).toBe(202);
  });
});
