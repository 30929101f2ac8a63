import { existsSync } from 'node:fs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operators } from '../src/db/schema';
import { defaultIdentityOptions } from '../src/services/identity-service';
import { createLdapSignIn, type LdapOptions } from '../src/services/ldap-sign-in';
import { startTestDeskAlone } from './support/desk';
import { listen } from './support/http';
import { SLAPD_READER, startSlapd } from './support/slapd';

const cookieOf = (response: Response) =>
  response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');

/**
 * Sign-in with the directory's password (#12): a real LDAP server (Debian's slapd, installed by
 * scripts/ensure-slapd.sh, npm test's pretest as root) with its own people, searched by the desk's
 * service account, then bound as the person. Outside CI a machine without slapd skips this file;
 * in CI a missing server fails it.
 */
describe.skipIf(!existsSync('/usr/sbin/slapd') && !process.env.CI)('LDAP sign-in', () => {
  const suffix = Math.random().toString(36).slice(2, 8);
  const alice = `alice${suffix}`;
  const bob = `bob${suffix}`;
  const carol = `carol${suffix}`;
  let slapd: Awaited<ReturnType<typeof startSlapd>>;
  let desk: Awaited<ReturnType<typeof startTestDeskAlone>>;
  let address: string;
  let ldapOptions: LdapOptions;
  const signIn = (login: string, password: string) =>
    fetch(`${address}/auth/ldap/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login, password }),
    });
  const answer = async (response: Response) => [response.status, ((await response.json()) as any).code];

  beforeAll(async () => {
    slapd = await startSlapd([
      { uid: alice, password: 'alice-directory-pw', mail: `${alice}@corp.test` },
      { uid: bob, password: 'bob-directory-pw', mail: `${bob}@corp.test` },
      // In the directory, not on the desk's staff.
      { uid: carol, password: 'carol-directory-pw' },
    ]);
    ldapOptions = {
      url: slapd.url,
      startTls: false,
      bindDn: SLAPD_READER.dn,
      bindPassword: SLAPD_READER.password,
      searchBase: slapd.peopleBase,
      loginAttribute: 'uid',
      mapBy: 'login',
      name: 'Corp LDAP',
      timeoutMs: 2_000,
    };
    desk = await startTestDeskAlone('ldap', {
      identity: { ...defaultIdentityOptions, signInLimit: 1_000 },
      ldap: ldapOptions,
    });
    ({ address } = await listen(desk.app));
    await desk.db.insert(operators).values([
      { id: alice, name: 'Alice', role: 'operator', email: `${alice}@corp.test` },
      { id: bob, name: 'Bob', role: 'operator', disabledAt: new Date() },
    ]);
  });
  afterAll(async () => {
    await desk?.stop();
    await slapd?.remove();
  });

  it('the sign-in page is told the directory is on, by its name', async () => {
    const methods = (await (await fetch(`${address}/auth/methods`)).json()) as any;
    expect(methods).toEqual({
      password: true,
      oidc: null,
      ldap: { name: 'Corp LDAP', signIn: '/auth/ldap/sign-in' },
    });
  });

  it('a good directory password signs in: the desk’s own session, which reads /tickets, audited with its method', async () => {
    const signedIn = await signIn(alice, 'alice-directory-pw');
    expect(signedIn.status).toBe(200);
    const body = (await signedIn.json()) as any;
    expect(body.operator.id).toBe(alice);
    expect(body.csrfToken).toBeTruthy();
    const cookie = cookieOf(signedIn);
    expect(cookie).toMatch(/^desk-session=/);
    expect((await fetch(`${address}/tickets?q=принтер`, { headers: { cookie } })).status).toBe(200);
    // A new session each time (regenerated at sign-in).
    expect(cookieOf(await signIn(alice, 'alice-directory-pw'))).not.toBe(cookie);

    const admin = await desk.app.identity.issueStaffToken('admin', 'ldap audit', ['read', 'act', 'manage']);
    const log = (await (
      await fetch(`${address}/audit-log?limit=500`, { headers: { authorization: `Bearer ${admin.token}` } })
    ).json()) as any[];
    const entry = log.find((e) => e.target === alice && e.action === 'signed_in');
    expect(entry).toMatchObject({ actorId: alice, details: { method: 'ldap' } });
    expect(JSON.stringify(log)).not.toContain('alice-directory-pw');
  });

  it('a wrong password and an unknown user get 401, one answer', async () => {
    const wrong = await signIn(alice, 'not-alice-pw');
    const unknown = await signIn(`nobody${suffix}`, 'whatever-pw');
    expect(await answer(wrong)).toEqual([401, 'BAD_CREDENTIALS']);
    expect(await answer(unknown)).toEqual([401, 'BAD_CREDENTIALS']);
  });

  it('a directory person with no staff account, and a disabled account, are refused', async () => {
    expect(await answer(await signIn(carol, 'carol-directory-pw'))).toEqual([403, 'SSO_NOT_LINKED']);
    const disabled = await signIn(bob, 'bob-directory-pw');
    expect(disabled.status).toBe(403);
    expect(((await disabled.json()) as any).message).toMatch(/disabled/);
    expect(disabled.headers.getSetCookie().some((c) => c.startsWith('desk-session='))).toBe(false);
  });

  it('filter syntax in the username is a value, not a filter: no wildcard, no injected clause', async () => {
    // Unescaped, (uid=alice*) would find alice and her password would sign in.
    expect(await answer(await signIn(`${alice.slice(0, 4)}*`, 'alice-directory-pw'))).toEqual([401, 'BAD_CREDENTIALS']);
    for (const injected of ['*)(uid=*', `${alice})(|(uid=*`, '*', `${alice}\\2a`, `*)(objectClass=*`])
      expect(await answer(await signIn(injected, 'alice-directory-pw')), injected).toEqual([401, 'BAD_CREDENTIALS']);
  });

  it('with a DN template: the username escaped into the DN, bound as; mapped by mail', async () => {
    const logger = pino({ level: 'silent' });
    const byTemplate = createLdapSignIn({
      db: desk.db,
      identity: desk.app.identity,
      logger,
      options: {
        ...ldapOptions,
        bindDn: undefined,
        bindPassword: undefined,
        searchBase: undefined,
        userDnTemplate: `uid={login},${slapd.peopleBase}`,
        mapBy: 'mail',
      },
    });
    const { operator } = await byTemplate.signIn(alice, 'alice-directory-pw', '127.0.0.1');
    expect(operator.id).toBe(alice);
    await expect(byTemplate.signIn(alice, 'wrong-pw', '127.0.0.1')).rejects.toMatchObject({
      code: 'BAD_CREDENTIALS',
    });
    // A comma or an equals sign cannot add an RDN: the DN names nobody, so the bind fails.
    await expect(
      byTemplate.signIn(`${alice},ou=people,dc=desk,dc=test`, 'alice-directory-pw', '127.0.0.1'),
    ).rejects.toMatchObject({ code: 'BAD_CREDENTIALS' });
    // An empty password would be an anonymous ("unauthenticated") bind: never a sign-in.
    await expect(byTemplate.signIn(alice, '', '127.0.0.1')).rejects.toMatchObject({ code: 'BAD_CREDENTIALS' });
  });

  it('bad input is a 400 naming the field', async () => {
    const response = await fetch(`${address}/auth/ldap/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: alice }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).message).toBe('body.password is required');
  });

  // Last: the directory is stopped.
  it('a directory that does not answer is a 503 naming it, not a 500', async () => {
    await slapd.stop();
    const response = await signIn(alice, 'alice-directory-pw');
    expect(response.status).toBe(503);
    const body = (await response.json()) as any;
    expect(body.code).toBe('SSO_UNAVAILABLE');
    expect(body.message).toMatch(/Corp LDAP/);
  });
});
