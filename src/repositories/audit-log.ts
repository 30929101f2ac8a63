import { desc, lt } from 'drizzle-orm';
import type { Database } from '../db/client';
import { staffAuditLog } from '../db/schema';

type Writer = Pick<Database, 'insert'>;

/** One change to who may do what, or a failed sign-in. */
export interface AuditEntry {
  actorId: string | null;
  action: string;
  target: string;
  details?: Record<string, unknown>;
  address: string | null;
}

export async function recordAudit(db: Writer, entry: AuditEntry) {
  await db.insert(staffAuditLog).values({ ...entry, details: entry.details ?? {} });
}

/** Newest first, a page after a keyset cursor (`before`: the last id of the previous page). */
export async function listAudit(db: Pick<Database, 'select'>, page: { limit: number; before?: number }) {
  const rows = await db
    .select()
    .from(staffAuditLog)
    .where(page.before === undefined ? undefined : lt(staffAuditLog.id, page.before))
    .orderBy(desc(staffAuditLog.id))
    .limit(page.limit);
  return rows.map((row) => ({ ...row, at: row.at.toISOString() }));
}
