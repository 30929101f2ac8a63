import { asc, desc, eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import {
  businessCalendars,
  catalogServices,
  categoryCorpus,
  categoryFeedback,
  categoryModels,
  classificationRules,
  operatorGroups,
  queues,
  referenceDataVersion,
  slaAgreements,
  tickets,
} from '../db/schema';
import type { BusinessCalendar } from '../domain/calendar';
import { trainCategoryModel } from '../domain/category-model';
import type { LabelledText } from '../domain/evaluation';
import type { IntakeReference } from '../domain/intake-decision';
import { compileRules, type ClassificationRule } from '../domain/rules';
import { DEFAULT_CALENDAR_CODE, toBusinessCalendar } from './calendars';

export async function listRules(db: Pick<Database, 'select'>): Promise<ClassificationRule[]> {
  const rows = await db
    .select()
    .from(classificationRules)
    .orderBy(asc(classificationRules.position), asc(classificationRules.id));
  return rows.map(({ id, name, position, enabled, kind, condition, outcome }) => ({
    id,
    name,
    position,
    enabled,
    kind,
    condition,
    outcome,
  }));
}

type Executor = Pick<Database, 'select'>;
type ServiceRow = Pick<
  typeof catalogServices.$inferSelect,
  'id' | 'code' | 'category' | 'keywords' | 'isCategoryDefault' | 'supportLine'
>;
type QueueRow = typeof queues.$inferSelect;
type AgreementRow = typeof slaAgreements.$inferSelect;

/** What a new ticket is routed with, as of one version of reference_data_version: the rows as stored. */
export interface ReferenceData extends IntakeReference {
  version: number | null;
  services: ServiceRow[];
  queues: QueueRow[];
  agreements: AgreementRow[];
}

async function loadReferenceData(db: Executor, version: number | null): Promise<ReferenceData> {
  const [ruleRows, [newestModel], services, queueRows, agreements, calendarRows, groups] = await Promise.all([
    listRules(db),
    db.select({ model: categoryModels.model }).from(categoryModels).orderBy(desc(categoryModels.id)).limit(1),
    db
      .select({
        id: catalogServices.id,
        code: catalogServices.code,
        category: catalogServices.category,
        keywords: catalogServices.keywords,
        isCategoryDefault: catalogServices.isCategoryDefault,
        supportLine: catalogServices.supportLine,
      })
      .from(catalogServices)
      .where(eq(catalogServices.active, true))
      .orderBy(catalogServices.id),
    db.select().from(queues),
    db.select().from(slaAgreements),
    db.select().from(businessCalendars),
    db.select({ id: operatorGroups.id, calendarId: operatorGroups.calendarId }).from(operatorGroups),
  ]);
  const calendars = new Map(calendarRows.map((row) => [row.id, row]));
  const byYear = new Map<string, BusinessCalendar>();
  return {
    version,
    rules: compileRules(ruleRows),
    model: newestModel?.model,
    services,
    queues: queueRows,
    agreements,
    groupCalendars: new Map(groups.map((g) => [g.id, g.calendarId])),
    calendar(id, at) {
      const row = id === null ? calendarRows.find((c) => c.code === DEFAULT_CALENDAR_CODE) : calendars.get(id);
      if (!row)
        throw new Error(
          id === null ? `the default calendar "${DEFAULT_CALENDAR_CODE}" is missing` : `calendar ${id} is missing`,
        );
      const key = `${row.id}:${at.getUTCFullYear()}`;
      let calendar = byYear.get(key);
      if (!calendar) byYear.set(key, (calendar = toBusinessCalendar(row, at)));
      return calendar;
    },
  };
}

/**
 * Rules (compiled), the newest category model, the catalog, queues, agreements and calendars,
 * kept in memory and reloaded only when reference_data_version moved: one one-row query per
 * ticket instead of reading (and compiling) them every time. The version is read in the
 * caller's transaction, so a change committed before it began is always seen.
 */
export function createRoutingCache(pool: Database) {
  let cached: ReferenceData | undefined;

  /**
   * Inside a transaction, pass it as `db`: asking the pool for a second connection while the
   * transaction holds one deadlocks once every connection is held by a waiting intake.
   */
  const current = async (db: Executor = pool): Promise<ReferenceData> => {
    const [row] = await db
      .select({ version: referenceDataVersion.version })
      .from(referenceDataVersion)
      .where(eq(referenceDataVersion.id, 1));
    const version = row?.version ?? null;
    if (cached && version !== null && cached.version === version) return cached;
    const loaded = await loadReferenceData(db, version);
    // Intakes that reloaded at once: keep the newest.
    if (version !== null && (cached?.version ?? -1) <= version) cached = loaded;
    return loaded;
  };

  return { current };
}

export type RoutingCache = ReturnType<typeof createRoutingCache>;

/** Adds labelled texts to the corpus the model starts from; a text already there stays as it was. Answers how many were new. */
export async function addToCorpus(db: Database, examples: LabelledText[], source: string): Promise<number> {
  let added = 0;
  for (let at = 0; at < examples.length; at += 500) {
    const rows = examples.slice(at, at + 500).map(({ text, category }) => ({ text, category, source }));
    added += (await db.insert(categoryCorpus).values(rows).onConflictDoNothing().returning({ id: categoryCorpus.id }))
      .length;
  }
  return added;
}

export async function hasCategoryModel(db: Executor): Promise<boolean> {
  return (await db.select({ id: categoryModels.id }).from(categoryModels).limit(1)).length > 0;
}

/** Trains on the starting corpus and every operator verdict and stores the model, once per set of both. */
export async function retrainCategoryModel(db: Database) {
  const [verdicts, corpus] = await Promise.all([
    db
      .select({
        text: sql<string>`${tickets.subject} || E'\\n' || ${tickets.description}`,
        category: categoryFeedback.category,
        at: categoryFeedback.at,
      })
      .from(categoryFeedback)
      .innerJoin(tickets, eq(tickets.id, categoryFeedback.ticketId)),
    db
      .select({ id: categoryCorpus.id, text: categoryCorpus.text, category: categoryCorpus.category })
      .from(categoryCorpus),
  ]);
  const examples = [...corpus, ...verdicts];
  if (examples.length === 0) return { modelId: null, trainingTickets: 0, categories: [], changed: false };
  const newest = verdicts.reduce<Date | undefined>(
    (latest, e) => (!latest || e.at > latest ? e.at : latest),
    undefined,
  );
  // Verdicts alone keep the key models were stored under before the corpus.
  const verdictKey = newest ? `${verdicts.length}:${newest.toISOString()}` : '0';
  const corpusKey = corpus.length
    ? `+corpus:${corpus.length}:${corpus.reduce((max, c) => Math.max(max, c.id), 0)}`
    : '';
  const trainedOn = verdictKey + corpusKey;
  const model = trainCategoryModel(examples);
  const [stored] = await db
    .insert(categoryModels)
    .values({ model, trainingTickets: examples.length, trainedOn })
    .onConflictDoNothing()
    .returning({ id: categoryModels.id });
  const id =
    stored?.id ??
    (await db.select({ id: categoryModels.id }).from(categoryModels).where(eq(categoryModels.trainedOn, trainedOn)))[0]!
      .id;
  return { modelId: id, trainingTickets: examples.length, categories: model.categories, changed: stored !== undefined };
}
