import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../src/db/seed';
import { defaultIdentityOptions } from '../src/services/identity-service';
import { startTestDesk } from './support/desk';
import { listen } from './support/http';

type Desk = Awaited<ReturnType<typeof startTestDesk>>;
const desks: Desk[] = [];
afterAll(() => Promise.all(desks.map((desk) => desk.stop())));

/** A desk listening on loopback, and fetch to it with a cookie jar of one cookie string. */
async function deskWith(overrides: Parameters<typeof startTestDesk>[0]) {
  const desk = await startTestDesk(overrides);
  desks.push(desk);
  const { address } = await listen(desk.app);
  const raw = (method: string, path: string, init: { headers?: Record<string, string>; body?: unknown } = {}) =>
    fetch(`${address}${path}`, {
      method,
      headers: { ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  return { desk, raw };
}
const cookieOf = (response: Response) =>
  response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
const sessionCookie = (response: Response) => response.headers.getSetCookie().find((c) => /desk-session=/.test(c))!;

describe('sessions, as an attacker would try them', () => {
  it('a session id planted before sign-in (fixation) is never the one signed in, and stays worthless', async () => {
    const { raw } = await deskWith({});
    const planted = 'desk-session=attacker-chosen-0123456789abcdef0123456789abcdef';
    const signedIn = await raw('POST', '/auth/sign-in', {
      headers: { cookie: planted },
      body: { login: 'ivanova', password: DEMO_PASSWORD },
    });
    expect(signedIn.status).toBe(200);
    const issued = sessionCookie(signedIn).split(';')[0]!;
    expect(issued).not.toBe(planted);
    expect((await raw('GET', '/auth/session', { headers: { cookie: issued } })).status).toBe(200);
    expect((await raw('GET', '/auth/session', { headers: { cookie: planted } })).status).toBe(401);
  });

  it('signing in again in the same browser ends the session it had: one browser, one session', async () => {
    const { raw } = await deskWith({});
    const body = { login: 'ivanova', password: DEMO_PASSWORD };
    const first = sessionCookie(await raw('POST', '/auth/sign-in', { body })).split(';')[0]!;
    const second = sessionCookie(await raw('POST', '/auth/sign-in', { headers: { cookie: first }, body })).split(
      ';',
    )[0]!;
    expect(second).not.toBe(first);
    expect((await raw('GET', '/auth/session', { headers: { cookie: first } })).status).toBe(401);
    expect((await raw('GET', '/auth/session', { headers: { cookie: second } })).status).toBe(200);
  });

  it('a session in use ends at the absolute timeout however busy it is', async () => {
    const { raw } = await deskWith({
      identity: { ...defaultIdentityOptions, sessionIdleMs: 60_000, sessionAbsoluteMs: 2_000 },
    });
    const cookie = cookieOf(
      await raw('POST', '/auth/sign-in', { body: { login: 'ivanova', password: DEMO_PASSWORD } }),
    );
    const startedAt = Date.now();
    // Used every 250 ms: never idle, yet over after 2 s.
    let status = 200;
    while (status === 200 && Date.now() - startedAt < 6_000) {
      status = (await raw('GET', '/auth/session', { headers: { cookie } })).status;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(status).toBe(401);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(2_000);
  });

  it('behind https the cookie is __Host- and Secure, for the whole site and no other host', async () => {
    const { raw } = await deskWith({ publicUrl: 'https://desk.example' });
    const signedIn = await raw('POST', '/auth/sign-in', {
      headers: { host: 'desk.example' },
      body: { login: 'ivanova', password: DEMO_PASSWORD },
    });
    expect(signedIn.status).toBe(200);
    const cookie = sessionCookie(signedIn);
    expect(cookie).toMatch(/^__Host-desk-session=/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/Domain=/i);
    expect(cookie).toMatch(/HttpOnly/);
  });
});

describe('an authenticating proxy’s identity header (TRUSTED_PROXIES)', () => {
  const header = 'x-remote-user';

  it('is ignored from any address not listed: a forged header from the caller is no one', async () => {
    const { raw } = await deskWith({ trustedProxies: ['10.20.30.40'], identityHeader: header });
    const forged = await raw('GET', '/auth/session', { headers: { [header]: 'sidorova' } });
    expect(forged.status).toBe(401);
    expect((await raw('GET', '/tickets', { headers: { [header]: 'sidorova' } })).status).toBe(401);
  });

  it('is believed from a listed proxy, for enabled staff only', async () => {
    const { raw } = await deskWith({ trustedProxies: ['127.0.0.1'], identityHeader: header });
    const session = await raw('GET', '/auth/session', { headers: { [header]: 'sidorova' } });
    expect(session.status).toBe(200);
    expect(((await session.json()) as { operator: { id: string } }).operator.id).toBe('sidorova');
    const stranger = await raw('GET', '/auth/session', { headers: { [header]: 'not-staff-at-all' } });
    expect(stranger.status).toBe(401);
    // Without the header the proxy's own requests are no one's.
    expect((await raw('GET', '/auth/session')).status).toBe(401);
  });
});
