import { eq } from 'drizzle-orm';
import type { Database } from '../db/client';
import { operatorGroupMembers, operators } from '../db/schema';

export interface OperatorIdentity {
  id: string;
  name: string;
  role: 'operator' | 'manager';
  groupIds: number[];
}

export async function findOperator(db: Database, operatorId: string): Promise<OperatorIdentity | undefined> {
  const rows = await db
    .select({ id: operators.id, name: operators.name, role: operators.role, groupId: operatorGroupMembers.groupId })
    .from(operators)
    .leftJoin(operatorGroupMembers, eq(operatorGroupMembers.operatorId, operators.id))
    .where(eq(operators.id, operatorId));
  if (rows.length === 0) return undefined;
  const { id, name, role } = rows[0]!;
  return { id, name, role, groupIds: rows.flatMap((r) => (r.groupId === null ? [] : [r.groupId])) };
}

/** The competences an operator has (none for an unknown login). */
export async function operatorCompetences(db: Database, operatorId: string): Promise<string[]> {
  const [row] = await db
    .select({ competences: operators.competences })
    .from(operators)
    .where(eq(operators.id, operatorId));
  return row?.competences ?? [];
}
