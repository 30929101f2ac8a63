import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../src/db/seed';
import { defaultIdentityOptions } from '../src/services/identity-service';
import { startTestDeskAlone } from './support/desk';
import { listen } from './support/http';

type Desk = Awaited<ReturnType<typeof startTestDeskAlone>>;

const cookieOf = (response: Response) =>
  response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');

/** Passwords change here, so the desk has a database of its own: other files sign in with the demo password. */
describe('passwords: one’s own change, and an administrator’s reset', () => {
  let desk: Desk;
  let address: string;
  let admin: string;
  const raw = (method: string, path: string, init: { headers?: Record<string, string>; body?: unknown } = {}) =>
    fetch(`${address}${path}`, {
      method,
      headers: { ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  const signIn = (login: string, password: string) => raw('POST', '/auth/sign-in', { body: { login, password } });
  /** A session's cookie and its CSRF token, for writes. */
  const session = async (login: string, password: string) => {
    const signedIn = await signIn(login, password);
    expect(signedIn.status).toBe(200);
    const { csrfToken } = (await signedIn.json()) as { csrfToken: string };
    return { cookie: cookieOf(signedIn), csrfToken };
  };
  const change = (as: { cookie: string; csrfToken: string }, body: unknown) =>
    raw('POST', '/auth/password', { headers: { cookie: as.cookie, 'x-csrf-token': as.csrfToken }, body });
  const audit = async (action: string, target: string) => {
    const answer = await raw('GET', '/audit-log?limit=200', { headers: { authorization: `Bearer ${admin}` } });
    const entries = (await answer.json()) as Array<{ action: string; target: string; details: any }>;
    return entries.filter((e) => e.action === action && e.target === target);
  };

  beforeAll(async () => {
    desk = await startTestDeskAlone('passwords');
    ({ address } = await listen(desk.app));
    admin = (await desk.app.identity.issueStaffToken('admin', 'passwords', ['read', 'act', 'manage'])).token;
  });
  afterAll(() => desk?.stop());

  it('changes one’s own password from a session: the current one first, the other sessions end', async () => {
    const here = await session('ivanova', DEMO_PASSWORD);
    const elsewhere = await session('ivanova', DEMO_PASSWORD);
    const next = 'Новый пароль для смены 2026';

    const wrong = await change(here, { currentPassword: 'not-the-password', newPassword: next });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as any).message).toMatch(/body\.currentPassword/);
    const short = await change(here, { currentPassword: DEMO_PASSWORD, newPassword: 'short' });
    expect(short.status).toBe(400);
    expect(((await short.json()) as any).message).toMatch(/newPassword/);
    const withLogin = await change(here, { currentPassword: DEMO_PASSWORD, newPassword: 'my-ivanova-password' });
    expect(withLogin.status).toBe(400);
    expect(((await withLogin.json()) as any).message).toMatch(
      /body\.newPassword: a password may not contain the login/,
    );
    const same = await change(here, { currentPassword: DEMO_PASSWORD, newPassword: DEMO_PASSWORD });
    expect(same.status).toBe(400);
    const noCsrf = await raw('POST', '/auth/password', {
      headers: { cookie: here.cookie },
      body: { currentPassword: DEMO_PASSWORD, newPassword: next },
    });
    expect(noCsrf.status).toBe(403);

    const changed = await change(here, { currentPassword: DEMO_PASSWORD, newPassword: next });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toEqual({ operatorId: 'ivanova', otherSessionsEnded: 1 });
    expect((await raw('GET', '/auth/session', { headers: { cookie: here.cookie } })).status).toBe(200);
    expect((await raw('GET', '/auth/session', { headers: { cookie: elsewhere.cookie } })).status).toBe(401);
    expect((await signIn('ivanova', DEMO_PASSWORD)).status).toBe(401);
    expect((await signIn('ivanova', next)).status).toBe(200);

    const [entry] = await audit('password_changed', 'ivanova');
    expect(entry!.details).toEqual({ otherSessionsEnded: 1 });
    expect(JSON.stringify(await audit('password_changed', 'ivanova'))).not.toContain(next);
  });

  it('is refused with an API token: a password is changed from a session', async () => {
    const { token } = await desk.app.identity.issueStaffToken('petrov', 'passwords', ['read', 'act', 'manage']);
    const answer = await raw('POST', '/auth/password', {
      headers: { authorization: `Bearer ${token}` },
      body: { currentPassword: DEMO_PASSWORD, newPassword: 'a token may not do this' },
    });
    expect(answer.status).toBe(403);
    expect(((await answer.json()) as any).message).toMatch(/signed-in session/);
    expect((await signIn('petrov', DEMO_PASSWORD)).status).toBe(200);
  });

  it('an administrator sets a password, given or generated; the account’s sessions end', async () => {
    const asAdmin = { authorization: `Bearer ${admin}` };
    const created = await raw('POST', '/staff', {
      headers: asAdmin,
      body: { id: 'smirnov', name: 'Олег Смирнов', role: 'operator', password: DEMO_PASSWORD },
    });
    expect(created.status).toBe(201);
    const before = await session('smirnov', DEMO_PASSWORD);

    const generated = await raw('POST', '/staff/smirnov/password', { headers: asAdmin, body: {} });
    expect(generated.status).toBe(200);
    const { password, sessionsEnded } = (await generated.json()) as { password: string; sessionsEnded: number };
    expect(password.length).toBeGreaterThanOrEqual(20);
    expect(sessionsEnded).toBe(1);
    expect((await raw('GET', '/auth/session', { headers: { cookie: before.cookie } })).status).toBe(401);
    expect((await signIn('smirnov', DEMO_PASSWORD)).status).toBe(401);
    expect((await signIn('smirnov', password)).status).toBe(200);

    // A body is required: {} asks for a generated password, so nothing is generated by a request sent empty by mistake.
    const noBody = await raw('POST', '/staff/smirnov/password', { headers: asAdmin });
    expect(noBody.status).toBe(400);
    expect(((await noBody.json()) as any).message).toMatch(/body/);

    const given = await raw('POST', '/staff/smirnov/password', {
      headers: asAdmin,
      body: { password: 'Выданный администратором пароль' },
    });
    expect(given.status).toBe(200);
    expect(await given.json()).toEqual({ operatorId: 'smirnov', sessionsEnded: 1 });
    expect((await signIn('smirnov', 'Выданный администратором пароль')).status).toBe(200);

    for (const [body, field] of [
      [{ password: 'short' }, 'password'],
      [{ password: 'smirnov-forever-2026' }, 'body.password: a password may not contain the login'],
      [{ password: 'long enough password', extra: 1 }, 'extra'],
    ] as const) {
      const refused = await raw('POST', '/staff/smirnov/password', { headers: asAdmin, body });
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(((await refused.json()) as any).message).toContain(field);
    }
    expect((await raw('POST', '/staff/nobody-here/password', { headers: asAdmin, body: {} })).status).toBe(404);
    const { token: operatorToken } = await desk.app.identity.issueStaffToken('petrov', 'passwords', ['manage']);
    const byOperator = await raw('POST', '/staff/smirnov/password', {
      headers: { authorization: `Bearer ${operatorToken}` },
      body: {},
    });
    expect(byOperator.status).toBe(403);

    const resets = await audit('password_reset', 'smirnov');
    expect(resets.map((e) => e.details.generated).sort()).toEqual([false, true]);
    expect(JSON.stringify(resets)).not.toContain(password);
  });

  it('wrong current passwords count as failed sign-ins: past the limit even the right one is refused', async () => {
    // Its own desk: the limit counts per address too, and every request here comes from 127.0.0.1.
    const limited = await startTestDeskAlone('passwords_limit', {
      identity: { ...defaultIdentityOptions, signInLimit: 3 },
    });
    try {
      const { address: limitedAddress } = await listen(limited.app);
      const signedIn = await fetch(`${limitedAddress}/auth/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login: 'sidorova', password: DEMO_PASSWORD }),
      });
      const { csrfToken } = (await signedIn.json()) as { csrfToken: string };
      const attempt = async (currentPassword: string) =>
        (
          await fetch(`${limitedAddress}/auth/password`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', cookie: cookieOf(signedIn), 'x-csrf-token': csrfToken },
            body: JSON.stringify({ currentPassword, newPassword: 'a brand new password' }),
          })
        ).status;
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push(await attempt(`guess-${i}`));
      statuses.push(await attempt(DEMO_PASSWORD));
      expect(statuses).toEqual([400, 400, 400, 429, 429]);
    } finally {
      await limited.stop();
    }
  });
});
