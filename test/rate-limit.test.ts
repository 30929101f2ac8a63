/** The routes anyone may call are limited per address (PUBLIC_RATE_LIMIT); staff routes are not. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { startTestDesk } from './support/desk';
import { listen } from './support/http';

describe('public rate limit', () => {
  let desk: Awaited<ReturnType<typeof startTestDesk>>;
  let call: Awaited<ReturnType<typeof listen>>['call'];
  const suffix = Math.random().toString(36).slice(2, 8);

  beforeAll(async () => {
    desk = await startTestDesk({
      publicRateLimit: 3,
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
    ({ call } = await listen(desk.app));
  });
  afterAll(() => desk?.stop());

  it('answers 429 past the limit, naming it and when to retry, and counts every public write', async () => {
    const ticket = (n: number) => ({
      subject: 'Не работает интернет',
      description: 'Роутер не раздаёт wifi',
      client: { email: `limit-${suffix}-${n}@example.com` },
    });
    expect((await call('POST', '/tickets', { body: ticket(1) })).status).toBe(201);
    expect((await call('POST', '/tickets', { body: ticket(2) })).status).toBe(201);
    // A survey answer is a public write too: it counts against the same address.
    expect((await call('POST', '/tickets/1/survey', { body: { token: 'guess', csat: 5 } })).status).toBe(403);
    const refused = await call('POST', '/tickets', { body: ticket(3) });
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({
      code: 'RATE_LIMITED',
      message: expect.stringMatching(/more than 3 requests a minute.*retry in/),
    });
    expect((await call('GET', '/auth/oidc/start')).status).toBe(429);
    // Staff routes and reading pages are not limited.
    for (let i = 0; i < 5; i++) expect((await call('GET', '/queues', { operator: 'ivanova' })).status).toBe(200);
    expect((await call('GET', '/health')).status).not.toBe(429);
  });

  it('is 60 a minute unless set; 0 turns it off; nonsense is refused naming the variable', () => {
    expect(loadConfig({}).PUBLIC_RATE_LIMIT).toBe(60);
    expect(loadConfig({ PUBLIC_RATE_LIMIT: '0' }).PUBLIC_RATE_LIMIT).toBe(0);
    expect(() => loadConfig({ PUBLIC_RATE_LIMIT: 'lots' })).toThrow(/PUBLIC_RATE_LIMIT/);
    expect(() => loadConfig({ PUBLIC_RATE_LIMIT: '-1' })).toThrow(/PUBLIC_RATE_LIMIT/);
  });
});
