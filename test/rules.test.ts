import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoryFeedback, categoryModels } from '../src/db/schema';
import { ensureRetrainSchedule } from '../src/services/rules-service';
import { routingHelpers, routingNames, startRoutingDesk, type Call, type Desk } from './support/routing-fixture';

/** Classification rules over HTTP, the assignee’s category verdicts and the model retrained on them. */
describe('rules and the category model', () => {
  const names = routingNames();
  const { run, token, category, queueCode, op } = names;
  let desk: Desk;
  let call: Call;
  let queueId: number;
  const { register, queuedTicket, eventsOf, drainQueue } = routingHelpers(() => ({ desk, call, queueId }), names);

  beforeAll(async () => {
    ({ desk, call, queueId } = await startRoutingDesk(names));
  });
  afterAll(() => desk?.stop());

  describe('rules', () => {
    it('match Russian and English word forms through stems, and say why in a dry run', async () => {
      const ru = await call('POST', '/rules/dry-run', {
        operator: 'ivanova',
        body: { subject: 'Роутеры не работают', description: 'В офисе' },
      });
      expect(ru.status).toBe(200);
      expect(ru.body).toMatchObject({ category: 'connectivity', source: 'rule', queue: { code: 'general' } });
      expect(ru.body.fired).toContainEqual(
        expect.objectContaining({
          name: 'Связь и сеть / connectivity',
          kind: 'evidence',
          decided: [],
          because: ['word "роутер" (in "роутеры")'],
        }),
      );
      expect(ru.body.evidence).toEqual([
        expect.objectContaining({ category: 'connectivity', because: ['word "роутер" (in "роутеры")'] }),
      ]);
      const en = await call('POST', '/rules/dry-run', {
        operator: 'ivanova',
        body: { subject: 'Both ROUTERS are dead', description: '' },
      });
      expect(en.body.fired[0].because).toEqual(['word "router" (in "routers")']);
      const repair = await call('POST', '/rules/dry-run', {
        operator: 'ivanova',
        body: { subject: 'Ноутбуки не включаются', description: '' },
      });
      expect(repair.body).toMatchObject({
        category: 'repair',
        queue: { code: 'repairs' },
        serviceCode: 'laptop-diagnostics',
      });
    });

    it('apply in order and can be reordered; a disabled rule does not fire', async () => {
      const word = `yq${run}`;
      const first = await call('POST', '/rules', {
        operator: 'sidorova',
        body: { name: 'first', condition: { words: [word] }, outcome: { category: 'billing' } },
      });
      const second = await call('POST', '/rules', {
        operator: 'sidorova',
        body: {
          name: 'second',
          condition: { words: [word], channels: ['sms'] },
          outcome: { category: 'facilities', priority: 'low' },
        },
      });
      const dry = () => call('POST', '/rules/dry-run', { operator: 'petrov', body: { subject: word, channel: 'sms' } });

      let result = await dry();
      expect(result.body).toMatchObject({ category: 'billing', priority: 'low' });
      expect(result.body.fired.map((f: { name: string; decided: string[] }) => [f.name, f.decided])).toEqual([
        ['first', ['category']],
        ['second', ['priority']],
      ]);
      expect(result.body.fired[1].because).toEqual(['channel is sms', `word "${word}" (in "${word}")`]);

      const ids: number[] = (await call('GET', '/rules', { operator: 'petrov' })).body.map((r: { id: number }) => r.id);
      const reordered = [
        ...ids.filter((id) => id !== second.body.id && id !== first.body.id),
        second.body.id,
        first.body.id,
      ];
      const order = await call('PUT', '/rules/order', { operator: 'sidorova', body: { ruleIds: reordered } });
      expect(order.status).toBe(200);
      expect(order.body.map((r: { id: number }) => r.id)).toEqual(reordered);
      result = await dry();
      expect(result.body.category).toBe('facilities');

      const disabled = await call('PATCH', `/rules/${second.body.id}`, {
        operator: 'sidorova',
        body: { enabled: false },
      });
      expect(disabled.body).toMatchObject({ enabled: false });
      result = await dry();
      expect(result.body).toMatchObject({ category: 'billing', priority: 'normal' });
      expect(result.body.fired.map((f: { name: string }) => f.name)).toEqual(['first']);

      await call('PATCH', `/rules/${first.body.id}`, { operator: 'sidorova', body: { enabled: false } });
      result = await dry();
      expect(result.body).toMatchObject({
        category: 'general',
        source: 'triage',
        queue: { code: 'general' },
        fired: [],
      });
    });

    it('are changed by managers only, and bad rules get a 400 naming the field', async () => {
      const body = { name: 'x', condition: { words: ['x'] }, outcome: { category: 'x' } };
      expect((await call('POST', '/rules', { operator: 'petrov', body })).status).toBe(403);
      const badPattern = await call('POST', '/rules', {
        operator: 'sidorova',
        body: { ...body, condition: { pattern: '([a-z' } },
      });
      expect(badPattern.status).toBe(400);
      expect(badPattern.body.message).toMatch(/^body\.condition\.pattern is not a regular expression RE2 accepts/);
      const backreference = await call('POST', '/rules', {
        operator: 'sidorova',
        body: { ...body, condition: { pattern: '(счет)\\s+\\1' } },
      });
      expect([backreference.status, backreference.body.message]).toEqual([
        400,
        expect.stringMatching(/pattern is not a regular expression RE2 accepts \(Perl syntax without backreferences/),
      ]);
      const empty = await call('POST', '/rules', { operator: 'sidorova', body: { ...body, condition: {} } });
      expect(empty.status).toBe(400);
      expect(empty.body.message).toMatch(/^body\.condition/);
      const badPriority = await call('POST', '/rules', {
        operator: 'sidorova',
        body: { ...body, outcome: { priority: 'asap' } },
      });
      expect(badPriority.status).toBe(400);
      expect(badPriority.body.field).toBe('body.outcome.priority');
      const partial = await call('PUT', '/rules/order', { operator: 'sidorova', body: { ruleIds: [1] } });
      expect(partial.status).toBe(400);
      expect(partial.body.message).toMatch(/leaves out rules/);
      expect((await call('PATCH', '/rules/999999', { operator: 'sidorova', body: { enabled: false } })).status).toBe(
        404,
      );
    });

    it('take effect for the very next ticket once changed through the API (the worker keeps them in memory)', async () => {
      const word = `wq${run}`;
      const subject = `${word} сломался`;
      expect((await register(subject)).category).toBe('general');
      const rule = await call('POST', '/rules', {
        operator: 'sidorova',
        body: { name: `next ${run}`, condition: { words: [word] }, outcome: { category, queueCode } },
      });
      expect(rule.status).toBe(201);
      expect(await register(subject)).toMatchObject({ category, queue: { code: queueCode } });
      await call('PATCH', `/rules/${rule.body.id}`, {
        operator: 'sidorova',
        body: { outcome: { category: 'billing' } },
      });
      expect(await register(subject)).toMatchObject({ category: 'billing', queue: { code: 'general' } });
      await call('PATCH', `/rules/${rule.body.id}`, { operator: 'sidorova', body: { enabled: false } });
      expect((await register(subject)).category).toBe('general');
      await drainQueue();
    });

    it('route a real ticket: the rule that fired is on its trail', async () => {
      const id = await queuedTicket();
      const classified = (await eventsOf(id)).find((e) => e.action === 'classified')!;
      expect(classified.data).toMatchObject({ category, source: 'rule', queueCode });
      expect((classified.data.rules as Array<{ because: string[] }>)[0]!.because).toEqual([
        `word "${token}" (in "${token}")`,
      ]);
    });
  });

  describe('category verdicts', () => {
    it('records the assignee’s confirmation or correction as training data', async () => {
      const id = await queuedTicket();
      await call('POST', `/tickets/${id}/accept`, { operator: op(8) });
      const corrected = await call('POST', `/tickets/${id}/category`, {
        operator: op(8),
        body: { category: 'billing' },
      });
      expect(corrected.body).toMatchObject({ ticketId: id, category: 'billing', verdict: 'corrected' });
      const confirmed = await call('POST', `/tickets/${id}/category`, {
        operator: 'sidorova',
        body: { category: 'billing' },
      });
      expect(confirmed.body.verdict).toBe('confirmed');
      const [row] = await desk.db.select().from(categoryFeedback).where(eq(categoryFeedback.ticketId, id));
      expect(row).toMatchObject({ category: 'billing', operatorId: 'sidorova' });
    });
  });

  describe('the category model', () => {
    it('retrains in a workflow on operators’ verdicts and then suggests when no rule fires', async () => {
      const taught = [
        ['facilities', 'Квазарный модулятор гудит в подсобке'],
        ['facilities', 'Квазарный модулятор опять гудит'],
        ['facilities', 'Проверьте квазарный модулятор на складе'],
        ['facilities', 'Quasar modulator humming in the storage room'],
        ['billing', 'Пульсарная ведомость не сходится'],
        ['billing', 'Пульсарная ведомость за март'],
        ['billing', 'Pulsar ledger is off by a few roubles'],
      ] as const;
      for (const [verdict, text] of taught) {
        const ticket = await register(text, text);
        expect(ticket.category).toBe('general');
        expect(
          (await call('POST', `/tickets/${ticket.id}/category`, { operator: 'sidorova', body: { category: verdict } }))
            .body.verdict,
        ).toBe('corrected');
      }
      expect((await call('POST', '/category-model/retrain', { operator: 'petrov' })).status).toBe(403);
      const trained = await call('POST', '/category-model/retrain', { operator: 'sidorova' });
      expect(trained.status).toBe(200);
      expect(trained.body).toMatchObject({
        changed: true,
        categories: expect.arrayContaining(['facilities', 'billing']),
      });
      expect(trained.body.trainingTickets).toBeGreaterThanOrEqual(taught.length);
      const again = await call('POST', '/category-model/retrain', { operator: 'sidorova' });
      expect(again.body).toMatchObject({ changed: false, modelId: trained.body.modelId });

      const dry = await call('POST', '/rules/dry-run', {
        operator: 'ivanova',
        body: { subject: 'Квазарный модулятор снова гудит' },
      });
      expect(dry.body).toMatchObject({ category: 'facilities', source: 'model', fired: [] });
      expect(dry.body.suggestion.confidence).toBeGreaterThanOrEqual(0.6);
      const unknown = await call('POST', '/rules/dry-run', {
        operator: 'ivanova',
        body: { subject: 'Совершенно новая тема' },
      });
      expect(unknown.body).toMatchObject({ category: 'general', source: 'triage', suggestion: null });

      const ticket = await register('Квазарный модулятор гудит громче', 'Гудит');
      expect(ticket.category).toBe('facilities');
      expect((await eventsOf(ticket.id)).find((e) => e.action === 'classified')!.data).toMatchObject({
        source: 'model',
        category: 'facilities',
      });
      // Other test files share this database: leave no model behind to classify their tickets.
      await desk.db.delete(categoryModels);
    });

    it('has its retraining on a Temporal schedule, created once and updated on the next start', async () => {
      const taskQueue = `retrain-${run}`;
      await ensureRetrainSchedule(desk.temporal, taskQueue, 3_600_000);
      await ensureRetrainSchedule(desk.temporal, taskQueue, 2 * 3_600_000);
      const schedule = desk.temporal.schedule.getHandle(`category-model-retrain-${taskQueue}`);
      try {
        const described = await schedule.describe();
        expect(described.spec.intervals?.[0]?.every).toBe(2 * 3_600_000);
        expect(described.action).toMatchObject({
          type: 'startWorkflow',
          workflowType: 'retrainCategoryModelWorkflow',
          taskQueue,
        });
      } finally {
        await schedule.delete();
      }
    });
  });
});
