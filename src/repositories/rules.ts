import { randomUUID } from 'node:crypto';
import { eq, max, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { recordTicketEvent } from '../db/events';
import { categoryFeedback, classificationRules, tickets } from '../db/schema';
import { TicketElement } from '../domain/process';
import type { ClassificationRule, RuleCondition, RuleKind, RuleOutcome } from '../domain/rules';

type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

export interface RuleValues {
  name: string;
  condition: RuleCondition;
  outcome: RuleOutcome;
  enabled: boolean;
  kind: RuleKind;
}

/** Rules change one writer at a time: their positions are read and rewritten together. */
export const withRulesLocked = <T>(db: Database, run: (tx: Tx) => Promise<T>): Promise<T> =>
  db.transaction(async (tx) => {
    await tx.execute(sql`lock table classification_rules in share row exclusive mode`);
    return run(tx);
  });

/** A new rule after the last one. */
export async function appendRule(tx: Tx, rule: RuleValues): Promise<{ id: number }> {
  const [last] = await tx.select({ position: max(classificationRules.position) }).from(classificationRules);
  const [created] = await tx
    .insert(classificationRules)
    .values({ ...rule, position: (last?.position ?? 0) + 10 })
    .returning({ id: classificationRules.id });
  return created!;
}

/** One statement: positions 10, 20, … in the given order, so later inserts fit between. */
export async function renumberRules(tx: Pick<Database, 'execute'>, orderedIds: number[]) {
  if (orderedIds.length === 0) return;
  await tx.execute(sql`update classification_rules as r set position = o.place * 10, updated_at = now()
      from unnest(${sql.raw(`array[${orderedIds.map(Number).join(',')}]::int[]`)}) with ordinality as o(id, place) where r.id = o.id`);
}

export async function updateRule(
  db: Database,
  ruleId: number,
  change: Partial<RuleValues>,
): Promise<ClassificationRule | undefined> {
  const [updated] = await db
    .update(classificationRules)
    .set({ ...change, updatedAt: new Date() })
    .where(eq(classificationRules.id, ruleId))
    .returning();
  if (!updated) return undefined;
  const { id, name, position, enabled, kind, condition, outcome } = updated;
  return { id, name, position, enabled, kind, condition, outcome };
}

/** An operator's verdict on a ticket's category: training data, the ticket's category, and its event. */
export async function recordCategoryVerdict(
  db: Database,
  verdict: { ticketId: number; category: string; was: string | null; operatorId: string; verdict: string },
) {
  const { ticketId, category, was, operatorId } = verdict;
  await db.transaction(async (tx) => {
    await tx
      .insert(categoryFeedback)
      .values({ ticketId, category, givenCategory: was, operatorId })
      .onConflictDoUpdate({ target: categoryFeedback.ticketId, set: { category, operatorId, at: new Date() } });
    await tx.update(tickets).set({ category, updatedAt: new Date() }).where(eq(tickets.id, ticketId));
    await recordTicketEvent(tx, {
      ticketId,
      elementId: TicketElement.classify,
      action: `category_${verdict.verdict}`,
      actor: operatorId,
      data: { category, was },
      dedupeKey: `category:${randomUUID()}`,
    });
  });
}
