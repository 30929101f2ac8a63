/**
 * A new desk starts with a category model trained on its starting corpus (STARTING_CORPUS), so
 * the model decides from the first ticket; later starts leave corpus and models as they are, and
 * retraining learns from the corpus and operators' verdicts together. Its own database: a model
 * in the shared one would change what every other file's tickets are classified as.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, count, eq } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../src/db/client';
import { categoryCorpus, categoryModels, ticketEvents } from '../src/db/schema';
import { trainOnStartingCorpus } from '../src/desk';
import { parseLabelled } from '../src/domain/evaluation';
import { retrainCategoryModel } from '../src/repositories/routing';
import { createTestDatabase, startTestDesk } from './support/desk';
import { listen } from './support/http';

const corpusFile = path.resolve(__dirname, '..', 'data', 'tickets-labelled.jsonl');
const corpus = parseLabelled(fs.readFileSync(corpusFile, 'utf8'), corpusFile);
const quiet = pino({ level: 'silent' });
let databaseUrl: string;
let dropTestDatabase: () => Promise<void>;

beforeAll(async () => {
  ({ databaseUrl, drop: dropTestDatabase } = await createTestDatabase('starting_model'));
});
afterAll(() => dropTestDatabase?.());

describe('the starting corpus', () => {
  it('refuses a bad file before storing anything, naming the line', async () => {
    const bad = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'corpus-')), 'bad.jsonl');
    fs.writeFileSync(bad, '{"text": "Нет интернета", "category": "connectivity"}\n{"text": "без категории"}\n');
    const db = openDatabase(databaseUrl, { max: 2 });
    try {
      await expect(trainOnStartingCorpus(db, bad, quiet)).rejects.toThrow(
        `${bad}:2: needs "text" and "category" strings`,
      );
      await expect(trainOnStartingCorpus(db, `${bad}.missing`, quiet)).rejects.toThrow(/ENOENT/);
      expect((await db.select({ n: count() }).from(categoryCorpus))[0]!.n).toBe(0);
      expect((await db.select({ n: count() }).from(categoryModels))[0]!.n).toBe(0);
    } finally {
      await closeDatabase(db);
    }
  });

  describe('a desk started on it', () => {
    let desk: Awaited<ReturnType<typeof startTestDesk>>;
    let call: Awaited<ReturnType<typeof listen>>['call'];

    beforeAll(async () => {
      desk = await startTestDesk({ databaseUrl, startingCorpus: corpusFile });
      ({ call } = await listen(desk.app));
    });
    afterAll(() => desk?.stop());

    it('stored every labelled text once and trained a model on them', async () => {
      expect((await desk.db.select({ n: count() }).from(categoryCorpus))[0]!.n).toBe(corpus.length);
      const models = await desk.db.select().from(categoryModels);
      expect(models).toHaveLength(1);
      expect(models[0]!.trainingTickets).toBe(corpus.length);
      expect([...models[0]!.model.categories].sort()).toEqual([
        'billing',
        'complaint',
        'connectivity',
        'facilities',
        'general',
        'repair',
        'status',
        'warranty',
      ]);
    });

    it.each([
      ['Третий раз сдаю ноутбук в ремонт, опять не включается. Это возмутительно, верните деньги!', 'complaint'],
      ['Добрый день, мой телефон уже починили? Сдавал в понедельник', 'status'],
      ['Пришлите, пожалуйста, закрывающие документы за ремонт принтера', 'billing'],
    ])('decides "%s" as %s from the first ticket, the model weighing the rules', async (description, category) => {
      const filed = await call('POST', '/tickets', {
        body: {
          subject: 'Обращение',
          description,
          client: { email: `first.client.${description.length}@example.com` },
        },
      });
      expect(filed.status, filed.text).toBe(201);
      const [event] = await desk.db
        .select({ data: ticketEvents.data })
        .from(ticketEvents)
        .where(and(eq(ticketEvents.ticketId, filed.body.id), eq(ticketEvents.action, 'classified')));
      expect(event!.data).toMatchObject({ category, source: 'model', rankedBy: 'local' });
    });

    it('is not trained again at the next start, and a retraining without news stores nothing', async () => {
      await desk.stop();
      desk = await startTestDesk({ databaseUrl, startingCorpus: corpusFile });
      ({ call } = await listen(desk.app));
      expect((await desk.db.select({ n: count() }).from(categoryModels))[0]!.n).toBe(1);
      expect((await desk.db.select({ n: count() }).from(categoryCorpus))[0]!.n).toBe(corpus.length);
      expect(await retrainCategoryModel(desk.db)).toMatchObject({ trainingTickets: corpus.length, changed: false });
    });

    it('learns from operators’ verdicts beside the corpus', async () => {
      const filed = await call('POST', '/tickets', {
        body: {
          subject: 'Кулер',
          description: 'Кулер с водой пустой второй день',
          client: { email: 'first.client@example.com' },
        },
      });
      expect(filed.status, filed.text).toBe(201);
      const verdict = await call('POST', `/tickets/${filed.body.id}/category`, {
        operator: 'sidorova',
        body: { category: 'facilities' },
      });
      expect(verdict.status, verdict.text).toBeLessThan(300);
      expect(await retrainCategoryModel(desk.db)).toMatchObject({ trainingTickets: corpus.length + 1, changed: true });
    });
  });
});
