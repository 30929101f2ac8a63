import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY_LIMIT } from '../src/api/app';
import { clients, tickets } from '../src/db/schema';
import { startTestDesk } from './support/desk';
import { listen } from './support/http';

describe('bad requests get a clear 4xx and change nothing', () => {
  let desk: Awaited<ReturnType<typeof startTestDesk>>;
  let call: Awaited<ReturnType<typeof listen>>['call'];
  let queuedId: number;
  const valid = {
    subject: 'Не работает интернет',
    description: 'Роутер мигает красным',
    client: { email: 'bad.requests@example.com' },
  };

  const rowCounts = async () => ({
    tickets: (await desk.db.select({ n: count() }).from(tickets))[0]!.n,
    clients: (await desk.db.select({ n: count() }).from(clients))[0]!.n,
  });

  beforeAll(async () => {
    desk = await startTestDesk();
    ({ call } = await listen(desk.app));
    queuedId = (await call('POST', '/tickets', { body: valid })).body.id;
  });
  afterAll(() => desk?.stop());

  it.each([
    ['no subject', 'body.subject', { ...valid, subject: undefined }],
    ['empty subject', 'body.subject', { ...valid, subject: '' }],
    ['subject of the wrong type', 'body.subject', { ...valid, subject: { text: 'x' } }],
    ['no client', 'body.client', { ...valid, client: undefined }],
    ['client without phone or e-mail', 'body.client', { ...valid, client: { name: 'Аноним' } }],
    ['malformed e-mail', 'body.client.email', { ...valid, client: { email: 'not-an-email' } }],
    ['phone with letters', 'body.client.phone', { ...valid, client: { phone: '+7 916 ABC' } }],
    ['unknown channel', 'body.channel', { ...valid, channel: 'pigeon' }],
    ['unknown field', 'body', { ...valid, priority: 'critical' }],
  ])('POST /tickets with %s → 400 naming %s', async (_case, field, body) => {
    const before = await rowCounts();
    const response = await call('POST', '/tickets', { body });
    expect(response.status).toBe(400);
    expect(response.body.message).toContain(field);
    expect(await rowCounts()).toEqual(before);
  });

  it('rejects a body that is not JSON or too large', async () => {
    const broken = await call('POST', '/tickets', {
      raw: '{"subject": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(broken.status).toBe(400);
    const text = await call('POST', '/tickets', { raw: 'subject=hi', headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(415);
    const huge = await call('POST', '/tickets', { body: { ...valid, description: 'я'.repeat(BODY_LIMIT) } });
    expect(huge.status).toBe(413);
    const long = await call('POST', '/tickets', { body: { ...valid, description: 'x'.repeat(20_001) } });
    expect(long.status).toBe(400);
    expect(long.body.field).toBe('body.description');
  });

  it('asks who the operator is', async () => {
    expect((await call('GET', '/queues')).status).toBe(401);
    const unknown = await call('POST', `/tickets/${queuedId}/accept`, { operator: 'nobody' });
    expect(unknown.status).toBe(401);
    // Not staff: the helper's token does not exist, and the answer says so without naming anyone.
    expect(unknown.body).toMatchObject({ code: 'NOT_SIGNED_IN', message: expect.stringContaining('token') });
    const claimed = await call('GET', '/queues', { headers: { 'x-operator-id': 'sidorova' } });
    expect(claimed.status).toBe(401);
  });

  it('answers 404 for an unknown ticket or queue and 400 for a malformed id', async () => {
    expect((await call('GET', '/tickets/999999999', { operator: 'ivanova' })).status).toBe(404);
    expect((await call('GET', '/tickets/999999999/events', { operator: 'ivanova' })).status).toBe(404);
    expect((await call('POST', '/tickets/999999999/accept', { operator: 'ivanova' })).status).toBe(404);
    // The client's link tells a guesser nothing: no such ticket is answered like a wrong token.
    const unknown = await call('POST', '/tickets/999999999/survey', { body: { token: 't', csat: 3 } });
    expect([unknown.status, unknown.body.code]).toEqual([403, 'BAD_SURVEY_TOKEN']);
    expect((await call('GET', '/queues/999999/tickets', { operator: 'ivanova' })).status).toBe(404);
    const malformed = await call('GET', '/tickets/abc', { operator: 'ivanova' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.field).toBe('params.id');
    expect((await call('GET', '/nowhere')).status).toBe(404);
  });

  it('refuses an offset past 10000 naming it, on every paged list', async () => {
    for (const path of ['/tickets?q=abc&', '/queues/1/tickets', '/clients/1/tickets']) {
      const url = `${path}${path.includes('?') ? '' : '?'}offset=10001`;
      const response = await call('GET', url, { operator: 'ivanova' });
      expect([url, response.status, response.body.field]).toEqual([url, 400, 'querystring.offset']);
    }
    expect((await call('GET', '/tickets?q=abc&offset=10000', { operator: 'ivanova' })).status).toBe(200);
  });

  it('refuses a log cursor past what JavaScript counts exactly, naming it, instead of failing in the query', async () => {
    for (const [url, operator] of [
      ['/clients/1/audit?before=9223372036854775808', 'sidorova'],
      ['/audit-log?before=9223372036854775808', 'admin'],
      ['/escalations?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z&after=9007199254740993', 'sidorova'],
    ] as const) {
      const response = await call('GET', url, { operator });
      expect([url, response.status, response.body.message]).toEqual([
        url,
        400,
        expect.stringMatching(/querystring\.(before|after)/),
      ]);
    }
  });

  it('pages a ticket’s events with a bounded limit and a keyset cursor', async () => {
    const events = (path: string) => call('GET', `/tickets/${queuedId}/events${path}`, { operator: 'sidorova' });
    const all = (await events('')).body as Array<{ id: number }>;
    expect(all.length).toBeGreaterThan(2);
    const first = (await events('?limit=2')).body as Array<{ id: number }>;
    const next = (await events(`?limit=2&after=${first[1]!.id}`)).body as Array<{ id: number }>;
    expect([...first, ...next].map((e) => e.id)).toEqual(all.slice(0, 4).map((e) => e.id));
    expect((await events('?limit=1001')).body.field).toBe('querystring.limit');
    const foreign = await events('?after=999999999');
    expect([foreign.status, foreign.body.message]).toEqual([400, expect.stringContaining('querystring.after')]);
  });

  it('refuses work and resolution on a ticket nobody accepted, and bad work entries', async () => {
    const work = await call('POST', `/tickets/${queuedId}/work`, {
      operator: 'ivanova',
      body: { minutes: 10, note: 'x' },
    });
    expect(work.status).toBe(409);
    const resolve = await call('POST', `/tickets/${queuedId}/resolve`, {
      operator: 'ivanova',
      body: { resolution: 'done' },
    });
    expect(resolve.status).toBe(409);
    const negative = await call('POST', `/tickets/${queuedId}/work`, {
      operator: 'ivanova',
      body: { minutes: -5, note: 'x' },
    });
    expect(negative.status).toBe(400);
    expect(negative.body.field).toBe('body.minutes');
    const survey = await call('POST', `/tickets/${queuedId}/survey`, { body: { token: 'guess', csat: 5 } });
    expect(survey.status).toBe(403);
    const nothing = await call('POST', '/tickets/999999999/survey', { body: { token: 'guess', csat: 5 } });
    expect(nothing.body).toEqual(survey.body);
    // The ticket is still there, still waiting.
    const still = await call('GET', `/tickets/${queuedId}`, { operator: 'ivanova' });
    expect(still.body.stage).toBe('queued');
  });

  it.each([
    ['a NUL byte', 'body.description', { ...valid, description: 'a\u0000b' }, 'NUL'],
    ['a lone surrogate', 'body.subject', { ...valid, subject: 'x\ud800y' }, 'lone surrogate'],
    ['a NUL byte deep in a list', 'body.client.name', { ...valid, client: { ...valid.client, name: '\u0000' } }, 'NUL'],
  ])('POST /tickets with %s → 400 naming %s, nothing stored', async (_case, field, body, reason) => {
    const before = await rowCounts();
    const response = await call('POST', '/tickets', { body });
    expect(response.status).toBe(400);
    expect(response.body.field).toBe(field);
    expect(response.body.message).toContain(reason);
    expect(await rowCounts()).toEqual(before);
  });

  it('refuses text PostgreSQL cannot keep on every route, in a rule and in a query', async () => {
    // Found by test/fuzz.test.ts: a NUL in a rule's list reached jsonb and answered 500.
    const rule = await call('POST', '/rules', {
      operator: 'sidorova',
      body: { name: 'nul', condition: { serviceCodes: ['a', '\u0000'] }, outcome: { priority: 'high' } },
    });
    expect(rule.status).toBe(400);
    expect(rule.body.field).toBe('body.condition.serviceCodes.1');
    const search = await call('GET', `/tickets?q=${encodeURIComponent('abc\u0000')}`, { operator: 'ivanova' });
    expect(search.status).toBe(400);
    expect(search.body.field).toBe('querystring.q');
  });

  it('answers a body nested thousands deep with a 4xx, not a stack overflow', async () => {
    // Found by test/fuzz.test.ts: the text check recursed and overflowed the stack (500).
    const response = await call('POST', `/queues/1/next`, {
      operator: 'ivanova',
      raw: `${'['.repeat(5_000)}${']'.repeat(5_000)}`,
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBeLessThan(500);
  });

  it.each([
    ['POST', '/tickets/{id}/sla', 'body.agreementId', { agreementId: 2 ** 63 }],
    ['PUT', '/rules/order', 'body.ruleIds.0', { ruleIds: [2 ** 63] }],
    [
      'POST',
      '/rules',
      'body.place',
      { name: 'big', condition: { words: ['x'] }, outcome: { priority: 'high' }, place: 2 ** 63 },
    ],
  ])(
    '%s %s with an id of 2^63 → 400 naming %s (found by the fuzz: integer out of range, 500)',
    async (method, path, field, body) => {
      const response = await call(method, path.replace('{id}', String(queuedId)), { operator: 'sidorova', body });
      expect(response.status).toBe(400);
      expect(response.body.field).toBe(field);
    },
  );

  it('names body.agreementId when a ticket is moved to an agreement that does not exist', async () => {
    // Found by test/fuzz.test.ts: the workflow's refusal ("agreement 781 does not exist") named no field.
    const response = await call('POST', `/tickets/${queuedId}/sla`, {
      operator: 'sidorova',
      body: { agreementId: 2_000_000 },
    });
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/^body\.agreementId/);
  });

  it('serves the OpenAPI document with every route', async () => {
    const doc = await call('GET', '/docs/json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/tickets',
        '/tickets/{id}',
        '/tickets/{id}/events',
        '/tickets/{id}/accept',
        '/tickets/{id}/work',
        '/tickets/{id}/resolve',
        '/tickets/{id}/survey',
        '/queues',
        '/queues/{id}/tickets',
      ]),
    );
  });
});
