import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogServices, operatorGroups, queues, tickets } from '../src/db/schema';
import { startTestDesk } from './support/desk';
import { listen } from './support/http';

/** A word no other test uses: the rule keyed on it routes only this file's tickets. */
const run = Math.random().toString(36).slice(2, 7);
const token = `xq${run}`;
const category = `intake-${run}`;

/** `POST /rules/dry-run` and a real ticket decide through the one intake decision: they agree. */
describe('the dry run and a real ticket', () => {
  let desk: Awaited<ReturnType<typeof startTestDesk>>;
  let call: Awaited<ReturnType<typeof listen>>['call'];

  beforeAll(async () => {
    desk = await startTestDesk();
    ({ call } = await listen(desk.app));
    const [group] = await desk.db
      .insert(operatorGroups)
      .values({ code: `g-${run}`, name: 'Intake group' })
      .returning();
    // The inactive service comes first and its keyword is in the text: only a decision that ignores inactive services skips it.
    const service = (code: string, supportLine: number, more: Partial<typeof catalogServices.$inferInsert>) => ({
      code: `${code}-${run}`,
      nameRu: code,
      nameEn: code,
      category,
      price: '100.00',
      normHours: '1.00',
      supportLine,
      ...more,
    });
    await desk.db
      .insert(catalogServices)
      .values([
        service('retired', 2, { active: false, keywords: [token] }),
        service('current', 1, { isCategoryDefault: true }),
      ]);
    await desk.db.insert(queues).values([
      { code: `line1-${run}`, name: 'Line 1', groupId: group!.id, categories: [category], supportLines: [1] },
      { code: `line2-${run}`, name: 'Line 2', groupId: group!.id, categories: [category], supportLines: [2] },
    ]);
    const rule = await call('POST', '/rules', {
      operator: 'sidorova',
      body: { name: `Intake ${run}`, condition: { words: [token] }, outcome: { category } },
    });
    expect(rule.status).toBe(201);
  });
  afterAll(() => desk?.stop());

  let phone = 0;
  const bothDecide = async (subject: string, description: string) => {
    const dry = await call('POST', '/rules/dry-run', { operator: 'ivanova', body: { subject, description } });
    expect(dry.status).toBe(200);
    phone += 1;
    const created = await call('POST', '/tickets', {
      body: { subject, description, client: { phone: `+7998${run.length}${String(phone).padStart(6, '0')}` } },
    });
    expect(created.status).toBe(201);
    const [row] = await desk.db
      .select({ category: tickets.category, supportLine: tickets.supportLine, service: catalogServices.code })
      .from(tickets)
      .leftJoin(catalogServices, eq(catalogServices.id, tickets.serviceId))
      .where(eq(tickets.id, created.body.id));
    const real = {
      category: row!.category,
      serviceCode: row!.service,
      supportLine: row!.supportLine,
      queue: created.body.queue.code,
    };
    const dryRun = {
      category: dry.body.category,
      serviceCode: dry.body.serviceCode,
      supportLine: dry.body.supportLine,
      queue: dry.body.queue.code,
    };
    expect(dryRun).toEqual(real);
    return real;
  };

  it('agree when the text names an inactive service: neither takes it', async () => {
    expect(await bothDecide(`${token} сломался`, 'Подробности')).toEqual({
      category,
      serviceCode: `current-${run}`,
      supportLine: 1,
      queue: `line1-${run}`,
    });
  });

  it('agree on an ordinary ticket', async () => {
    expect(await bothDecide('Разбит экран телефона', 'Экран треснул, срочно')).toMatchObject({
      category: 'repair',
      serviceCode: 'phone-screen',
      queue: 'repairs',
    });
  });
});
