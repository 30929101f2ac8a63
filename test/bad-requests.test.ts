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
    expect((await call('POST', '/tickets/999999999/survey', { body: { token: 't', csat: 3 } })).status).toBe(404);
    expect((await call('GET', '/queues/999999/tickets', { operator: 'ivanova' })).status).toBe(404);
    const malformed = await call('GET', '/tickets/abc', { operator: 'ivanova' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.field).toBe('params.id');
    expect((await call('GET', '/nowhere')).status).toBe(404);
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
    // The ticket is still there, still waiting.
    const still = await call('GET', `/tickets/${queuedId}`, { operator: 'ivanova' });
    expect(still.body.stage).toBe('queued');
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
