/**
 * Access per queue (overview, take, act, manage) against the real database and Temporal: what
 * each level lets a member of staff do, the refusals naming what is missing, the neutral answer
 * for a ticket the caller may not see, the staff API that sets it (audited), and migration 0024
 * giving an existing desk what it had.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { operatorGroupMembers, operatorGroups, operators, queues } from '../src/db/schema';
import { migrationsFolder } from '../src/db/migrate';
import { createDatabase, dropDatabase } from '../src/infra/postgres-server';
import { startTestDesk } from './support/desk';
import { listen } from './support/http';

describe('access per queue', () => {
  const run = Math.random().toString(36).slice(2, 7);
  const login = (who: string) => `${who}-${run}`;
  let desk: Awaited<ReturnType<typeof startTestDesk>>;
  let call: Awaited<ReturnType<typeof listen>>['call'];
  const queue = {} as Record<'a' | 'b', { id: number; code: string }>;
  const group = {} as Record<'a' | 'viewer' | 'taker' | 'lead' | 'none', number>;
  let phone = 0;

  /** A ticket routed by its word to queue a or b, queued (intake waits for it). */
  const ticketIn = async (which: 'a' | 'b') => {
    phone += 1;
    const filed = await call('POST', '/tickets', {
      body: {
        subject: `qa${which}${run} Секретная тема`,
        description: 'Секретное описание',
        client: {
          name: 'Секретный Клиент',
          phone: `+7998${String(Date.now() % 10_000).padStart(4, '0')}${String(phone).padStart(3, '0')}`,
        },
      },
    });
    expect(filed.status, filed.text).toBe(201);
    expect(filed.body.queue.code).toBe(queue[which].code);
    return filed.body.id as number;
  };
  const acceptedBy = async (operator: string, which: 'a' | 'b') => {
    const id = await ticketIn(which);
    const accepted = await call('POST', `/tickets/${id}/accept`, { operator });
    expect(accepted.status, accepted.text).toBe(200);
    return id;
  };
  const grant = (groupId: number, grants: { queueId: number; level: string }[]) =>
    call('PUT', `/staff/groups/${groupId}/queue-access`, { operator: 'admin', body: { grants } });

  beforeAll(async () => {
    desk = await startTestDesk();
    ({ call } = await listen(desk.app));
    const groups = await desk.db
      .insert(operatorGroups)
      .values(['a', 'b', 'viewer', 'taker', 'lead', 'none'].map((g) => ({ code: `qa-${g}-${run}`, name: g })))
      .returning();
    const groupId = (g: string) => groups.find((row) => row.code === `qa-${g}-${run}`)!.id;
    Object.assign(group, Object.fromEntries(['a', 'viewer', 'taker', 'lead', 'none'].map((g) => [g, groupId(g)])));
    for (const which of ['a', 'b'] as const) {
      const [row] = await desk.db
        .insert(queues)
        .values({
          code: `qa-${which}-${run}`,
          name: which,
          groupId: groupId(which),
          categories: [`qa-${which}-${run}`],
        })
        .returning();
      queue[which] = { id: row!.id, code: row!.code };
      const rule = await call('POST', '/rules', {
        operator: 'sidorova',
        body: {
          name: `qa ${which} ${run}`,
          condition: { words: [`qa${which}${run}`] },
          outcome: { category: `qa-${which}-${run}`, queueCode: row!.code },
        },
      });
      expect(rule.status, rule.text).toBe(201);
    }
    const members: [string, string][] = [
      ['worker', 'a'],
      ['worker2', 'a'],
      ['bworker', 'b'],
      ['viewer', 'viewer'],
      ['taker', 'taker'],
      ['lead', 'lead'],
      ['stranger', 'none'],
    ];
    await desk.db.insert(operators).values(members.map(([who]) => ({ id: login(who), name: who, ticketLimit: 50 })));
    await desk.db
      .insert(operatorGroupMembers)
      .values(members.map(([who, g]) => ({ operatorId: login(who), groupId: groupId(g) })));
  });
  afterAll(() => desk?.stop());

  it('a new queue is worked by its own group and overviewed by every other, as before grants', async () => {
    const listed = await call('GET', '/staff/queue-access', { operator: 'admin' });
    expect(listed.status).toBe(200);
    const levelOf = (groupId: number, queueId: number) =>
      listed.body.grants.find(
        (g: { groupId: number; queueId: number }) => g.groupId === groupId && g.queueId === queueId,
      )?.level;
    expect(levelOf(group.a, queue.a.id)).toBe('act');
    expect(levelOf(group.a, queue.b.id)).toBe('overview');
    expect(levelOf(group.viewer, queue.a.id)).toBe('overview');
    expect(listed.body.queues).toContainEqual({ ...queue.a, name: 'a', groupId: group.a });
    // The group's member takes and works a ticket of its queue as before.
    const id = await acceptedBy(login('worker'), 'a');
    const work = await call('POST', `/tickets/${id}/work`, {
      operator: login('worker'),
      body: { minutes: 5, note: 'x' },
    });
    expect(work.status, work.text).toBe(201);
  });

  it('the staff API sets a group’s access, audited queue by queue; bad input is a 400 naming the field', async () => {
    const set = await grant(group.taker, [{ queueId: queue.a.id, level: 'take' }]);
    expect(set.status, set.text).toBe(200);
    expect(set.body).toEqual({
      groupId: group.taker,
      grants: [{ groupId: group.taker, queueId: queue.a.id, level: 'take' }],
    });
    expect(
      (
        await grant(group.lead, [
          { queueId: queue.a.id, level: 'manage' },
          { queueId: queue.b.id, level: 'act' },
        ])
      ).status,
    ).toBe(200);
    expect((await grant(group.none, [])).status).toBe(200);

    const audit = (await call('GET', '/audit-log?limit=100', { operator: 'admin' })).body as any[];
    const entry = audit.find((e) => e.action === 'queue_access_changed' && e.target === `group:qa-taker-${run}`);
    expect(entry).toMatchObject({ actorId: 'admin', address: '127.0.0.1' });
    expect(entry.details.queues[queue.a.code]).toEqual({ from: 'overview', to: 'take' });
    expect(entry.details.queues[queue.b.code]).toEqual({ from: 'overview', to: null });
    // The same grants again change nothing and write no entry.
    await grant(group.taker, [{ queueId: queue.a.id, level: 'take' }]);
    const again = (await call('GET', '/audit-log?limit=100', { operator: 'admin' })).body as any[];
    expect(again.filter((e) => e.target === `group:qa-taker-${run}`)).toHaveLength(1);

    const bad = [
      [
        await grant(group.taker, [{ queueId: 2147483647, level: 'take' }]),
        400,
        'body.grants[0].queueId: no queue 2147483647',
      ],
      [
        await grant(group.taker, [
          { queueId: queue.a.id, level: 'take' },
          { queueId: queue.a.id, level: 'act' },
        ]),
        400,
        `body.grants[1].queueId: queue ${queue.a.id} is given twice`,
      ],
      [await grant(2147483647, []), 404, 'group 2147483647 not found'],
    ] as const;
    for (const [answer, status, message] of bad)
      expect([answer.status, answer.body.message]).toEqual([status, message]);
    const level = await grant(group.taker, [{ queueId: queue.a.id, level: 'root' }]);
    expect(level.status).toBe(400);
    expect(level.body.message).toMatch(/level/);
    const asOperator = await call('PUT', `/staff/groups/${group.taker}/queue-access`, {
      operator: login('lead'),
      body: { grants: [] },
    });
    expect([asOperator.status, asOperator.body.code]).toEqual([403, 'NOT_PERMITTED']);
  });

  it('overview only: the blind listing, nothing of a ticket’s contents; 403 on accept and next naming the level', async () => {
    const viewer = login('viewer');
    const id = await ticketIn('a');
    const mine = (await call('GET', '/queues', { operator: viewer })).body as any[];
    expect(mine.find((q) => q.id === queue.a.id)).toMatchObject({ code: queue.a.code, access: 'overview' });
    const listing = await call('GET', `/queues/${queue.a.id}/tickets?limit=500`, { operator: viewer });
    expect(listing.status).toBe(200);
    expect(listing.body.map((t: { id: number }) => t.id)).toContain(id);
    expect(listing.text).not.toMatch(/Секрет/);
    const read = await call('GET', `/tickets/${id}`, { operator: viewer });
    expect(read.status).toBe(200);
    expect(read.text).not.toMatch(/Секрет/);

    const missing = `${viewer} has "overview" access to queue ${queue.a.code} and needs "take"`;
    const next = await call('POST', `/queues/${queue.a.id}/next`, { operator: viewer });
    expect([next.status, next.body.code, next.body.message]).toEqual([403, 'NO_QUEUE_ACCESS', missing]);
    const accept = await call('POST', `/tickets/${id}/accept`, { operator: viewer });
    expect([accept.status, accept.body.code, accept.body.message]).toEqual([403, 'NO_QUEUE_ACCESS', missing]);
  });

  it('no access: the queue is not listed, and its tickets answer as tickets that do not exist', async () => {
    const stranger = login('stranger');
    const id = await ticketIn('a');
    expect(((await call('GET', '/queues', { operator: stranger })).body as any[]).map((q) => q.id)).not.toContain(
      queue.a.id,
    );
    const listing = await call('GET', `/queues/${queue.a.id}/tickets`, { operator: stranger });
    expect([listing.status, listing.body.code]).toEqual([403, 'NO_QUEUE_ACCESS']);
    const absent = 2147483647;
    for (const [method, suffix, body] of [
      ['GET', '', undefined],
      ['GET', '/events', undefined],
      ['GET', '/sla', undefined],
      ['POST', '/accept', undefined],
      ['POST', '/work', { minutes: 5, note: 'x' }],
    ] as const) {
      const hidden = await call(method, `/tickets/${id}${suffix}`, { operator: stranger, body });
      const none = await call(method, `/tickets/${absent}${suffix}`, { operator: stranger, body });
      expect([hidden.status, hidden.text.replace(String(id), 'N')], `${method} ${suffix}`).toEqual([
        none.status,
        none.text.replace(String(absent), 'N'),
      ]);
      expect(hidden.status).toBe(404);
    }
    // Nor is it in its client's list once taken; who overviews the queue sees it there, blind.
    const taken = await acceptedBy(login('worker'), 'a');
    const [{ clientId }] = (await desk.db.execute(
      sql`select client_id as "clientId" from tickets where id = ${taken}`,
    )) as unknown as [{ clientId: number }];
    const listedTo = async (who: string) =>
      ((await call('GET', `/clients/${clientId}/tickets`, { operator: login(who) })).body as any[]).map((t) => t.id);
    expect(await listedTo('stranger')).not.toContain(taken);
    expect(await listedTo('viewer')).toContain(taken);
    expect(await listedTo('worker')).toContain(taken);
  });

  it('take but not act: accepts, pulls and finishes what they took, but works on no other ticket', async () => {
    const taker = login('taker');
    const own = await acceptedBy(taker, 'a');
    const work = await call('POST', `/tickets/${own}/work`, { operator: taker, body: { minutes: 5, note: 'x' } });
    expect(work.status, work.text).toBe(201);
    const resolve = await call('POST', `/tickets/${own}/resolve`, { operator: taker, body: { resolution: 'done' } });
    expect(resolve.status, resolve.text).toBe(200);
    expect((await call('GET', `/tickets/${own}`, { operator: taker })).body.stage).toBe('resolved');
    // Moving it is act's: a take-only holder cannot hand it on or put it back.
    const kept = await acceptedBy(taker, 'a');
    const back = await call('POST', `/tickets/${kept}/return`, { operator: taker, body: { reason: 'not mine' } });
    expect([back.status, back.body.code, back.body.message]).toEqual([
      403,
      'NO_QUEUE_ACCESS',
      `${taker} has "take" access to queue ${queue.a.code} and needs "act"`,
    ]);
    const others = await acceptedBy(login('worker'), 'a');
    const onOthers = await call('POST', `/tickets/${others}/work`, {
      operator: taker,
      body: { minutes: 5, note: 'x' },
    });
    expect([onOthers.status, onOthers.body.code]).toEqual([403, 'NO_QUEUE_ACCESS']);
    expect(onOthers.text).not.toMatch(/Секрет/);
    // A ticket they may not work may not be given to them either; the lead gives it to a worker.
    const toTaker = await call('POST', `/tickets/${others}/reassign`, {
      operator: login('lead'),
      body: { toOperatorId: taker, reason: 'load' },
    });
    expect([toTaker.status, toTaker.body.code]).toEqual([403, 'NO_QUEUE_ACCESS']);
    const next = await call('POST', `/queues/${queue.a.id}/next`, { operator: taker });
    expect([200, 204]).toContain(next.status);
  });

  it('manage: a line lead reassigns and sees the contents of another’s ticket in that queue only', async () => {
    const lead = login('lead');
    const inA = await acceptedBy(login('worker'), 'a');
    const seen = await call('GET', `/tickets/${inA}`, { operator: lead });
    expect(seen.body.subject).toMatch(/Секретная тема/);
    const moved = await call('POST', `/tickets/${inA}/reassign`, {
      operator: lead,
      body: { toOperatorId: login('worker2'), reason: 'worker is away' },
    });
    expect(moved.status, moved.text).toBe(200);
    expect(moved.body.assigneeId).toBe(login('worker2'));
    // The worker, who has act but not manage, may not take it back.
    const back = await call('POST', `/tickets/${inA}/reassign`, {
      operator: login('worker'),
      body: { toOperatorId: login('worker'), reason: 'mine' },
    });
    expect([back.status, back.body.code]).toEqual([403, 'NO_QUEUE_ACCESS']);

    const inB = await acceptedBy(login('bworker'), 'b');
    expect((await call('GET', `/tickets/${inB}`, { operator: lead })).text).not.toMatch(/Секрет/);
    const refused = await call('POST', `/tickets/${inB}/reassign`, {
      operator: lead,
      body: { toOperatorId: login('lead'), reason: 'mine now' },
    });
    expect([refused.status, refused.body.code, refused.body.message]).toEqual([
      403,
      'NO_QUEUE_ACCESS',
      `${lead} has "act" access to queue ${queue.b.code} and needs "manage"`,
    ]);
  });

  it('manage: the SLA and the escalation of another’s ticket are the lead’s, not a colleague’s', async () => {
    const lead = login('lead');
    const id = await acceptedBy(login('worker'), 'a');
    const [{ agreementId }] = (await desk.db.execute(
      sql`select id as "agreementId" from sla_agreements order by id limit 1`,
    )) as unknown as [{ agreementId: number }];
    const bySla = (operator: string) => call('POST', `/tickets/${id}/sla`, { operator, body: { agreementId } });
    const colleague = await bySla(login('worker2'));
    expect([colleague.status, colleague.body.code]).toEqual([403, 'NO_QUEUE_ACCESS']);
    // The lead passes; the ticket's own state answers (it runs under no agreement, or takes this one).
    const byLead = await bySla(lead);
    expect(byLead.body.code, byLead.text).not.toBe('NO_QUEUE_ACCESS');
    expect(byLead.status).not.toBe(403);

    const escalate = (operator: string) =>
      call('POST', `/tickets/${id}/escalate`, { operator, body: { reason: 'needs the next line' } });
    const notTheirs = await escalate(login('worker2'));
    expect([notTheirs.status, notTheirs.body.code]).toEqual([403, 'NO_QUEUE_ACCESS']);
    const escalated = await escalate(lead);
    expect(escalated.status, escalated.text).toBe(200);
  });
});

