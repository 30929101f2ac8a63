/**
 * The routes anyone may call are limited per address (PUBLIC_RATE_LIMIT), the channels' webhooks
 * at their own limit (WEBHOOK_RATE_LIMIT); staff routes are not.
 * The count lives in the database, so every API process of a desk shares it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { closeDatabase, openDatabase, type Database } from '../src/db/client';
import { countPublicWrite, forgetPublicWrites } from '../src/repositories/identity';
import { startTestDesk, startTestDeskAlone } from './support/desk';
import { closableRoad } from './support/closable-road';
import { listen } from './support/http';

describe('public rate limit', () => {
  let desk: Awaited<ReturnType<typeof startTestDeskAlone>>;
  let second: Awaited<ReturnType<typeof startTestDesk>>;
  let call: Awaited<ReturnType<typeof listen>>['call'];
  let callSecond: Awaited<ReturnType<typeof listen>>['call'];
  let db: Database;
  const suffix = Math.random().toString(36).slice(2, 8);
  const taskQueue = `tickets-rate-limit-${process.pid}-${suffix}`;

  beforeAll(async () => {
    // A database of its own: every test's requests come from 127.0.0.1, and the count is per address.
    desk = await startTestDeskAlone('rate_limit', {
      taskQueue,
      publicRateLimit: 3,
      webhookRateLimit: 2,
      cti: {
        token: 'cti-limit-secret-0123456789abcdef',
        zadarma: { token: 'zadarma-limit-secret-0123456789abcdef', secret: 'limit-api-secret' },
      },
      // Starting single sign-on stores the sign-in under way: it counts like a public write.
      oidc: {
        issuer: 'http://127.0.0.1:1',
        clientId: 'desk',
        clientSecret: 'limit-secret',
        redirectUri: 'http://desk.test/auth/oidc/callback',
        scopes: 'openid email',
        providerName: 'Limit SSO',
      },
    });
    // A second API process of the same desk: same database, same task queue.
    second = await startTestDesk({
      role: 'api',
      databaseUrl: desk.databaseUrl,
      taskQueue,
      publicRateLimit: 3,
      webhookRateLimit: 2,
      cti: { token: 'cti-limit-secret-0123456789abcdef' },
    });
    ({ call } = await listen(desk.app));
    ({ call: callSecond } = await listen(second.app));
    db = openDatabase(desk.databaseUrl, { max: 4 });
  });
  afterAll(async () => {
    if (db) await closeDatabase(db);
    await second?.stop();
    await desk?.stop();
  });

  it('answers 429 past the limit, naming it and when to retry, and counts every public write of every API process', async () => {
    const ticket = (n: number) => ({
      subject: 'Не работает интернет',
      description: 'Роутер не раздаёт wifi',
      client: { email: `limit-${suffix}-${n}@example.com` },
    });
    expect((await call('POST', '/tickets', { body: ticket(1) })).status).toBe(201);
    // The other API process counts against the same address.
    expect((await callSecond('POST', '/tickets', { body: ticket(2) })).status).toBe(201);
    // A survey answer is a public write too.
    expect((await call('POST', '/tickets/1/survey', { body: { token: 'guess', csat: 5 } })).status).toBe(403);
    for (const caller of [callSecond, call]) {
      const refused = await caller('POST', '/tickets', { body: ticket(3) });
      expect(refused.status).toBe(429);
      expect(refused.body).toMatchObject({
        code: 'RATE_LIMITED',
        message: expect.stringMatching(/more than 3 requests a minute.*retry in/),
      });
    }
    expect((await call('GET', '/auth/oidc/start')).status).toBe(429);
    // Staff routes and reading pages are not limited.
    for (let i = 0; i < 5; i++) expect((await call('GET', '/queues', { operator: 'ivanova' })).status).toBe(200);
    expect((await call('GET', '/health')).status).not.toBe(429);
  });

  it('holds the channels’ webhooks to their own limit and count, shared by the API processes', async () => {
    // The public routes' count of this address is spent (above); the webhooks' is apart.
    expect((await call('POST', '/tickets', { body: { subject: 'x', description: 'y' } })).status).toBe(429);
    const cti = await call('POST', '/channels/cti/not-the-secret', { body: { event: 'newCall', callId: 'c-1' } });
    expect(cti.status).not.toBe(429);
    expect([401, 403, 404]).toContain(cti.status);
    // The other API process counts against the same address's webhook count.
    const second = await callSecond('POST', '/channels/cti/not-the-secret', {
      body: { event: 'answer', callId: 'c-1' },
    });
    expect(second.status).not.toBe(429);
    const refused = await call('POST', '/channels/cti/not-the-secret', { body: { event: 'hangup', callId: 'c-1' } });
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({
      code: 'RATE_LIMITED',
      message: expect.stringMatching(/more than 2 webhook requests a minute .*WEBHOOK_RATE_LIMIT.*retry in/),
    });
    // Zadarma's notifications and its URL check are webhooks of the same count.
    const zadarma = await call('POST', '/channels/zadarma/not-the-secret', { body: { event: 'NOTIFY_START' } });
    expect([zadarma.status, zadarma.body.message]).toEqual([429, expect.stringMatching(/WEBHOOK_RATE_LIMIT/)]);
    expect((await call('GET', '/channels/zadarma/not-the-secret?zd_echo=x')).status).toBe(429);
  });

  it('counts atomically under concurrency, starts a new window when one ends and sweeps the ended ones', async () => {
    const address = `203.0.113.${Math.floor(Math.random() * 250)}-${suffix}`;
    const counts = await Promise.all(Array.from({ length: 20 }, () => countPublicWrite(db, address, 60_000)));
    expect(counts.map((c) => c.requests).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    for (const { windowLeftMs } of counts) {
      expect(windowLeftMs).toBeGreaterThan(50_000);
      expect(windowLeftMs).toBeLessThanOrEqual(60_000);
    }

    const brief = `${address}-brief`;
    expect((await countPublicWrite(db, brief, 1_000)).requests).toBe(1);
    expect((await countPublicWrite(db, brief, 1_000)).requests).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const fresh = await countPublicWrite(db, brief, 1_000);
    expect(fresh.requests).toBe(1);
    expect(fresh.windowLeftMs).toBeGreaterThan(0);

    const recent = `${address}-recent`;
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await countPublicWrite(db, recent, 1_000);
    // Swept: the windows that started 1 s ago or more (brief's second, and the minute's rows of
    // this test, whose window here is 1 s too); kept: the one that has just started.
    expect(await forgetPublicWrites(db, 1_000)).toBeGreaterThanOrEqual(2);
    expect((await countPublicWrite(db, brief, 1_000)).requests).toBe(1);
    expect((await countPublicWrite(db, recent, 1_000)).requests).toBe(2);
  });

  it('answers 503 when the count cannot be had (the database away): not 500, and never uncounted', async () => {
    const road = await closableRoad(new URL(desk.databaseUrl));
    const cut = await startTestDesk({ role: 'api', databaseUrl: road.url, taskQueue, publicRateLimit: 3 });
    try {
      const { call: callCut } = await listen(cut.app);
      road.shut();
      const answer = await callCut('POST', '/tickets', {
        body: { subject: 'Нет связи', description: 'База недоступна', client: { email: `cut-${suffix}@example.com` } },
      });
      expect(answer.status).toBe(503);
      expect(answer.body).toMatchObject({ statusCode: 503 });
    } finally {
      await road.open();
      await cut.stop();
      await road.close();
    }
  });

  it('is 60 a minute (webhooks 6,000) unless set; 0 turns it off; nonsense is refused naming the variable', () => {
    expect(loadConfig({}).PUBLIC_RATE_LIMIT).toBe(60);
    expect(loadConfig({ PUBLIC_RATE_LIMIT: '0' }).PUBLIC_RATE_LIMIT).toBe(0);
    expect(() => loadConfig({ PUBLIC_RATE_LIMIT: 'lots' })).toThrow(/PUBLIC_RATE_LIMIT/);
    expect(() => loadConfig({ PUBLIC_RATE_LIMIT: '-1' })).toThrow(/PUBLIC_RATE_LIMIT/);
    expect(loadConfig({}).WEBHOOK_RATE_LIMIT).toBe(6000);
    expect(loadConfig({ WEBHOOK_RATE_LIMIT: '0' }).WEBHOOK_RATE_LIMIT).toBe(0);
    expect(() => loadConfig({ WEBHOOK_RATE_LIMIT: 'many' })).toThrow(/WEBHOOK_RATE_LIMIT/);
  });
});
