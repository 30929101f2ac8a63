import { asc, count, desc, eq, max, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { categoryFeedback, categoryModels, classificationRules, tickets } from '../db/schema';
import { suggestCategory, trainCategoryModel, type CategoryModel } from '../domain/category-model';
import { applyRules, compileRules, type ClassificationRule, type CompiledRules, type RoutingFacts } from '../domain/rules';

export async function listRules(db: Pick<Database, 'select'>): Promise<ClassificationRule[]> {
  const rows = await db.select().from(classificationRules).orderBy(asc(classificationRules.position), asc(classificationRules.id));
  return rows.map(({ id, name, position, enabled, condition, outcome }) => ({ id, name, position, enabled, condition, outcome }));
}

/**
 * Compiled rules and the newest category model, reloaded only when the tables changed: one
 * cheap query per ticket instead of reading and compiling a thousand rules each time.
 */
export function createRoutingCache(pool: Database) {
  let rules: { version: string; compiled: CompiledRules } | undefined;
  let model: { id: number; model: CategoryModel } | undefined;

  const currentRules = async (db: Pick<Database, 'select'>) => {
    const [state] = await db.select({ n: count(), changed: max(classificationRules.updatedAt) }).from(classificationRules);
    const version = `${state?.n}:${state?.changed?.toISOString()}`;
    if (rules?.version !== version) rules = { version, compiled: compileRules(await listRules(db)) };
    return rules.compiled;
  };

  const currentModel = async (db: Pick<Database, 'select'>) => {
    const [newest] = await db.select({ id: categoryModels.id }).from(categoryModels).orderBy(desc(categoryModels.id)).limit(1);
    if (!newest) return undefined;
    if (model?.id !== newest.id) {
      const [row] = await db.select().from(categoryModels).orderBy(desc(categoryModels.id)).limit(1);
      model = { id: row!.id, model: row!.model };
    }
    return model.model;
  };

  return {
    /**
     * Inside a transaction, pass it as `db`: asking the pool for a second connection while the
     * transaction holds one deadlocks once every connection is held by a waiting intake.
     */
    async decide(facts: RoutingFacts, db: Pick<Database, 'select'> = pool) {
      const compiled = await currentRules(db);
      const trained = await currentModel(db);
      return {
        rules: applyRules(compiled, facts),
        suggestion: trained ? suggestCategory(trained, `${facts.subject}\n${facts.description}`) : undefined,
      };
    },
  };
}

export type RoutingCache = ReturnType<typeof createRoutingCache>;

/** Trains on every operator verdict and stores the model, once per set of verdicts. */
export async function retrainCategoryModel(db: Database) {
  const examples = await db
    .select({ text: sql<string>`${tickets.subject} || E'\\n' || ${tickets.description}`, category: categoryFeedback.category, at: categoryFeedback.at })
    .from(categoryFeedback)
    .innerJoin(tickets, eq(tickets.id, categoryFeedback.ticketId));
  if (examples.length === 0) return { modelId: null, trainingTickets: 0, categories: [], changed: false };
  const newest = examples.reduce((latest, e) => (e.at > latest ? e.at : latest), examples[0]!.at);
  const trainedOn = `${examples.length}:${newest.toISOString()}`;
  const model = trainCategoryModel(examples);
  const [stored] = await db.insert(categoryModels).values({ model, trainingTickets: examples.length, trainedOn }).onConflictDoNothing().returning({ id: categoryModels.id });
  const id = stored?.id ?? (await db.select({ id: categoryModels.id }).from(categoryModels).where(eq(categoryModels.trainedOn, trainedOn)))[0]!.id;
  return { modelId: id, trainingTickets: examples.length, categories: model.categories, changed: stored !== undefined };
}
