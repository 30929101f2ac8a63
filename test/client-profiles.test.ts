/**
 * Client profiles through the API against the real PostgreSQL: legal details checked field by
 * field, contacts of each kind (one client's only), devices, consents with their dates, search,
 * the timeline under blind rules, concurrent edits, merging duplicates (nothing lost, the
 * duplicate a tombstone answering 301), and the audit log of every change.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calls, clientContacts, clients, operators, telegramChats, tickets } from '../src/db/schema';
import { startTestDesk } from './support/desk';
import { listen, operatorHeaders } from './support/http';
import { ticketDriver } from './support/tickets';

// Published details of ПАО Сбербанк; the settlement account is made up, keyed to its БИК.
const SBER = {
  inn: '7707083893',
  kpp: '773601001',
  ogrn: '1027700132195',
  bankBik: '044525225',
  bankCorrAccount: '30101810400000000225',
  bankAccount: '40702810200000000001',
};

describe('client profiles', () => {
  let desk: Awaited<ReturnType<typeof startTestDesk>>;
  let call: Awaited<ReturnType<typeof listen>>['call'];
  let address: string;
  let driver: ReturnType<typeof ticketDriver>;
  const suffix = Math.random().toString(36).slice(2, 8);
  /** A phone number of this run: +7 9xx, unique per n. */
  const phone = (n: number) =>
    `+7999${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}${String(n).padStart(3, '0')}`;
  const email = (what: string) => `${what}-${suffix}@example.org`;

  const create = async (body: Record<string, unknown>, operator = 'sidorova') => {
    const created = await call('POST', '/clients', { operator, body });
    expect(created.status, created.text).toBe(201);
    return created.body;
  };
  /** Without following a redirect: a merged client's 301 is the answer itself. */
  const manual = async (method: string, path: string, operator: string) =>
    fetch(`${address}${path}`, { method, redirect: 'manual', headers: await operatorHeaders(desk.app, operator) });

  beforeAll(async () => {
    desk = await startTestDesk();
    ({ call, address } = await listen(desk.app));
    driver = ticketDriver(desk, call);
    await desk.db
      .insert(operators)
      .values({ id: `lead-${suffix}`, name: 'Lead', role: 'line_lead' })
      .onConflictDoNothing();
  });
  afterAll(() => desk?.stop());

  it('creates a company with valid details; every bad detail is a 400 naming its field', async () => {
    const company = await create({
      kind: 'company',
      name: `ООО Ромашка ${suffix}`,
      legalName: `Общество с ограниченной ответственностью «Ромашка ${suffix}»`,
      phone: '8 (999) 100-20-30'.replace('100', String(100 + Math.floor(Math.random() * 800))),
      email: email('ROMASHKA'),
      category: 'wholesale',
      legalAddress: 'г. Москва, ул. Вавилова, д. 19',
      bankName: 'ПАО Сбербанк',
      ...SBER,
    });
    expect(company).toMatchObject({
      kind: 'company',
      email: email('romashka'),
      category: 'wholesale',
      version: 1,
      legal: { inn: SBER.inn, kpp: SBER.kpp, bankAccount: SBER.bankAccount },
      contacts: [],
      devices: [],
      consents: { notifications: null, marketing: null },
    });
    expect(company.phone).toMatch(/^\+7999\d{7}$/);

    const refused = async (body: Record<string, unknown>, message: string | RegExp) => {
      const answer = await call('POST', '/clients', { operator: 'sidorova', body: { kind: 'company', ...body } });
      expect([answer.status, answer.body.code], answer.text).toEqual([400, 'VALIDATION']);
      expect(answer.body.message).toMatch(message);
    };
    await refused({ inn: '7707083894' }, 'body.inn: checksum does not match');
    await refused({ inn: '77070838' }, /^body\.inn: must be 10 digits/);
    await refused({ inn: SBER.inn, ogrn: '1027700132196' }, 'body.ogrn: check digit does not match');
    await refused({ kpp: '7736010' }, /^body\.kpp: must be 9 characters/);
    await refused(
      { bankBik: SBER.bankBik, bankAccount: '40702810300000000001' },
      "body.bankAccount: control key does not match the bank's БИК",
    );
    await refused(
      { bankBik: '044030653', bankCorrAccount: SBER.bankCorrAccount },
      "body.bankCorrAccount: control key does not match the bank's БИК",
    );
    await refused({ bankBik: '12345' }, /^body\.bankBik: must be 9 digits/);
    await refused(
      { inn: '500100732259', kpp: SBER.kpp },
      'body.kpp: an individual entrepreneur (12-digit ИНН) has none',
    );
    await refused({ kind: 'person', inn: SBER.inn }, 'body.inn: only a company has one (kind is "person")');
    await refused({ phone: 'позвоните мне' }, 'body.phone: is not a phone number');
    await refused({ email: 'not-an-address' }, 'body.email: is not an e-mail address');
    await refused({ category: 'vip' }, /^body\.category must be equal to one of the allowed values/);
    await refused({ surname: 'x' }, /must NOT have additional properties/);

    const asOperator = await call('POST', '/clients', { operator: 'ivanova', body: { name: 'x' } });
    expect([asOperator.status, asOperator.body.code]).toEqual([403, 'NOT_PERMITTED']);
    expect(
      (await call('POST', '/clients', { operator: `lead-${suffix}`, body: { name: `Лид ${suffix}` } })).status,
    ).toBe(201);
    expect((await call('GET', `/clients/${company.id}`, { operator: 'petrov' })).body.legal.inn).toBe(SBER.inn);
  });

  it('several contacts of each kind; one that is another client’s is 409; intake finds the client by a further one', async () => {
    const anna = await create({ name: `Анна ${suffix}`, phone: phone(1), email: email('anna') });
    const boris = await create({ name: `Борис ${suffix}`, phone: phone(2), email: email('boris') });
    const work = phone(3);
    const added = await call('POST', `/clients/${anna.id}/contacts`, {
      operator: 'ivanova',
      body: { kind: 'phone', value: `8 ${work.slice(2, 5)} ${work.slice(5)}`, label: 'рабочий' },
    });
    expect([added.status, added.body.value, added.body.label]).toEqual([201, work, 'рабочий']);
    expect(
      (
        await call('POST', `/clients/${anna.id}/contacts`, {
          operator: 'ivanova',
          body: { kind: 'email', value: email('Anna.Work') },
        })
      ).body.value,
    ).toBe(email('anna.work'));
    const telegram = await call('POST', `/clients/${anna.id}/contacts`, {
      operator: 'ivanova',
      body: { kind: 'telegram', value: `@Anna_${suffix}` },
    });
    expect(telegram.body.value).toBe(`@anna_${suffix}`);

    const taken = async (id: number, kind: string, value: string, message: string) => {
      const answer = await call('POST', `/clients/${id}/contacts`, { operator: 'ivanova', body: { kind, value } });
      expect([answer.status, answer.body.code, answer.body.message]).toEqual([409, 'CONTACT_TAKEN', message]);
    };
    await taken(boris.id, 'phone', anna.phone, `body.value: ${anna.phone} is a contact of client ${anna.id}`);
    await taken(boris.id, 'phone', work, `body.value: ${work} is a contact of client ${anna.id}`);
    await taken(
      boris.id,
      'email',
      email('ANNA.WORK'),
      `body.value: ${email('anna.work')} is a contact of client ${anna.id}`,
    );
    await taken(
      anna.id,
      'telegram',
      `anna_${suffix}`,
      `body.value: @anna_${suffix} is already a contact of this client`,
    );
    const primaryTaken = await call('PATCH', `/clients/${boris.id}`, {
      operator: 'sidorova',
      body: { email: email('anna.work') },
    });
    expect([primaryTaken.status, primaryTaken.body.message]).toEqual([
      409,
      `body.email: ${email('anna.work')} is a contact of client ${anna.id}`,
    ]);
    const badPhone = await call('POST', `/clients/${anna.id}/contacts`, {
      operator: 'ivanova',
      body: { kind: 'phone', value: 'abc' },
    });
    expect([badPhone.status, badPhone.body.message]).toEqual([400, 'body.value: is not a phone number']);

    const id = await driver.register({
      subject: 'Счёт на оплату',
      description: 'Пришлите счёт',
      client: { phone: work },
    });
    const [ticket] = await desk.db.select({ clientId: tickets.clientId }).from(tickets).where(eq(tickets.id, id));
    expect(ticket!.clientId).toBe(anna.id);

    // Two clients claiming one new phone at once: the value is held while it is checked, so one wins.
    const contested = phone(4);
    const both = await Promise.all(
      [anna.id, boris.id].map((cid) =>
        call('POST', `/clients/${cid}/contacts`, { operator: 'ivanova', body: { kind: 'phone', value: contested } }),
      ),
    );
    expect(both.map((a) => a.status).sort()).toEqual([201, 409]);

    const profile = (await call('GET', `/clients/${anna.id}`, { operator: 'ivanova' })).body;
    expect(profile.contacts.map((c: { kind: string }) => c.kind).sort()).toEqual(
      both[0]!.status === 201 ? ['email', 'phone', 'phone', 'telegram'] : ['email', 'phone', 'telegram'],
    );
    expect(profile.contacts.map((c: { value: string }) => c.value)).toContain(email('anna.work'));
    // Her further e-mail made the primary one moves there (the notices' address on file), not doubled.
    const promoted = await call('PATCH', `/clients/${anna.id}`, {
      operator: 'sidorova',
      body: { email: email('anna.work') },
    });
    expect([promoted.status, promoted.body.email], promoted.text).toEqual([200, email('anna.work')]);
    expect(promoted.body.contacts.map((c: { value: string }) => c.value)).not.toContain(email('anna.work'));
    const removed = await call('DELETE', `/clients/${anna.id}/contacts/${added.body.id}`, { operator: 'sidorova' });
    expect(removed.body).toEqual({ removed: true });
    expect(
      (await call('DELETE', `/clients/${anna.id}/contacts/${added.body.id}`, { operator: 'ivanova' })).status,
    ).toBe(403);
  });

  it('devices with an IMEI Luhn check, and consents with the date given and withdrawn', async () => {
    const client = await create({ name: `Вера ${suffix}`, phone: phone(5) });
    const badImei = await call('POST', `/clients/${client.id}/devices`, {
      operator: 'petrov',
      body: { model: 'iPhone 12', imei: '490154203237519' },
    });
    expect([badImei.status, badImei.body.message]).toEqual([400, 'body.imei: Luhn check digit does not match']);
    const device = await call('POST', `/clients/${client.id}/devices`, {
      operator: 'petrov',
      body: { model: 'iPhone 12', serial: 'F2LXK0AAAAAA', imei: '49-015420-323751-8' },
    });
    expect([device.status, device.body.imei]).toEqual([201, '490154203237518']);

    const given = await call('PUT', `/clients/${client.id}/consents/marketing`, {
      operator: 'ivanova',
      body: { granted: true, at: '2026-03-01T09:00:00Z', source: 'подписанное согласие' },
    });
    expect(given.status, given.text).toBe(200);
    await call('PUT', `/clients/${client.id}/consents/marketing`, {
      operator: 'ivanova',
      body: { granted: false, at: '2026-06-01T09:00:00Z', source: 'звонок' },
    });
    await call('PUT', `/clients/${client.id}/consents/notifications`, { operator: 'ivanova', body: { granted: true } });
    const future = await call('PUT', `/clients/${client.id}/consents/marketing`, {
      operator: 'ivanova',
      body: { granted: true, at: '2099-01-01T00:00:00Z' },
    });
    expect([future.status, future.body.message]).toEqual([400, 'body.at: is in the future']);
    const profile = (await call('GET', `/clients/${client.id}`, { operator: 'ivanova' })).body;
    expect(profile.consents.marketing).toMatchObject({
      granted: false,
      at: '2026-06-01T09:00:00.000Z',
      source: 'звонок',
      recordedBy: 'ivanova',
    });
    expect(profile.consents.notifications.granted).toBe(true);
    expect(profile.devices).toMatchObject([{ model: 'iPhone 12', serial: 'F2LXK0AAAAAA', imei: '490154203237518' }]);
  });

  it('search by phone in any notation, e-mail in any case, Telegram username, ИНН or part of the name; paged', async () => {
    const p = phone(6);
    const found = await create({
      kind: 'company',
      name: `Поисковая ${suffix}`,
      phone: p,
      email: email('search'),
      inn: '7830002293',
    });
    const further = phone(7);
    await call('POST', `/clients/${found.id}/contacts`, {
      operator: 'ivanova',
      body: { kind: 'phone', value: further },
    });
    const ids = async (q: string) =>
      (
        (await call('GET', `/clients?q=${encodeURIComponent(q)}`, { operator: 'ivanova' })).body as { id: number }[]
      ).map((c) => c.id);
    expect(await ids(`8 (${p.slice(2, 5)}) ${p.slice(5, 8)}-${p.slice(8, 10)}-${p.slice(10)}`)).toContain(found.id);
    expect(await ids(further)).toContain(found.id);
    expect(await ids(email('SEARCH'))).toContain(found.id);
    expect(await ids('7830002293')).toContain(found.id);
    expect(await ids(`исковая ${suffix}`)).toEqual([found.id]);
    expect(await ids(`nobody-${suffix}`)).toEqual([]);
    await create({ name: `Поисковая ${suffix} вторая` });
    expect(await ids(`Поисковая ${suffix}`)).toHaveLength(2);
    expect(
      (
        await call('GET', `/clients?q=${encodeURIComponent(`Поисковая ${suffix}`)}&limit=1&offset=1`, {
          operator: 'ivanova',
        })
      ).body,
    ).toHaveLength(1);
    const short = await call('GET', '/clients?q=a', { operator: 'ivanova' });
    expect([short.status, short.body.message]).toEqual([400, 'querystring.q must NOT have fewer than 2 characters']);
    expect((await call('GET', '/clients?q=abc')).status).toBe(401);
  });

  it('two edits against one version: one is made, the other 409; edits without a version queue up, each audited', async () => {
    const client = await create({ name: `Гена ${suffix}` });
    const both = await Promise.all(
      ['Геннадий', 'Гена П.'].map((name) =>
        call('PATCH', `/clients/${client.id}`, { operator: 'sidorova', body: { name, version: client.version } }),
      ),
    );
    expect(both.map((a) => a.status).sort()).toEqual([200, 409]);
    const stale = both.find((a) => a.status === 409)!;
    expect(stale.body).toMatchObject({ code: 'STALE_VERSION' });
    expect(stale.body.message).toMatch(/^body\.version: client \d+ is at version 2, the change was made against 1$/);

    const fields = [
      { note: 'звонить после 18' },
      { category: 'regular' },
      { preferredChannel: 'sms' },
      { legalAddress: null },
      { name: 'Геннадий Петрович' },
    ];
    const answers = await Promise.all(
      fields.map((body) => call('PATCH', `/clients/${client.id}`, { operator: 'sidorova', body })),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    const profile = (await call('GET', `/clients/${client.id}`, { operator: 'sidorova' })).body;
    // The null changes nothing (it was null): no version, no audit entry.
    expect(profile).toMatchObject({
      version: 6,
      note: 'звонить после 18',
      category: 'regular',
      preferredChannel: 'sms',
      name: 'Геннадий Петрович',
    });
    const audit = (await call('GET', `/clients/${client.id}/audit`, { operator: 'sidorova' })).body as any[];
    expect(audit.map((e) => e.action)).toEqual([...Array(5).fill('client_changed'), 'client_created']);
    expect(audit.find((e) => e.details.category)).toMatchObject({
      actorId: 'sidorova',
      address: '127.0.0.1',
      details: { category: { from: 'one_time', to: 'regular' } },
    });
    expect((await call('GET', `/clients/${client.id}/audit`, { operator: 'ivanova' })).status).toBe(403);
  });

  it('the timeline: tickets and their articles across channels, blind to operators until they hold the ticket', async () => {
    const marker = `blind${suffix}`;
    const mail = email('timeline');
    const client = await create({ name: `Таймлайн ${suffix}`, email: mail });
    const id = await driver.register({
      subject: `Счёт на оплату ${marker}`,
      description: `Пришлите счёт ${marker}`,
      client: { email: mail },
    });
    await desk.articles.attachArticle(
      {
        ticketId: id,
        channel: 'email',
        direction: 'in',
        sender: mail,
        subject: 'Re',
        body: `Письмо ${marker}`,
        dedupeKey: `tl-${suffix}-1`,
      },
      { mayReopen: true },
    );
    await desk.articles.attachArticle(
      {
        ticketId: id,
        channel: 'telegram',
        direction: 'in',
        sender: '12345',
        body: `Телеграм ${marker}`,
        dedupeKey: `tl-${suffix}-2`,
      },
      { mayReopen: true },
    );
    const timeline = async (operator: string) => {
      const answer = await call('GET', `/clients/${client.id}/timeline`, { operator });
      expect(answer.status, answer.text).toBe(200);
      return answer;
    };
    for (const operator of ['ivanova', 'petrov']) {
      const blind = await timeline(operator);
      expect(blind.text, operator).not.toContain(marker);
      expect(
        blind.body.entries.some((e: { ticketId: number }) => e.ticketId === id),
        operator,
      ).toBe(false);
    }
    const managers = (await timeline('sidorova')).body.entries;
    expect(managers.map((e: { kind: string }) => e.kind)).toEqual(['article', 'article', 'ticket']);
    expect(managers.map((e: any) => e.article?.channel ?? e.ticket.subject)).toEqual([
      'telegram',
      'email',
      `Счёт на оплату ${marker}`,
    ]);

    await driver.accept(id, 'ivanova');
    const held = (await timeline('ivanova')).body.entries;
    expect(held.map((e: any) => e.article?.body ?? e.ticket.subject)).toEqual([
      `Телеграм ${marker}`,
      `Письмо ${marker}`,
      `Счёт на оплату ${marker}`,
    ]);
    // Petrov sees that there is a ticket in work (as in GET /clients/:id/tickets), nothing of it.
    const other = await timeline('petrov');
    expect(other.text).not.toContain(marker);
    expect(other.body.entries).toMatchObject([{ kind: 'ticket', ticketId: id, ticket: { stage: 'in_work' } }]);
  });

  it('merges a duplicate: tickets, calls, chats, contacts, devices and consents move; the duplicate answers 301', async () => {
    const survivor = await create({ name: `Ольга ${suffix}`, phone: phone(8), category: 'regular' });
    const dupMail = email('olga.dup');
    const dupPhone = phone(9);
    const duplicate = await create({
      kind: 'company',
      name: `Ольга К. ${suffix}`,
      email: dupMail,
      phone: dupPhone,
      ...SBER,
    });
    const first = await driver.register({
      subject: 'Счёт на оплату',
      description: 'Нужен счёт',
      client: { email: dupMail },
    });
    const second = await driver.register({
      subject: 'Ещё счёт',
      description: 'И ещё один счёт',
      client: { email: dupMail },
    });
    await desk.db.insert(calls).values({ callId: `merge-${suffix}`, fromNumber: dupPhone, clientId: duplicate.id });
    const chatId = 9_000_000_000 + Math.floor(Math.random() * 1e6);
    await desk.db.insert(telegramChats).values({ chatId, clientId: duplicate.id, phone: dupPhone });
    const furtherPhone = phone(10);
    await call('POST', `/clients/${duplicate.id}/contacts`, {
      operator: 'ivanova',
      body: { kind: 'phone', value: furtherPhone },
    });
    await call('POST', `/clients/${duplicate.id}/devices`, { operator: 'ivanova', body: { model: 'Samsung A52' } });
    await call('PUT', `/clients/${duplicate.id}/consents/notifications`, {
      operator: 'ivanova',
      body: { granted: true },
    });

    expect(
      (
        await call('POST', `/clients/${survivor.id}/merge`, {
          operator: `lead-${suffix}`,
          body: { from: duplicate.id },
        })
      ).status,
    ).toBe(403);
    const self = await call('POST', `/clients/${survivor.id}/merge`, {
      operator: 'sidorova',
      body: { from: survivor.id },
    });
    expect([self.status, self.body.message]).toEqual([400, 'body.from: a client cannot be merged into itself']);

    const merged = await call('POST', `/clients/${survivor.id}/merge`, {
      operator: 'sidorova',
      body: { from: duplicate.id },
    });
    expect(merged.status, merged.text).toBe(200);
    // Its e-mail is the survivor's primary now (it had none), its phone a further contact (it had one).
    expect(merged.body.moved).toEqual({ tickets: 2, calls: 1, telegramChats: 1, contacts: 3, devices: 1, consents: 1 });
    const after = merged.body.client;
    expect(after).toMatchObject({
      id: survivor.id,
      email: dupMail,
      phone: survivor.phone,
      category: 'regular',
      kind: 'company',
    });
    expect(after.legal).toMatchObject({ inn: SBER.inn, bankAccount: SBER.bankAccount });
    expect(after.contacts.map((c: { value: string }) => c.value).sort()).toEqual([dupPhone, furtherPhone].sort());
    expect(after.devices).toMatchObject([{ model: 'Samsung A52' }]);
    expect(after.telegramChats).toMatchObject([{ chatId }]);
    expect(after.consents.notifications.granted).toBe(true);

    const owners = await desk.db
      .select({ id: tickets.id, clientId: tickets.clientId })
      .from(tickets)
      .where(sql`${tickets.id} in (${first}, ${second})`);
    expect(owners.map((t) => t.clientId)).toEqual([survivor.id, survivor.id]);
    const [moved] = await desk.db
      .select({ clientId: calls.clientId })
      .from(calls)
      .where(eq(calls.callId, `merge-${suffix}`));
    expect(moved!.clientId).toBe(survivor.id);
    const [tomb] = await desk.db.select().from(clients).where(eq(clients.id, duplicate.id));
    expect(tomb).toMatchObject({ mergedInto: survivor.id, phone: null, email: null });
    expect(await desk.db.select().from(clientContacts).where(eq(clientContacts.clientId, duplicate.id))).toEqual([]);
    const managerTickets = (await call('GET', `/clients/${survivor.id}/tickets`, { operator: 'sidorova' })).body as {
      id: number;
    }[];
    expect(managerTickets.map((t) => t.id).sort()).toEqual([first, second].sort());

    for (const path of [
      `/clients/${duplicate.id}`,
      `/clients/${duplicate.id}/timeline`,
      `/clients/${duplicate.id}/tickets`,
    ]) {
      const gone = await manual('GET', path, 'ivanova');
      expect([gone.status, gone.headers.get('location')], path).toEqual([301, `/clients/${survivor.id}`]);
      expect(((await gone.json()) as any).code).toBe('CLIENT_MOVED');
    }
    const edit = await call('PATCH', `/clients/${duplicate.id}`, { operator: 'sidorova', body: { name: 'x' } });
    expect([edit.status, edit.body.code]).toEqual([409, 'CLIENT_MERGED']);
    const other = await create({ name: `Третий ${suffix}` });
    const fromTomb = await call('POST', `/clients/${other.id}/merge`, {
      operator: 'sidorova',
      body: { from: duplicate.id },
    });
    expect([fromTomb.status, fromTomb.body.code, fromTomb.body.message]).toEqual([
      409,
      'CLIENT_MERGED',
      `body.from: client ${duplicate.id} was already merged into client ${survivor.id}`,
    ]);
    const intoTomb = await call('POST', `/clients/${duplicate.id}/merge`, {
      operator: 'sidorova',
      body: { from: other.id },
    });
    expect([intoTomb.status, intoTomb.body.code]).toEqual([409, 'CLIENT_MERGED']);
    expect(
      (await call('POST', '/clients/2147483647/merge', { operator: 'sidorova', body: { from: other.id } })).status,
    ).toBe(404);

    // Intake now finds the survivor by the duplicate's contacts; search never finds the tombstone.
    const third = await driver.register({ subject: 'Счёт', description: 'Ещё счёт', client: { phone: dupPhone } });
    const [third_] = await desk.db.select({ clientId: tickets.clientId }).from(tickets).where(eq(tickets.id, third));
    expect(third_!.clientId).toBe(survivor.id);
    const searched = (
      await call('GET', `/clients?q=${encodeURIComponent(`Ольга К. ${suffix}`)}`, { operator: 'ivanova' })
    ).body;
    expect(searched).toEqual([]);

    const audit = (await call('GET', `/clients/${survivor.id}/audit`, { operator: 'sidorova' })).body as any[];
    expect(audit[0]).toMatchObject({
      action: 'client_merged',
      actorId: 'sidorova',
      address: '127.0.0.1',
      details: { from: duplicate.id },
    });
    const tombAudit = (await call('GET', `/clients/${duplicate.id}/audit`, { operator: 'sidorova' })).body as any[];
    expect(tombAudit[0]).toMatchObject({ action: 'merged_into', details: { into: survivor.id } });
  });

  it('a ticket written with the duplicate’s id while a merge holds it lands on the survivor, not the tombstone', async () => {
    const survivor = await create({ name: `S ${suffix}` });
    const duplicate = await create({ name: `D ${suffix}` });
    const mail = email('race');
    const id = await driver.register({ subject: 'Счёт', description: 'Нужен счёт', client: { email: mail } });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // The merge's locks and tombstone, held open while intake writes the ticket with the duplicate's id.
    const merge = desk.db.$client.begin(async (tx) => {
      await tx`select id from clients where id in (${survivor.id}, ${duplicate.id}) order by id for update`;
      await tx`update clients set merged_into = ${survivor.id}, merged_at = now() where id = ${duplicate.id}`;
      await held;
    });
    await new Promise((resolve) => setTimeout(resolve, 150));
    const write = desk.db.execute(sql`update tickets set client_id = ${duplicate.id} where id = ${id}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
    release();
    await Promise.all([merge, write]);
    const [row] = await desk.db.select({ clientId: tickets.clientId }).from(tickets).where(eq(tickets.id, id));
    expect(row!.clientId).toBe(survivor.id);
  });

  it('two merges of one duplicate at once: one moves everything, the other is refused', async () => {
    const a = await create({ name: `A ${suffix}` });
    const b = await create({ name: `B ${suffix}` });
    const dup = await create({ name: `Dup ${suffix}`, phone: phone(11) });
    const both = await Promise.all(
      [a.id, b.id].map((id) => call('POST', `/clients/${id}/merge`, { operator: 'sidorova', body: { from: dup.id } })),
    );
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    const winner = both[0]!.status === 200 ? a : b;
    const [tomb] = await desk.db.select().from(clients).where(eq(clients.id, dup.id));
    expect(tomb!.mergedInto).toBe(winner.id);
  });
});
