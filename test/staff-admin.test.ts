/**
 * Staff management through the API, and its audit log: every change to who may do what (and
 * every failed sign-in) is recorded with who, what, when and from which address.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDesk } from './support/desk';
import { listen } from './support/http';

describe('staff management and its audit log', () => {
  let desk: Awaited<ReturnType<typeof startTestDesk>>;
  let call: Awaited<ReturnType<typeof listen>>['call'];
  const login = `clerk-${Math.random().toString(36).slice(2, 8)}`;

  beforeAll(async () => {
    desk = await startTestDesk();
    ({ call } = await listen(desk.app));
  });
  afterAll(() => desk?.stop());

  const auditOf = async (target: string) =>
    ((await call('GET', '/audit-log?limit=500', { operator: 'admin' })).body as any[]).filter(
      (e) => e.target === target || e.details?.owner === target,
    );

  it('creates an account, changes its role, groups, competences and limit, disables it: each change audited', async () => {
    const listed = await call('GET', '/staff', { operator: 'admin' });
    expect(listed.status).toBe(200);
    const workshop = listed.body.groups.find((g: { code: string }) => g.code === 'workshop') ?? listed.body.groups[0];

    const created = await call('POST', '/staff', {
      operator: 'admin',
      body: { id: login, name: 'Клерк', role: 'operator', password: 'a-long-enough-password', groupIds: [workshop.id] },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: login, role: 'operator', groupIds: [workshop.id], enabled: true });
    expect(JSON.stringify(created.body)).not.toContain('password');
    expect(
      (await call('POST', '/staff', { operator: 'admin', body: { id: login, name: 'x', role: 'operator' } })).status,
    ).toBe(409);

    const changed = await call('PATCH', `/staff/${login}`, {
      operator: 'admin',
      body: { role: 'line_lead', competences: ['soldering', 'soldering'], ticketLimit: 7, groupIds: [] },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ role: 'line_lead', competences: ['soldering'], ticketLimit: 7, groupIds: [] });
    const unknownGroup = await call('PATCH', `/staff/${login}`, { operator: 'admin', body: { groupIds: [999999] } });
    expect([unknownGroup.status, unknownGroup.body.message]).toEqual([400, 'body.groupIds: no group 999999']);

    expect((await call('PUT', `/staff/${login}/enabled`, { operator: 'admin', body: { enabled: false } })).status).toBe(
      200,
    );

    const entries = await auditOf(login);
    expect(entries.map((e) => e.action)).toEqual(['account_disabled', 'account_changed', 'account_created']);
    for (const entry of entries) {
      expect(entry.actorId).toBe('admin');
      expect(entry.address).toBe('127.0.0.1');
      expect(Date.now() - Date.parse(entry.at)).toBeLessThan(60_000);
    }
    expect(entries[1].details).toEqual({
      role: { from: 'operator', to: 'line_lead' },
      competences: { from: [], to: ['soldering'] },
      ticketLimit: { from: 5, to: 7 },
      groupIds: { from: [workshop.id], to: [] },
    });
    expect(entries[2].details).toMatchObject({ password: 'set', groupIds: [workshop.id] });
    expect(JSON.stringify(entries)).not.toContain('a-long-enough-password');
  });

  it('tokens issued and revoked, and failed sign-ins, are in the log; the log pages by keyset', async () => {
    const issued = await call('POST', '/auth/tokens', {
      operator: 'ivanova',
      body: { name: 'script', scopes: ['read'] },
    });
    expect(issued.status).toBe(201);
    expect((await call('DELETE', `/auth/tokens/${issued.body.id}`, { operator: 'ivanova' })).status).toBe(200);
    const tokenEntries = await auditOf(`token:${issued.body.id}`);
    expect(tokenEntries.map((e) => [e.action, e.actorId, e.details.owner])).toEqual([
      ['token_revoked', 'ivanova', 'ivanova'],
      ['token_issued', 'ivanova', 'ivanova'],
    ]);
    expect(JSON.stringify(tokenEntries)).not.toContain(issued.body.token);

    expect(
      (await call('POST', '/auth/sign-in', { body: { login: 'petrov', password: 'not-the-password' } })).status,
    ).toBe(401);
    const [failure] = await auditOf('petrov');
    expect(failure).toMatchObject({ actorId: null, action: 'sign_in_failed', details: { reason: 'wrong password' } });
    expect(JSON.stringify(failure)).not.toContain('not-the-password');

    const first = (await call('GET', '/audit-log?limit=2', { operator: 'admin' })).body as any[];
    const second = (await call('GET', `/audit-log?limit=2&before=${first[1].id}`, { operator: 'admin' })).body as any[];
    expect(first).toHaveLength(2);
    expect(second[0].id).toBeLessThan(first[1].id);
    expect((await call('GET', '/audit-log', { operator: 'sidorova' })).status).toBe(403);
  });
});
