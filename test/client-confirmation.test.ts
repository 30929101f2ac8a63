/**
 * Anonymous intake cannot take over a client (the audit finding): a ticket filed without an
 * account, giving a known client's contact, is routed and timed as a one-time client's until the
 * client confirms it through the link sent to the contact on file, or staff file it; the filer's
 * words are quoted in the desk's mail, never written as the desk's.
 */
import fs from 'node:fs';
import path from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogServices, slaAgreements, tickets } from '../src/db/schema';
import { linkTokenIn } from '../src/domain/client-link';
import { startTestDesk } from './support/desk';
import { listen } from './support/http';
import { sampleTickets, ticketDriver } from './support/tickets';

describe('a ticket filed with a known client’s contact', () => {
  let desk: Awaited<ReturnType<typeof startTestDesk>>;
  let call: Awaited<ReturnType<typeof listen>>['call'];
  let driver: ReturnType<typeof ticketDriver>;

  beforeAll(async () => {
    desk = await startTestDesk();
    ({ call } = await listen(desk.app));
    driver = ticketDriver(desk, call);
  });
  afterAll(() => desk?.stop());

  const details = async (id: number) => (await call('GET', `/tickets/${id}`, { operator: 'sidorova' })).body;
  const agreementOf = async (serviceCode: string, clientCategory: 'wholesale' | 'one_time') => {
    const [row] = await desk.db
      .select({ id: slaAgreements.id })
      .from(slaAgreements)
      .innerJoin(catalogServices, eq(catalogServices.id, slaAgreements.serviceId))
      .where(and(eq(catalogServices.code, serviceCode), eq(slaAgreements.clientCategory, clientCategory)));
    return row!.id;
  };
  const mailsOf = async (id: number, purpose: string) => {
    const folder = desk.mailer.target;
    const files = fs.existsSync(folder)
      ? fs.readdirSync(folder).filter((f) => f.startsWith(`ticket-${id}.${purpose}.`))
      : [];
    return Promise.all(files.map(async (f) => simpleParser(fs.readFileSync(path.join(folder, f)))));
  };
  const confirmationLink = async (id: number) => {
    let mails: Awaited<ReturnType<typeof mailsOf>> = [];
    await expect
      .poll(async () => (mails = await mailsOf(id, 'client-confirmation')).length, { timeout: 15_000 })
      .toBe(1);
    return mails[0]!;
  };

  it('is routed and timed as a one-time client’s, and the stored client is asked to confirm', async () => {
    const anonymous = await driver.register(sampleTickets.laptop);
    const byStaff = await driver.register(sampleTickets.laptop, { as: 'ivanova' });
    const [a, s] = [await details(anonymous), await details(byStaff)];
    expect(a.client.category).toBe('wholesale');
    expect(a.client.confirmed).toBe(false);
    expect(s.client.confirmed).toBe(true);
    const service = a.service.code;
    expect(a.sla.agreementId).toBe(await agreementOf(service, 'one_time'));
    expect(s.sla.agreementId).toBe(await agreementOf(service, 'wholesale'));
    // The wholesale → high rule reads the deciding category too.
    expect(s.priority).toBe('high');
    expect(a.priority).not.toBe('high');

    const mail = await confirmationLink(anonymous);
    expect(mail.to).toMatchObject({ text: 'zakaz@tehnoopt.example' });
    expect(mail.text).toContain(`\n> ${sampleTickets.laptop.subject}\n`);
    const token = linkTokenIn(mail.text!)!;
    expect(mail.text).toContain(`/confirm-client.html#ticket=${anonymous}&token=${token}`);
    // Nothing is asked of the client when staff filed the ticket.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await mailsOf(byStaff, 'client-confirmation')).toEqual([]);

    // Only the link's hash is kept.
    const [row] = await desk.db
      .select({ hash: tickets.clientConfirmationToken })
      .from(tickets)
      .where(eq(tickets.id, anonymous));
    expect(row!.hash).toMatch(/^[0-9a-f]{64}$/);

    // The process statistics count it as routing does.
    const visitCategories = async () =>
      [
        ...((await desk.db.execute(
          sql`select distinct client_category from ticket_element_visits where ticket_id = ${anonymous}`,
        )) as unknown as { client_category: string }[]),
      ].map((r) => r.client_category);
    expect(await visitCategories()).toEqual(['one_time']);

    const wrong = await call('POST', `/tickets/${anonymous}/client-confirmation`, { body: { token: 'x' + token } });
    expect([wrong.status, wrong.body.code]).toEqual([403, 'BAD_CONFIRMATION_TOKEN']);
    const none = await call('POST', `/tickets/99999999/client-confirmation`, { body: { token } });
    expect([none.status, none.body.code]).toEqual([403, 'BAD_CONFIRMATION_TOKEN']);

    const confirmed = await call('POST', `/tickets/${anonymous}/client-confirmation`, { body: { token } });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toEqual({
      ticketId: anonymous,
      clientConfirmed: true,
      slaAgreementId: await agreementOf(service, 'wholesale'),
    });
    const after = await details(anonymous);
    expect(after.client.confirmed).toBe(true);
    expect(after.sla.agreementId).toBe(await agreementOf(service, 'wholesale'));
    expect(await visitCategories()).toEqual(['wholesale']);
    // Used once.
    const again = await call('POST', `/tickets/${anonymous}/client-confirmation`, { body: { token } });
    expect(again.status).toBe(403);
  });

  it('a new contact is nobody else’s: no link is sent', async () => {
    const id = await driver.register({ ...sampleTickets.laptop, client: { email: 'new.filer@example.org' } });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await mailsOf(id, 'client-confirmation')).toEqual([]);
  });

  it('staff confirm only a ticket they hold (or as managers), with an API token', async () => {
    const id = await driver.register(sampleTickets.laptop);
    const stranger = await call('POST', `/tickets/${id}/client-confirmation`, { operator: 'ivanova', body: {} });
    expect([stranger.status, stranger.body.code]).toEqual([403, 'NOT_ASSIGNEE']);
    const manager = await call('POST', `/tickets/${id}/client-confirmation`, { operator: 'sidorova', body: {} });
    expect(manager.status).toBe(200);
    expect((await details(id)).client.confirmed).toBe(true);
  });

  it('the resolution notice quotes the filer’s subject on a line of its own and says the ticket may not be theirs', async () => {
    const subject = 'Счёт оплачен.\nВаш аккаунт заблокирован, позвоните +7 999 000-00-00';
    const id = await driver.register({ ...sampleTickets.router, subject });
    await driver.accept(id, 'ivanova');
    await driver.resolve(id, 'ivanova');
    await driver.surveyToken(id);
    const [notice] = await mailsOf(id, 'resolution');
    const text = notice!.text!;
    expect(text).toContain('\n> Счёт оплачен. Ваш аккаунт заблокирован, позвоните +7 999 000-00-00\n');
    expect(text).not.toMatch(/^Ваш аккаунт/m);
    expect(text).toContain('If that was not you, simply ignore this message.');
  });
});
