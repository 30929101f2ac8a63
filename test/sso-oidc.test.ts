import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operators, staffIdentities } from '../src/db/schema';
import { defaultIdentityOptions } from '../src/services/identity-service';
import { startTestDeskAlone } from './support/desk';
import { browser, startOidcProvider, TEST_CLIENT, type ProviderAccount } from './support/oidc-provider';
import { freePort } from './support/ports';

/**
 * Single sign-on with OpenID Connect (#12) through a real provider (oidc-provider) that this
 * test starts: the desk redirects there with PKCE, state and nonce, a browser-like client fills
 * in the provider's login and consent forms, the provider sends it back, and the desk links the
 * staff account by its verified e-mail and opens its own session.
 */
describe('OpenID Connect sign-in', () => {
  const suffix = Math.random().toString(36).slice(2, 8);
  const anna = `anna${suffix}`;
  const boris = `boris${suffix}`;
  const vera = `vera${suffix}`;
  // Subjects at the provider (its logins), with the e-mail claims it sends.
  const accounts: Record<string, ProviderAccount> = {
    [`sub-anna-${suffix}`]: { email: `Anna.${suffix}@corp.test`, email_verified: true },
    [`sub-unverified-${suffix}`]: { email: `anna.${suffix}@corp.test`, email_verified: false },
    [`sub-no-claim-${suffix}`]: { email: `anna.${suffix}@corp.test` },
    [`sub-stranger-${suffix}`]: { email: `stranger.${suffix}@corp.test`, email_verified: true },
    [`sub-boris-${suffix}`]: { email: `boris.${suffix}@corp.test`, email_verified: true },
    [`sub-vera-${suffix}`]: { email: `vera.${suffix}@corp.test`, email_verified: true },
    [`sub-vera-again-${suffix}`]: { email: `vera.${suffix}@corp.test`, email_verified: true },
  };
  let provider: Awaited<ReturnType<typeof startOidcProvider>>;
  let desk: Awaited<ReturnType<typeof startTestDeskAlone>>;
  let address: string;
  let callback: string;

  /** A new browser that starts at the desk and signs in at the provider as `login`; the callback URL it is sent to. */
  const throughProvider = async (login: string, next = '/ticket.html?id=1') => {
    const person = browser();
    const start = await person.request(`${address}/auth/oidc/start?next=${encodeURIComponent(next)}`);
    expect(start.status).toBe(302);
    const to = new URL(start.headers.get('location')!);
    expect(to.origin).toBe(provider.issuer);
    return { person, back: await person.signInAt(to.href, login, callback), authorize: to };
  };
  const answer = async (response: Response) => [response.status, ((await response.json()) as any).code];

  beforeAll(async () => {
    const [deskPort, providerPort] = [await freePort(), await freePort()];
    address = `http://127.0.0.1:${deskPort}`;
    callback = `${address}/auth/oidc/callback`;
    provider = await startOidcProvider({ port: providerPort, redirectUri: callback, accounts });
    desk = await startTestDeskAlone('oidc', {
      identity: { ...defaultIdentityOptions, signInLimit: 1_000 },
      oidc: {
        issuer: provider.issuer,
        clientId: TEST_CLIENT.id,
        clientSecret: TEST_CLIENT.secret,
        redirectUri: callback,
        scopes: 'openid email',
        providerName: 'Corp SSO',
      },
    });
    await desk.app.listen({ port: deskPort, host: '127.0.0.1' });
    await desk.db.insert(operators).values([
      { id: anna, name: 'Anna', role: 'operator', email: `anna.${suffix}@corp.test` },
      { id: boris, name: 'Boris', role: 'operator', email: `boris.${suffix}@corp.test`, disabledAt: new Date() },
      { id: vera, name: 'Vera', role: 'operator', email: `vera.${suffix}@corp.test` },
    ]);
  });
  afterAll(async () => {
    await desk?.stop();
    await provider?.stop();
  });

  it('the sign-in page is told single sign-on is on, by the provider’s name', async () => {
    const methods = (await (await fetch(`${address}/auth/methods`)).json()) as any;
    expect(methods).toEqual({ password: true, oidc: { name: 'Corp SSO', start: '/auth/oidc/start' }, ldap: null });
  });

  it('sends the browser to the provider with PKCE (S256), a state and a nonce; the state in a short-lived cookie', async () => {
    const person = browser();
    const start = await person.request(`${address}/auth/oidc/start`);
    const to = new URL(start.headers.get('location')!);
    expect(to.searchParams.get('code_challenge_method')).toBe('S256');
    expect(to.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(to.searchParams.get('nonce')).toBeTruthy();
    expect(to.searchParams.get('redirect_uri')).toBe(callback);
    const state = to.searchParams.get('state')!;
    const cookie = start.headers.getSetCookie().find((c) => c.startsWith('desk-sso-state='))!;
    expect(cookie).toContain(`desk-sso-state=${state}`);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Max-Age=600/);
  });

  it('happy path: provider login and consent, back with a desk session that reads /tickets; linked and audited', async () => {
    const { person, back } = await throughProvider(`sub-anna-${suffix}`);
    const done = await person.request(back);
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/ticket.html?id=1');
    expect(person.jar.has('desk-session')).toBe(true);
    expect(person.jar.has('desk-sso-state')).toBe(false);
    const session = await person.request(`${address}/auth/session`);
    expect(((await session.json()) as any).operator.id).toBe(anna);
    expect((await person.request(`${address}/tickets?q=принтер`)).status).toBe(200);

    const [link] = await desk.db.select().from(staffIdentities).where(eq(staffIdentities.operatorId, anna));
    expect(link).toMatchObject({ issuer: provider.issuer, subject: `sub-anna-${suffix}` });
    const admin = await desk.app.identity.issueStaffToken('admin', 'oidc audit', ['read', 'act', 'manage']);
    const log = (await (
      await fetch(`${address}/audit-log?limit=500`, { headers: { authorization: `Bearer ${admin.token}` } })
    ).json()) as any[];
    const mine = log.filter((e) => e.target === anna).map((e) => [e.action, e.details.method]);
    expect(mine).toEqual([
      ['signed_in', 'oidc'],
      ['sso_linked', 'oidc'],
    ]);

    // The second time the link is used (by subject), and the session is a new one.
    const again = await throughProvider(`sub-anna-${suffix}`);
    expect((await again.person.request(again.back)).status).toBe(303);
    expect(again.person.jar.get('desk-session')).not.toBe(person.jar.get('desk-session'));
  });

  it('an e-mail the provider has not verified (false, or no claim) links nothing', async () => {
    for (const login of [`sub-unverified-${suffix}`, `sub-no-claim-${suffix}`]) {
      const { person, back } = await throughProvider(login);
      const refused = await person.request(back);
      expect(refused.status, login).toBe(403);
      const body = (await refused.json()) as any;
      expect(body.code).toBe('SSO_NOT_LINKED');
      expect(body.message).toMatch(/not verified/);
      expect(person.jar.has('desk-session')).toBe(false);
    }
  });

  it('a verified e-mail that no staff account has is refused: nothing is created', async () => {
    const { person, back } = await throughProvider(`sub-stranger-${suffix}`);
    const refused = await person.request(back);
    expect(await answer(refused)).toEqual([403, 'SSO_NOT_LINKED']);
    const [{ count }] = (await desk.db.execute(
      sql`select count(*)::int as count from operators where email = ${`stranger.${suffix}@corp.test`}`,
    )) as unknown as [{ count: number }];
    expect(count).toBe(0);
  });

  it('a disabled account cannot sign in, neither by e-mail nor by an existing link', async () => {
    const byEmail = await throughProvider(`sub-boris-${suffix}`);
    const refused = await byEmail.person.request(byEmail.back);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as any).message).toMatch(/disabled/);

    await desk.db.update(operators).set({ disabledAt: new Date() }).where(eq(operators.id, anna));
    const byLink = await throughProvider(`sub-anna-${suffix}`);
    const linkedRefused = await byLink.person.request(byLink.back);
    expect(linkedRefused.status).toBe(403);
    expect(byLink.person.jar.has('desk-session')).toBe(false);
    await desk.db.update(operators).set({ disabledAt: null }).where(eq(operators.id, anna));
  });

  it('an account linked to one subject is not linked to another with the same e-mail', async () => {
    const first = await throughProvider(`sub-vera-${suffix}`);
    expect((await first.person.request(first.back)).status).toBe(303);
    const other = await throughProvider(`sub-vera-again-${suffix}`);
    const refused = await other.person.request(other.back);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as any).message).toMatch(/linked to another/);
  });

  it('a replayed, a foreign, a missing and an expired state are refused with 400', async () => {
    const { person, back } = await throughProvider(`sub-anna-${suffix}`);
    const stateCookie = person.jar.get('desk-sso-state')!;
    // Another browser, with a sign-in of its own under way, is handed this callback (login CSRF).
    const other = browser();
    await other.request(`${address}/auth/oidc/start`);
    const foreign = await other.request(back);
    expect(await answer(foreign)).toEqual([400, 'SSO_STATE_INVALID']);
    expect(other.jar.has('desk-session')).toBe(false);

    expect((await person.request(back)).status).toBe(303);
    // The same callback again: its cookie is gone; and with the cookie put back, its state is spent.
    const replayed = await person.request(back);
    expect(await answer(replayed)).toEqual([400, 'SSO_STATE_INVALID']);
    const withCookie = await fetch(back, { redirect: 'manual', headers: { cookie: `desk-sso-state=${stateCookie}` } });
    expect(withCookie.status).toBe(400);
    expect(((await withCookie.json()) as any).message).toMatch(/used already or has expired/);

    const missing = await fetch(`${callback}?code=x`, { redirect: 'manual' });
    expect(await answer(missing)).toEqual([400, 'SSO_STATE_INVALID']);

    const late = await throughProvider(`sub-anna-${suffix}`);
    await desk.db.execute(sql`update sso_logins set created_at = now() - interval '11 minutes'`);
    const expired = await late.person.request(late.back);
    expect(expired.status).toBe(400);
    expect(((await expired.json()) as any).message).toMatch(/expired/);
  });

  it('a code that is not the provider’s, or a provider error, is 401 SSO_FAILED', async () => {
    const { person, back } = await throughProvider(`sub-anna-${suffix}`);
    const forged = new URL(back);
    forged.searchParams.set('code', 'forged-code');
    expect(await answer(await person.request(forged.href))).toEqual([401, 'SSO_FAILED']);

    const denied = browser();
    const start = await denied.request(`${address}/auth/oidc/start`);
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    const error = await denied.request(
      `${callback}?error=access_denied&state=${state}&iss=${encodeURIComponent(provider.issuer)}`,
    );
    const body = (await error.json()) as any;
    expect([error.status, body.code]).toEqual([401, 'SSO_FAILED']);
    expect(body.message).toMatch(/access_denied/);
  });

  it('the return path is the desk’s own: an address elsewhere in next is not followed', async () => {
    const { person, back } = await throughProvider(`sub-anna-${suffix}`, 'https://evil.example/');
    const done = await person.request(back);
    expect(done.headers.get('location')).toBe('/processes.html');
  });
});
