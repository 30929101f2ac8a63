import type { Database } from '../../db/client';
import type { Actor } from '../../domain/access';
import { findClient, lockClient, recordClientAudit, type ClientRow, type Tx } from '../../repositories/client-profiles';
import { DeskError, MovedError, notFound } from '../errors';
import type { From } from '../identity-service';

/**
 * A merged client is a tombstone: reading it answers 301 to the survivor, changing it 409.
 * Every change is written with its audit entry (client_audit_log) in one transaction.
 */

export type Viewer = Pick<Actor, 'id' | 'role' | 'queueAccess'>;
export type Page = { limit: number; offset: number };

/** The live client to read; 404 if none, 301 to the survivor if it was merged. */
export async function readableClient(db: Database, clientId: number) {
  const row = await findClient(db, clientId);
  if (!row) throw notFound(`client ${clientId}`);
  if (row.mergedInto !== null)
    throw new MovedError(`client ${row.id} was merged into client ${row.mergedInto}`, `/clients/${row.mergedInto}`);
  return row;
}

/** The live client locked for a change; 404 if none, 409 if it was merged. */
async function lockedLiveClient(tx: Tx, clientId: number) {
  const row = await lockClient(tx, clientId);
  if (!row) throw notFound(`client ${clientId}`);
  if (row.mergedInto !== null)
    throw new DeskError(
      'CLIENT_MERGED',
      `client ${clientId} was merged into client ${row.mergedInto}: change that one`,
    );
  return row;
}

/** A change to a live client, locked, and its audit entry when it says what it did. */
export const auditedChange = async <T>(
  db: Database,
  actor: Viewer,
  from: From,
  clientId: number,
  run: (
    tx: Tx,
    row: ClientRow,
  ) => Promise<{ result: T; action: string; details: Record<string, unknown> } | { result: T }>,
): Promise<T> =>
  db.transaction(async (tx) => {
    const row = await lockedLiveClient(tx, clientId);
    const outcome = await run(tx, row);
    if ('action' in outcome)
      await recordClientAudit(tx, {
        actorId: actor.id,
        action: outcome.action,
        clientId,
        details: outcome.details,
        address: from.address,
      });
    return outcome.result;
  });
