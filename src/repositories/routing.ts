import { asc, count, desc, max } from 'drizzle-orm';
import type { Database } from '../db/client';
import { categoryModels, classificationRules } from '../db/schema';
import { suggestCategory, type CategoryModel } from '../domain/category-model';
import { applyRules, compileRules, type ClassificationRule, type CompiledRules, type RoutingFacts } from '../domain/rules';

export async function listRules(db: Pick<Database, 'select'>): Promise<ClassificationRule[]> {
  const rows = await db.select().from(classificationRules).orderBy(asc(classificationRules.position), asc(classificationRules.id));
  return rows.map(({ id, name, position, enabled, condition, outcome }) => ({ id, name, position, enabled, condition, outcome }));
}

/**
 * Compiled rules and the newest category model, reloaded only when the tables changed: one
 * cheap query per ticket instead of reading and compiling a thousand rules each time.
 */
export function createRoutingCache(db: Database) {
  let rules: { version: string; compiled: CompiledRules } | undefined;
  let model: { id: number; model: CategoryModel } | undefined;

  const currentRules = async () => {
    const [state] = await db.select({ n: count(), changed: max(classificationRules.updatedAt) }).from(classificationRules);
    const version = `${state?.n}:${state?.changed?.toISOString()}`;
    if (rules?.version !== version) rules = { version, compiled: compileRules(await listRules(db)) };
    return rules.compiled;
  };

  const currentModel = async () => {
    const [newest] = await db.select({ id: categoryModels.id }).from(categoryModels).orderBy(desc(categoryModels.id)).limit(1);
    if (!newest) return undefined;
    if (model?.id !== newest.id) {
      const [row] = await db.select().from(categoryModels).orderBy(desc(categoryModels.id)).limit(1);
      model = { id: row!.id, model: row!.model };
    }
    return model.model;
  };

  return {
    async decide(facts: RoutingFacts) {
      const [compiled, trained] = await Promise.all([currentRules(), currentModel()]);
      return {
        rules: applyRules(compiled, facts),
        suggestion: trained ? suggestCategory(trained, `${facts.subject}\n${facts.description}`) : undefined,
      };
    },
  };
}

export type RoutingCache = ReturnType<typeof createRoutingCache>;
