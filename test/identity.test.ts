import fs from 'node:fs';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authPlugin } from '../src/api/auth';
import { routeAccess, accessKey, type RouteAccess } from '../src/api/access-table';
import { DEMO_PASSWORD } from '../src/db/seed';
import { operators } from '../src/db/schema';
import { TICKET_PROCESS_ID, TicketElement } from '../src/domain/process';
import { hasCapability, scopeOf } from '../src/domain/access';
import { operatorRoles, tokenScopes, type OperatorRole, type TokenScope } from '../src/domain/enums';
import { defaultIdentityOptions, hashPassword, needsRehash } from '../src/services/identity-service';
import { startTestDesk } from './support/desk';
import { listen } from './support/http';

const cookieOf = (response: Response) =>
  response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');

/** What the README's security suite says of the matrix: "(N behind sign-in)", "(N answers)", "(N, all 401)". */
function readmeSays(pattern: RegExp): number {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8').replace(/\s+/g, ' ');
  const found = pattern.exec(readme);
  expect(found, `README.md states ${pattern}`).not.toBeNull();
  return Number(found![1]!.replace(/,/g, ''));
}

describe('identity: sessions, tokens and the access table', () => {
  let desk: Awaited<ReturnType<typeof startTestDesk>>;
  let address: string;
  const suffix = Math.random().toString(36).slice(2, 8);
  const raw = (method: string, path: string, init: { headers?: Record<string, string>; body?: unknown } = {}) =>
    fetch(`${address}${path}`, {
      method,
      headers: { ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  const signIn = (login: string, password = DEMO_PASSWORD) =>
    raw('POST', '/auth/sign-in', { body: { login, password } });

  beforeAll(async () => {
    desk = await startTestDesk({
      identity: { ...defaultIdentityOptions, sessionIdleMs: 1_500, signInLimit: 3 },
      // Every optional route group on, so the matrix covers it.
      cti: {
        token: 'matrix-cti-token-0123456789abcdef',
        zadarma: { token: 'matrix-zadarma-token-0123456789abcdef', secret: 'matrix-zadarma-secret' },
      },
      // With a gateway (never called: no SMS notice is sent here), so its delivery reports' route is on too.
      sms: {
        token: 'matrix-sms-token-0123456789abcdef',
        provider: { name: 'generic', baseUrl: 'http://127.0.0.1:1/sms', apiKey: 'matrix', allowPrivate: true },
      },
      // Single sign-on on, at a provider and a directory that do not answer (port 1 on loopback).
      oidc: {
        issuer: 'http://127.0.0.1:1/realms/desk',
        clientId: 'desk',
        clientSecret: 'matrix-client-secret',
        redirectUri: 'http://desk.test/auth/oidc/callback',
        scopes: 'openid email',
        providerName: 'Matrix SSO',
      },
      ldap: {
        url: 'ldap://127.0.0.1:1',
        startTls: false,
        searchBase: 'ou=people,dc=desk,dc=test',
        loginAttribute: 'uid',
        mapBy: 'login',
        name: 'Matrix LDAP',
        timeoutMs: 1_000,
      },
    });
    ({ address } = await listen(desk.app));
  });
  afterAll(() => desk?.stop());

  it('signs in with the demo password: an HttpOnly SameSite=Lax cookie, a new session id each time', async () => {
    const first = await signIn('ivanova');
    expect(first.status).toBe(200);
    const setCookie = first.headers.getSetCookie().find((c) => c.startsWith('desk-session='))!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    const second = await signIn('ivanova');
    expect(cookieOf(second)).not.toBe(cookieOf(first));
    const session = await raw('GET', '/auth/session', { headers: { cookie: cookieOf(second) } });
    expect(((await session.json()) as any).operator.id).toBe('ivanova');
  });

  it('stores argon2id hashes and rehashes one made with other parameters at sign-in', async () => {
    const [row] = await desk.db.select().from(operators).where(eq(operators.id, 'petrov'));
    expect(row!.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const { hash } = await import('@node-rs/argon2');
    const weak = await hash(DEMO_PASSWORD, { memoryCost: 8192, timeCost: 1, parallelism: 1 });
    expect(needsRehash(weak)).toBe(true);
    await desk.db.update(operators).set({ passwordHash: weak }).where(eq(operators.id, 'petrov'));
    expect((await signIn('petrov')).status).toBe(200);
    const [after] = await desk.db.select().from(operators).where(eq(operators.id, 'petrov'));
    expect(needsRehash(after!.passwordHash!)).toBe(false);
  });

  it('cookie writes need the CSRF token; sign-out ends the session, sign-out-everywhere all of them', async () => {
    const a = cookieOf(await signIn('sidorova'));
    const signedIn = await signIn('sidorova');
    const b = cookieOf(signedIn);
    const { csrfToken } = (await signedIn.json()) as any;
    const withoutToken = await raw('POST', '/auth/tokens', {
      headers: { cookie: b },
      body: { name: 'x', scopes: ['read'] },
    });
    expect(withoutToken.status).toBe(403);
    const made = await raw('POST', '/auth/tokens', {
      headers: { cookie: b, 'x-csrf-token': csrfToken },
      body: { name: 'script', scopes: ['read'] },
    });
    expect(made.status).toBe(201);
    const token = (await made.json()) as any;
    expect(token.token).toMatch(/^sd_[A-Za-z0-9_-]{43}$/);
    expect(token.lastChars).toBe(token.token.slice(-4));
    const listed = (await (await raw('GET', '/auth/tokens', { headers: { cookie: b } })).json()) as any;
    expect(JSON.stringify(listed)).not.toContain(token.token);
    const everywhere = await raw('POST', '/auth/sign-out-everywhere', {
      headers: { cookie: b, 'x-csrf-token': csrfToken },
    });
    expect(((await everywhere.json()) as any).signedOut).toBeGreaterThanOrEqual(2);
    expect((await raw('GET', '/auth/session', { headers: { cookie: a } })).status).toBe(401);
  });

  it('a session ends after the idle timeout', async () => {
    const cookie = cookieOf(await signIn('ivanova'));
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect((await raw('GET', '/queues', { headers: { cookie } })).status).toBe(401);
  });

  it('disabling an account ends its sessions and tokens at once; revoked and expired tokens are refused', async () => {
    const login = `leaver-${suffix}`;
    await desk.db.insert(operators).values({ id: login, name: login, role: 'operator' });
    const { token } = await desk.app.identity.issueStaffToken(login, 't', ['read']);
    const bearer = { authorization: `Bearer ${token}` };
    expect((await raw('GET', '/queues', { headers: bearer })).status).toBe(200);
    const admin = await desk.app.identity.issueStaffToken('admin', 'admin', ['read', 'act', 'manage']);
    const off = await raw('PUT', `/staff/${login}/enabled`, {
      headers: { authorization: `Bearer ${admin.token}` },
      body: { enabled: false },
    });
    expect(off.status).toBe(200);
    expect((await raw('GET', '/queues', { headers: bearer })).status).toBe(401);

    const revoked = await desk.app.identity.issueStaffToken('ivanova', 'r', ['read']);
    await desk.app.identity.revokeToken({ id: 'ivanova', role: 'operator', groupIds: [] }, revoked.id);
    expect((await raw('GET', '/queues', { headers: { authorization: `Bearer ${revoked.token}` } })).status).toBe(401);
    const expired = await desk.app.identity.issueStaffToken('ivanova', 'e', ['read'], new Date(Date.now() + 1_000));
    await desk.db.execute(sql`update api_tokens set expires_at = now() - interval '1 second' where id = ${expired.id}`);
    expect((await raw('GET', '/queues', { headers: { authorization: `Bearer ${expired.token}` } })).status).toBe(401);
  });

  it('a token marks its last use at most once a minute: most requests only read it', async () => {
    const { id, token } = await desk.app.identity.issueStaffToken('ivanova', 'touch', ['read']);
    const bearer = { authorization: `Bearer ${token}` };
    const lastUsed = async () =>
      [
        ...(await desk.db.execute<{ at: string }>(
          sql`select last_used_at::text as at from api_tokens where id = ${id}`,
        )),
      ][0]!.at;
    expect((await raw('GET', '/queues', { headers: bearer })).status).toBe(200);
    const first = await lastUsed();
    expect(first).not.toBeNull();
    expect((await raw('GET', '/queues', { headers: bearer })).status).toBe(200);
    expect(await lastUsed()).toBe(first);
    await desk.db.execute(sql`update api_tokens set last_used_at = now() - interval '2 minutes' where id = ${id}`);
    const stale = await lastUsed();
    expect((await raw('GET', '/queues', { headers: bearer })).status).toBe(200);
    expect(Date.parse(await lastUsed())).toBeGreaterThan(Date.parse(stale));
  });

  it('a route missing from the access table stops the app from starting', async () => {
    const app = Fastify();
    await app.register(authPlugin, {
      identity: desk.app.identity,
      secureCookies: false,
      trustedProxies: [],
      identityHeader: 'x-remote-user',
      places: { placeOf: async () => undefined, queueCode: async () => undefined },
    });
    expect(() => app.get('/unlisted', async () => 'ok')).toThrow(/no entry in src\/api\/access-table.ts/);
    await app.close();
  });

  /** Every route of the OpenAPI document with its access entry, and a URL that names no real thing. */
  const documentedRoutes = async () => {
    const document = (await (await raw('GET', '/docs/json')).json()) as any;
    const routes: { key: string; method: string; pattern: string; url: string; access: RouteAccess }[] = [];
    for (const [pattern, methods] of Object.entries(document.paths as Record<string, Record<string, unknown>>)) {
      const url = pattern.replace(/\{(\w+)\}/g, (_, name: string) =>
        ['id', 'line'].includes(name) ? '2147483647' : `matrix-${name}`,
      );
      for (const method of Object.keys(methods).map((m) => m.toUpperCase())) {
        const key = accessKey(method, pattern.replace(/\{(\w+)\}/g, ':$1'));
        const access = routeAccess[key];
        expect(access, `${key} has an entry in the access table`).toBeDefined();
        if (access) routes.push({ key, method, pattern, url, access });
      }
    }
    return routes;
  };
  const probeBody = (method: string) => (method === 'GET' || method === 'DELETE' ? undefined : { matrixProbe: true });
  const answerOf = (response: Response) =>
    response
      .json()
      .then((v): any => v)
      .catch(() => ({}));

  it('authorization matrix: every OpenAPI route × every role, anonymous and a token without the scope', async () => {
    const tokens = {} as Record<OperatorRole, string>;
    for (const role of operatorRoles) {
      const login = `matrix-${role}-${suffix}`;
      await desk.db.insert(operators).values({ id: login, name: login, role });
      tokens[role] = (await desk.app.identity.issueStaffToken(login, 'matrix', ['read', 'act', 'manage'])).token;
    }
    // An administrator's token of every scope but one: the role allows everything, the token does not.
    const lacking = {} as Record<TokenScope, string>;
    for (const scope of tokenScopes)
      lacking[scope] = (
        await desk.app.identity.issueStaffToken(
          `matrix-administrator-${suffix}`,
          `without ${scope}`,
          tokenScopes.filter((s) => s !== scope),
        )
      ).token;
    // Routes whose side effects reach beyond this test (a retraining run) are checked for refusals only.
    const refusalsOnly = new Set(['POST /category-model/retrain']);
    // A stream never ends: its answer is the status and headers, then it is let go.
    const streams = new Set(['GET /calls/stream', 'GET /figures/stream']);
    let cases = 0;
    let protectedRoutes = 0;
    for (const { key, method, url, access } of await documentedRoutes()) {
      if ('public' in access) continue;
      protectedRoutes++;
      const body = probeBody(method);
      const anonymous = await raw(method, url, { body });
      expect(anonymous.status, `${key} anonymous`).toBe(401);
      const scope = scopeOf[access.capability];
      const withoutScope = await raw(method, url, { body, headers: { authorization: `Bearer ${lacking[scope]}` } });
      expect([withoutScope.status, (await answerOf(withoutScope)).code], `${key} without "${scope}"`).toEqual([
        403,
        'NOT_PERMITTED',
      ]);
      cases += 2;
      for (const role of operatorRoles) {
        const allowed = hasCapability({ role }, access.capability);
        if (allowed && refusalsOnly.has(key)) continue;
        const response = await raw(method, url, { body, headers: { authorization: `Bearer ${tokens[role]}` } });
        const answer =
          streams.has(key) && response.status === 200
            ? await response.body!.cancel().then(() => ({}) as any)
            : await answerOf(response);
        if (allowed) {
          expect(response.status, `${key} as ${role}`).not.toBe(401);
          expect(answer.code, `${key} as ${role}`).not.toBe('NOT_PERMITTED');
        } else {
          expect([response.status, answer.code], `${key} as ${role}`).toEqual([403, 'NOT_PERMITTED']);
        }
        cases++;
      }
    }
    expect(cases).toBeGreaterThan(300);
    // The README's figures are this test's own counts.
    expect(readmeSays(/OpenAPI document \((\d+) behind sign-in\)/), 'routes behind sign-in').toBe(protectedRoutes);
    expect(readmeSays(/route's scope \(([\d,]+) answers\)/), 'answers of the role matrix').toBe(cases);
  });

  it('authorization matrix: the sign-on routes are public, each answering an anonymous caller with what it is for', async () => {
    // Public routes are not in the role matrix above; these rows say what each gives a stranger.
    const rows: [string, string, unknown, number, string | undefined][] = [
      ['GET', '/auth/methods', undefined, 200, undefined],
      ['GET', '/auth/oidc/start', undefined, 503, 'SSO_UNAVAILABLE'],
      ['GET', '/auth/oidc/callback?code=x&state=y', undefined, 400, 'SSO_STATE_INVALID'],
      ['POST', '/auth/ldap/sign-in', { matrixProbe: true }, 400, 'VALIDATION'],
      ['POST', '/auth/ldap/sign-in', { login: 'ivanova', password: DEMO_PASSWORD }, 503, 'SSO_UNAVAILABLE'],
    ];
    const documented = new Set((await documentedRoutes()).map(({ key }) => key));
    for (const [method, url, body, status, code] of rows) {
      const key = accessKey(method, url.split('?')[0]!);
      expect(documented.has(key), `${key} is in the OpenAPI document`).toBe(true);
      expect(routeAccess[key], key).toHaveProperty('public');
      const response = await raw(method, url, { body });
      const answer = await answerOf(response);
      expect([response.status, answer.code], `${method} ${url}`).toEqual([status, code]);
    }
    const methods = (await (await raw('GET', '/auth/methods')).json()) as any;
    expect(methods).toEqual({
      password: true,
      oidc: { name: 'Matrix SSO', start: '/auth/oidc/start' },
      ldap: { name: 'Matrix LDAP', signIn: '/auth/ldap/sign-in' },
    });
  });

  it('authorization matrix: the channels’ webhooks are public, each refusing a caller without its secrets', async () => {
    // A webhook's proof is the secret in its path (and a provider's signature): a stranger is refused before its body is read.
    // Zadarma's as the form it posts; the others as JSON, which every one of them takes.
    const rows: [string, string, Record<string, string> | undefined, number, string][] = [
      ['POST', '/channels/cti/matrix-token', undefined, 403, 'BAD_CTI_TOKEN'],
      ['POST', '/channels/sms/matrix-token', undefined, 403, 'BAD_SMS_TOKEN'],
      ['POST', '/channels/sms/matrix-token/status', undefined, 403, 'BAD_SMS_TOKEN'],
      ['POST', '/channels/zadarma/matrix-token', { event: 'NOTIFY_START' }, 403, 'BAD_ZADARMA_TOKEN'],
      ['GET', '/channels/zadarma/matrix-token?zd_echo=matrix', undefined, 403, 'BAD_ZADARMA_TOKEN'],
      // Zadarma's path alone is not enough: each notification must be signed with the account's API secret.
      [
        'POST',
        '/channels/zadarma/matrix-zadarma-token-0123456789abcdef',
        { event: 'NOTIFY_START', pbx_call_id: 'in_matrix', caller_id: '79161234567', called_did: '74951112233' },
        401,
        'ZADARMA_SIGNATURE_REQUIRED',
      ],
    ];
    const webhooks = (await documentedRoutes()).filter(({ access }) => 'public' in access && access.webhook);
    const covered = new Set<string>();
    for (const [method, url, form, status, code] of rows) {
      const key = accessKey(method, url.split('?')[0]!.replace(/^\/channels\/(\w+)\/[^/]+/, '/channels/$1/:token'));
      expect(routeAccess[key], key).toMatchObject({ public: expect.any(String), webhook: expect.any(String) });
      covered.add(key);
      const response = form
        ? await fetch(`${address}${url}`, {
            method,
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams(form).toString(),
          })
        : await raw(method, url, { body: probeBody(method) });
      expect([response.status, (await answerOf(response)).code], `${method} ${url}`).toEqual([status, code]);
    }
    // Every webhook this desk documents has its row (Telegram's is off here: its own test covers it).
    expect(webhooks.map(({ key }) => key).filter((key) => !covered.has(key))).toEqual([]);
  });

  it('authorization matrix: a disabled account, an expired session and a revoked token get 401 on every route', async () => {
    const password = `matrix-${suffix}-password`;
    const passwordHash = await hashPassword(password);
    const accountWith = async (login: string) => {
      await desk.db.insert(operators).values({ id: login, name: login, role: 'administrator', passwordHash });
      const signedIn = await signIn(login, password);
      expect(signedIn.status).toBe(200);
      const { token } = await desk.app.identity.issueStaffToken(login, 'matrix', [...tokenScopes]);
      return { cookie: cookieOf(signedIn), csrf: ((await signedIn.json()) as any).csrfToken as string, token };
    };
    const leaver = await accountWith(`matrix-disabled-${suffix}`);
    const expired = await accountWith(`matrix-expired-${suffix}`);
    const revoked = await accountWith(`matrix-revoked-${suffix}`);
    const admin = await desk.app.identity.issueStaffToken('admin', 'matrix', [...tokenScopes]);
    const off = await raw('PUT', `/staff/matrix-disabled-${suffix}/enabled`, {
      headers: { authorization: `Bearer ${admin.token}` },
      body: { enabled: false },
    });
    expect(off.status).toBe(200);
    // The idle timeout of this desk is 1.5 s: the session is made 10 minutes idle.
    await desk.db.execute(
      sql`update staff_sessions set last_seen_at = now() - interval '10 minutes' where operator_id = ${`matrix-expired-${suffix}`}`,
    );
    const [row] = (await desk.db.execute(
      sql`select id from api_tokens where operator_id = ${`matrix-revoked-${suffix}`}`,
    )) as unknown as [{ id: number }];
    await desk.app.identity.revokeToken({ id: 'admin', role: 'administrator', groupIds: [] }, Number(row.id));
    const credentials: [string, Record<string, string>][] = [
      ['a disabled account’s token', { authorization: `Bearer ${leaver.token}` }],
      ['a disabled account’s session', { cookie: leaver.cookie, 'x-csrf-token': leaver.csrf }],
      ['an expired session', { cookie: expired.cookie, 'x-csrf-token': expired.csrf }],
      ['a revoked token', { authorization: `Bearer ${revoked.token}` }],
    ];
    let cases = 0;
    for (const { key, method, url, access } of await documentedRoutes()) {
      if ('public' in access) continue;
      for (const [what, headers] of credentials) {
        const response = await raw(method, url, { body: probeBody(method), headers });
        expect([response.status, (await answerOf(response)).code], `${key} with ${what}`).toEqual([
          401,
          'NOT_SIGNED_IN',
        ]);
        cases++;
      }
    }
    expect(cases).toBeGreaterThanOrEqual(200);
    expect(readmeSays(/revoked token \(([\d,]+), all 401\)/), 'answers to bad credentials').toBe(cases);
  });

  it('blind queues, re-checked through every ticket route under every role: nothing of a ticket not theirs', async () => {
    const marker = `blind${suffix}`;
    const registered = await raw('POST', '/tickets', {
      body: {
        subject: `Не работает принтер ${marker}`,
        description: `Принтер не печатает ${marker}`,
        client: { name: `Клиент ${marker}`, email: `${marker}@example.org` },
      },
    });
    expect(registered.status).toBe(201);
    const ticket = (await registered.json()) as any;
    const [{ clientId }] = (await desk.db.execute(
      sql`select client_id as "clientId" from tickets where id = ${ticket.id}`,
    )) as unknown as [{ clientId: number }];
    // Every role, and the demo operators (one of them in the ticket's queue group), none of them its assignee.
    const viewers: [string, string][] = [];
    for (const role of operatorRoles) {
      const login = `blind-${role}-${suffix}`;
      await desk.db.insert(operators).values({ id: login, name: login, role });
      viewers.push([role, (await desk.app.identity.issueStaffToken(login, 'blind', [...tokenScopes])).token]);
    }
    for (const login of ['ivanova', 'petrov'])
      viewers.push([login, (await desk.app.identity.issueStaffToken(login, 'blind', [...tokenScopes])).token]);
    const urlOf = (pattern: string) =>
      pattern
        .replace('/clients/{id}', `/clients/${clientId}`)
        .replace('/queues/{id}', `/queues/${ticket.queue.id}`)
        .replace('{processId}', TICKET_PROCESS_ID)
        .replace('{elementId}', TicketElement.queue)
        .replace('{id}', String(ticket.id));
    const ticketRoutes = (await documentedRoutes()).filter(
      ({ pattern, method }) =>
        (pattern.startsWith('/tickets') ||
          pattern === '/clients/{id}/tickets' ||
          pattern === '/clients/{id}/timeline' ||
          pattern === '/queues/{id}/tickets' ||
          pattern === '/processes/{processId}/elements/{elementId}/tickets') &&
        // A write without a body would act (accept the ticket); the others are refused by their schema.
        (method === 'GET' || pattern !== '/tickets/{id}/accept'),
    );
    let cases = 0;
    let answered = 0;
    for (const { key, method, pattern } of ticketRoutes) {
      const url = urlOf(pattern) + (key === 'GET /tickets' ? `?q=${marker}` : '');
      for (const [who, token] of viewers) {
        const response = await raw(method, url, {
          body: probeBody(method),
          headers: { authorization: `Bearer ${token}` },
        });
        const text = await response.text();
        if (response.status === 200) answered++;
        const seesAll =
          operatorRoles.includes(who as OperatorRole) &&
          hasCapability({ role: who as OperatorRole }, 'see_all_tickets');
        if (!seesAll) expect(text, `${key} as ${who}`).not.toContain(marker);
        cases++;
      }
    }
    expect(cases).toBeGreaterThan(150);
    // Not refusals only: the routes answered, with what the blind view allows.
    expect(answered).toBeGreaterThan(40);
    // The managers' view does show it: the marker is where the check looks.
    const asManager = viewers.find(([who]) => who === 'manager')![1];
    expect(
      await (await raw('GET', `/tickets/${ticket.id}`, { headers: { authorization: `Bearer ${asManager}` } })).text(),
    ).toContain(marker);
  });

  // Last: it uses up the sign-in attempts of this address.
  it('one answer for a wrong password and an unknown login; refuses after the limit, atomically counted', async () => {
    const login = `locked-${suffix}`;
    await desk.db.insert(operators).values({ id: login, name: login, role: 'operator' });
    const wrong = await signIn(login, 'nope');
    const unknown = await signIn(`ghost-${suffix}`, 'nope');
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(((await wrong.json()) as any).message).toBe(((await unknown.json()) as any).message);
    // Three more at once: each attempt is counted by one upsert before the password is checked, so
    // the limit (3) holds however they interleave.
    const burst = await Promise.all([1, 2, 3].map(() => signIn(login, 'nope')));
    expect(burst.map((r) => r.status).sort()).toContain(429);
    expect((await signIn(login, 'nope')).status).toBe(429);
  });
});
