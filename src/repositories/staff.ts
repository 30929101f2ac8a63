import { and, asc, eq, inArray, notInArray, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { operatorGroupMembers, operatorGroups, operators, queueAccess, queues } from '../db/schema';
import { higherLevel, type QueueGrants } from '../domain/access';
import type { OperatorRole, QueueAccessLevel } from '../domain/enums';

export interface OperatorIdentity {
  id: string;
  name: string;
  role: OperatorRole;
  groupIds: number[];
  /** The highest level any of their groups holds, per queue. */
  queueAccess: QueueGrants;
  disabled: boolean;
}

/** One query per request (the access hook asks it for every caller): the account, its groups and its grants. */
export async function findOperator(
  db: Pick<Database, 'select'>,
  operatorId: string,
): Promise<OperatorIdentity | undefined> {
  const [row] = await db
    .select({
      id: operators.id,
      name: operators.name,
      role: operators.role,
      disabledAt: operators.disabledAt,
      groupIds: accountColumns.groupIds,
      grants: sql<[number, QueueAccessLevel][]>`coalesce((select json_agg(json_build_array(a.queue_id, a.level))
        from queue_access a join operator_group_members m on m.group_id = a.group_id
        where m.operator_id = ${operators.id}), '[]')`,
    })
    .from(operators)
    .where(eq(operators.id, operatorId));
  if (!row) return undefined;
  const { disabledAt, grants, ...identity } = row;
  return { ...identity, disabled: disabledAt !== null, queueAccess: highestPerQueue(grants) };
}

/** An operator's level on each queue: the highest their groups are granted there. */
function highestPerQueue(grants: [number, QueueAccessLevel][]): QueueGrants {
  const highest: Record<number, QueueAccessLevel> = {};
  for (const [queueId, level] of grants) highest[queueId] = higherLevel(highest[queueId] ?? null, level)!;
  return highest;
}

/** The competences an operator has (none for an unknown login). */
export async function operatorCompetences(db: Database, operatorId: string): Promise<string[]> {
  const [row] = await db
    .select({ competences: operators.competences })
    .from(operators)
    .where(eq(operators.id, operatorId));
  return row?.competences ?? [];
}

/** A staff account as the administrators' page shows it: never its password hash. */
export interface StaffAccount {
  id: string;
  name: string;
  email: string | null;
  role: OperatorRole;
  supportLine: number;
  ticketLimit: number;
  competences: string[];
  groupIds: number[];
  enabled: boolean;
}

export type StaffChange = Partial<Omit<StaffAccount, 'id' | 'enabled'>>;

const accountColumns = {
  id: operators.id,
  name: operators.name,
  email: operators.email,
  role: operators.role,
  supportLine: operators.supportLine,
  ticketLimit: operators.ticketLimit,
  competences: operators.competences,
  disabledAt: operators.disabledAt,
  groupIds: sql<
    number[]
  >`coalesce((select array_agg(m.group_id order by m.group_id) from operator_group_members m where m.operator_id = ${operators.id}), '{}')`,
};

const asAccount = ({ disabledAt, ...row }: { disabledAt: Date | null } & Omit<StaffAccount, 'enabled'>) => ({
  ...row,
  enabled: disabledAt === null,
});

export async function listStaff(db: Pick<Database, 'select'>): Promise<StaffAccount[]> {
  return (await db.select(accountColumns).from(operators).orderBy(asc(operators.id))).map(asAccount);
}

export async function findStaffAccount(db: Pick<Database, 'select'>, id: string): Promise<StaffAccount | undefined> {
  const [row] = await db.select(accountColumns).from(operators).where(eq(operators.id, id));
  return row ? asAccount(row) : undefined;
}

export async function listGroups(db: Pick<Database, 'select'>) {
  return db
    .select({ id: operatorGroups.id, code: operatorGroups.code, name: operatorGroups.name })
    .from(operatorGroups)
    .orderBy(asc(operatorGroups.id));
}

/** The ids among these that are groups. */
export async function existingGroupIds(db: Pick<Database, 'select'>, ids: number[]): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await db.select({ id: operatorGroups.id }).from(operatorGroups).where(inArray(operatorGroups.id, ids));
  return rows.map((r) => r.id);
}

/** A new account; false when the login is taken. */
export async function insertStaffAccount(
  tx: Pick<Database, 'insert'>,
  account: { id: string; name: string; role: OperatorRole; passwordHash: string | null } & StaffChange,
): Promise<boolean> {
  const { groupIds, ...row } = account;
  const inserted = await tx.insert(operators).values(row).onConflictDoNothing().returning({ id: operators.id });
  if (inserted.length === 0) return false;
  if (groupIds?.length)
    await tx.insert(operatorGroupMembers).values(groupIds.map((groupId) => ({ operatorId: account.id, groupId })));
  return true;
}

/** Changes an account; the groups given replace its groups. */
export async function updateStaffAccount(
  tx: Pick<Database, 'update' | 'delete' | 'insert'>,
  id: string,
  change: StaffChange,
) {
  const { groupIds, ...columns } = change;
  if (Object.keys(columns).length > 0)
    await tx
      .update(operators)
      .set({ ...columns, updatedAt: new Date() })
      .where(eq(operators.id, id));
  if (groupIds) {
    await tx.delete(operatorGroupMembers).where(eq(operatorGroupMembers.operatorId, id));
    if (groupIds.length)
      await tx.insert(operatorGroupMembers).values(groupIds.map((groupId) => ({ operatorId: id, groupId })));
  }
}

/** A group's level on a queue, as an administrator grants it. */
export interface QueueGrant {
  groupId: number;
  queueId: number;
  level: QueueAccessLevel;
}

export async function findGroup(db: Pick<Database, 'select'>, id: number) {
  const [row] = await db
    .select({ id: operatorGroups.id, code: operatorGroups.code, name: operatorGroups.name })
    .from(operatorGroups)
    .where(eq(operatorGroups.id, id));
  return row;
}

/** Every queue with the group that owns it: what grants are given on. */
export async function listQueuesToGrant(db: Pick<Database, 'select'>) {
  return db
    .select({ id: queues.id, code: queues.code, name: queues.name, groupId: queues.groupId })
    .from(queues)
    .orderBy(asc(queues.id));
}

/** Every grant, or one group's, by group then queue. */
export async function listQueueGrants(db: Pick<Database, 'select'>, groupId?: number): Promise<QueueGrant[]> {
  return db
    .select({ groupId: queueAccess.groupId, queueId: queueAccess.queueId, level: queueAccess.level })
    .from(queueAccess)
    .where(groupId === undefined ? undefined : eq(queueAccess.groupId, groupId))
    .orderBy(asc(queueAccess.groupId), asc(queueAccess.queueId));
}

/** The group's grants become these: a queue left out is no access; a level kept keeps its row. */
export async function replaceQueueGrants(
  tx: Pick<Database, 'insert' | 'delete'>,
  groupId: number,
  grants: { queueId: number; level: QueueAccessLevel }[],
) {
  const kept = grants.map((g) => g.queueId);
  await tx
    .delete(queueAccess)
    .where(and(eq(queueAccess.groupId, groupId), kept.length ? notInArray(queueAccess.queueId, kept) : undefined));
  if (grants.length)
    await tx
      .insert(queueAccess)
      .values(grants.map((g) => ({ groupId, ...g })))
      .onConflictDoUpdate({
        target: [queueAccess.groupId, queueAccess.queueId],
        set: { level: sql`excluded.level`, updatedAt: sql`now()` },
      });
}
