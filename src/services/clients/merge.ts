import type { Database } from '../../db/client';
import {
  findClient,
  lockClients,
  markMerged,
  moveClientReferences,
  recordClientAudit,
  updateClient,
  type ClientFields,
} from '../../repositories/client-profiles';
import { DeskError, invalid, notFound } from '../errors';
import type { From } from '../identity-service';
import type { Viewer } from './live-client';
import { legalFields, profileOf } from './profile-view';

/** `/clients/:id/merge`: a duplicate profile folded into the one that stays. */
export function createClientMerge(deps: { db: Database }) {
  const { db } = deps;
  return {
    /**
     * Merges the duplicate `fromId` into `clientId`, in one transaction with both rows locked:
     * every ticket, call, Telegram chat, contact, device and consent record moves to the survivor,
     * which also takes the duplicate's name and legal details where it has none. The duplicate is
     * kept as a tombstone (merged_into): its id answers 301 to the survivor from then on.
     */
    async merge(actor: Viewer, clientId: number, fromId: number, from: From) {
      if (fromId === clientId) throw invalid('body.from: a client cannot be merged into itself');
      const counts = await db.transaction(async (tx) => {
        const locked = await lockClients(tx, [clientId, fromId]);
        const survivor = locked.find((r) => r.id === clientId);
        const duplicate = locked.find((r) => r.id === fromId);
        if (!survivor) throw notFound(`client ${clientId}`);
        if (!duplicate) throw notFound(`client ${fromId} (body.from)`);
        for (const [row, role] of [
          [survivor, 'the survivor'],
          [duplicate, 'body.from'],
        ] as const)
          if (row.mergedInto !== null)
            throw new DeskError(
              'CLIENT_MERGED',
              `${role}: client ${row.id} was already merged into client ${row.mergedInto}`,
            );
        const gaps: ClientFields = {};
        if (!survivor.name && duplicate.name) gaps.name = duplicate.name;
        if (!survivor.inn && duplicate.inn && duplicate.kind === 'company') {
          gaps.kind = 'company';
          for (const field of legalFields) if (duplicate[field] !== null) gaps[field] = duplicate[field];
        }
        const moved = await moveClientReferences(tx, survivor, duplicate);
        await markMerged(tx, duplicate.id, survivor.id);
        await updateClient(tx, survivor.id, gaps);
        const details = { from: duplicate.id, moved, filled: Object.keys(gaps) };
        await recordClientAudit(tx, {
          actorId: actor.id,
          action: 'client_merged',
          clientId,
          details,
          address: from.address,
        });
        await recordClientAudit(tx, {
          actorId: actor.id,
          action: 'merged_into',
          clientId: duplicate.id,
          details: { into: survivor.id, moved },
          address: from.address,
        });
        return moved;
      });
      return { client: await profileOf(db, (await findClient(db, clientId))!), moved: counts };
    },
  };
}
