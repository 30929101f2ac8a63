/**
 * Retraining on N operator verdicts, as the retraining activity does it: `retrainCategoryModel`
 * reads every verdict with its ticket's text from PostgreSQL, trains the linear model (with its
 * calibration folds) and stores it. The verdicts are the labelled sample's texts, each with a few
 * words of another ticket added, so no two are alike.
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import type { Database } from '../src/db/client';
import { categoryFeedback, categoryModels, tickets } from '../src/db/schema';
import type { LabelledText } from '../src/domain/evaluation';
import { retrainCategoryModel } from '../src/repositories/routing';

const FIRST_ID = 1_000_001;

export async function retrainingBench(
  db: Database,
  clientId: number,
  labelled: LabelledText[],
  verdicts: number,
  rand: () => number,
) {
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
  const words = [...new Set(labelled.flatMap((row) => row.text.match(/[\p{L}]{4,}/gu) ?? []))];
  for (let from = 0; from < verdicts; from += 1000) {
    const rows = Array.from({ length: Math.min(1000, verdicts - from) }, (_, k) => {
      const { text, category } = pick(labelled);
      return { id: FIRST_ID + from + k, text: `${text} ${pick(words)} ${pick(words)}`, category };
    });
    await db.insert(tickets).values(
      rows.map(({ id, text }) => ({
        id,
        workflowId: `bench-retrain-${id}`,
        channel: 'api' as const,
        subject: text.slice(0, 60),
        description: text,
        clientId,
        stage: 'closed' as const,
      })),
    );
    await db
      .insert(categoryFeedback)
      .values(
        rows.map(({ id, category }) => ({ ticketId: id, category, givenCategory: category, operatorId: 'bench' })),
      );
  }
  const start = performance.now();
  const trained = await retrainCategoryModel(db);
  const seconds = (performance.now() - start) / 1000;
  const [stored] = await db
    .select({ bytes: sql<number>`octet_length(${categoryModels.model}::text)::int` })
    .from(categoryModels)
    .where(sql`${categoryModels.id} = ${trained.modelId}`);
  return { verdicts: trained.trainingTickets, seconds, categories: trained.categories.length, bytes: stored!.bytes };
}
