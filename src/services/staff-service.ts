import type { Database } from '../db/client';
import { hasCapability, type Actor } from '../domain/access';
import type { OperatorRole, QueueAccessLevel } from '../domain/enums';
import { listAudit, recordAudit } from '../repositories/audit-log';
import {
  existingGroupIds,
  findGroup,
  findStaffAccount,
  insertStaffAccount,
  listGroups,
  listQueueGrants,
  listQueuesToGrant,
  listStaff,
  replaceQueueGrants,
  updateStaffAccount,
  type StaffAccount,
  type StaffChange,
} from '../repositories/staff';
import { DeskError, notFound } from './errors';
import { hashPassword, type From } from './identity-service';

/** The fields of an account a change names that differ from what is stored: what the audit log keeps. */
function changedFields(before: StaffAccount, change: StaffChange) {
  const changed: Record<string, { from: unknown; to: unknown }> = {};
  for (const [field, to] of Object.entries(change) as [keyof StaffChange, unknown][]) {
    const from = before[field];
    if (JSON.stringify(from) !== JSON.stringify(to)) changed[field] = { from, to };
  }
  return changed;
}

/**
 * Staff management: accounts, roles, groups and their access to queues, competences and ticket limits.
 * Every change is written with its audit record in one transaction, so the log never misses one.
 * Enabling and disabling, and tokens, are the identity service's (audited there too).
 */
export function createStaffService({ db }: { db: Database }) {
  const mayManage = (actor: Actor) => {
    if (!hasCapability(actor, 'manage_staff'))
      throw new DeskError('NOT_PERMITTED', `${actor.id} (${actor.role}) may not manage staff`);
  };
  const checkGroups = async (groupIds: number[] | undefined) => {
    if (!groupIds) return;
    const known = await existingGroupIds(db, groupIds);
    const unknown = groupIds.filter((id) => !known.includes(id));
    if (unknown.length) throw new DeskError('VALIDATION', `body.groupIds: no group ${unknown.join(', ')}`);
  };
  const normalised = (change: StaffChange): StaffChange => ({
    ...change,
    ...(change.competences ? { competences: [...new Set(change.competences)].sort() } : {}),
    ...(change.groupIds ? { groupIds: [...new Set(change.groupIds)].sort((a, b) => a - b) } : {}),
  });

  return {
    async list(actor: Actor) {
      mayManage(actor);
      return { staff: await listStaff(db), groups: await listGroups(db) };
    },

    async create(
      actor: Actor,
      account: { id: string; name: string; role: OperatorRole; password?: string } & StaffChange,
      from: From,
    ) {
      mayManage(actor);
      const { password, ...fields } = account;
      const change = normalised(fields);
      await checkGroups(change.groupIds);
      const passwordHash = password ? await hashPassword(password) : null;
      const created = await db.transaction(async (tx) => {
        if (
          !(await insertStaffAccount(tx, {
            ...change,
            id: account.id,
            name: account.name,
            role: account.role,
            passwordHash,
          }))
        )
          return false;
        await recordAudit(tx, {
          actorId: actor.id,
          action: 'account_created',
          target: account.id,
          details: { ...change, password: password ? 'set' : 'none' },
          address: from.address,
        });
        return true;
      });
      if (!created) throw new DeskError('DUPLICATE', `the login ${account.id} is taken`);
      return (await findStaffAccount(db, account.id))!;
    },

    async update(actor: Actor, operatorId: string, requested: StaffChange, from: From) {
      mayManage(actor);
      const before = await findStaffAccount(db, operatorId);
      if (!before) throw notFound(`member of staff ${operatorId}`);
      const change = normalised(requested);
      await checkGroups(change.groupIds);
      if (operatorId === actor.id && change.role && change.role !== before.role)
        throw new DeskError('VALIDATION', 'body.role: you may not change your own role');
      const changed = changedFields(before, change);
      if (Object.keys(changed).length === 0) return before;
      await db.transaction(async (tx) => {
        await updateStaffAccount(tx, operatorId, change);
        await recordAudit(tx, {
          actorId: actor.id,
          action: 'account_changed',
          target: operatorId,
          details: changed,
          address: from.address,
        });
      });
      return (await findStaffAccount(db, operatorId))!;
    },

    /** Every group's level on every queue it has access to, with the groups and queues to grant. */
    async queueAccess(actor: Actor) {
      mayManage(actor);
      const [groups, queues, grants] = await Promise.all([listGroups(db), listQueuesToGrant(db), listQueueGrants(db)]);
      return { groups, queues, grants };
    },

    /**
     * The group's access becomes `grants` (a queue left out: no access), written with its audit
     * record: for each queue whose level changed, the old and the new (null: none).
     */
    async setQueueAccess(
      actor: Actor,
      groupId: number,
      grants: { queueId: number; level: QueueAccessLevel }[],
      from: From,
    ) {
      mayManage(actor);
      const group = await findGroup(db, groupId);
      if (!group) throw notFound(`group ${groupId}`);
      const queues = new Map((await listQueuesToGrant(db)).map((q) => [q.id, q.code]));
      const given = new Set<number>();
      grants.forEach(({ queueId }, i) => {
        if (!queues.has(queueId)) throw new DeskError('VALIDATION', `body.grants[${i}].queueId: no queue ${queueId}`);
        if (given.has(queueId))
          throw new DeskError('VALIDATION', `body.grants[${i}].queueId: queue ${queueId} is given twice`);
        given.add(queueId);
      });
      const before = new Map((await listQueueGrants(db, groupId)).map((g) => [g.queueId, g.level]));
      const after = new Map(grants.map((g) => [g.queueId, g.level]));
      const changed: Record<string, { from: QueueAccessLevel | null; to: QueueAccessLevel | null }> = {};
      for (const [queueId, code] of queues) {
        const [was, is] = [before.get(queueId) ?? null, after.get(queueId) ?? null];
        if (was !== is) changed[code] = { from: was, to: is };
      }
      if (Object.keys(changed).length > 0)
        await db.transaction(async (tx) => {
          await replaceQueueGrants(tx, groupId, grants);
          await recordAudit(tx, {
            actorId: actor.id,
            action: 'queue_access_changed',
            target: `group:${group.code}`,
            details: { queues: changed },
            address: from.address,
          });
        });
      return { groupId, grants: await listQueueGrants(db, groupId) };
    },

    async auditLog(actor: Actor, page: { limit: number; before?: number }) {
      mayManage(actor);
      return listAudit(db, page);
    },
  };
}

export type StaffService = ReturnType<typeof createStaffService>;