describe('migration 0024 on a desk that never set grants', () => {
  const admin = inject('adminDatabaseUrl');
  const name = `desk_qa_migration_${process.pid}`;
  afterAll(() => dropDatabase(admin, name));

  it('gives each queue’s group act on it and every other group overview, as they had', async () => {
    // The migrations up to 0023, as an existing desk has them.
    const before = fs.mkdtempSync(path.join(os.tmpdir(), 'migrations-'));
    fs.cpSync(migrationsFolder, before, { recursive: true });
    const journalFile = path.join(before, 'meta', '_journal.json');
    const journal = JSON.parse(fs.readFileSync(journalFile, 'utf8'));
    journal.entries = journal.entries.filter((e: { tag: string }) => e.tag < '0024');
    fs.writeFileSync(journalFile, JSON.stringify(journal));
    const db = postgres(await createDatabase(admin, name), { max: 1, onnotice: () => {} });
    try {
      await migrate(drizzle(db), { migrationsFolder: before });
      const [first] = await db`insert into operator_groups (code, name) values ('first', 'First') returning id`;
      const [second] = await db`insert into operator_groups (code, name) values ('second', 'Second') returning id`;
      const [general] =
        await db`insert into queues (code, name, group_id) values ('general', 'General', ${first!.id}) returning id`;

      await migrate(drizzle(db), { migrationsFolder });
      const grants =
        await db`select group_id as "groupId", queue_id as "queueId", level from queue_access order by group_id`;
      expect(grants).toEqual([
        { groupId: first!.id, queueId: general!.id, level: 'act' },
        { groupId: second!.id, queueId: general!.id, level: 'overview' },
      ]);
    } finally {
      await db.end({ timeout: 5 });
    }
  });
});
