import { and, desc, eq, gt, isNull, ne, or, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { apiTokens, operators, publicWriteCounts, signInFailures, staffSessions } from '../db/schema';
import type { TokenScope } from '../domain/enums';
import { findOperator, type OperatorIdentity } from './staff';

type Db = Pick<Database, 'select' | 'insert' | 'update' | 'delete' | 'execute'>;

/** What a token list shows: never the secret, only its last characters. */
export const tokenColumns = {
  id: apiTokens.id,
  operatorId: apiTokens.operatorId,
  name: apiTokens.name,
  lastChars: apiTokens.lastChars,
  scopes: apiTokens.scopes,
  expiresAt: apiTokens.expiresAt,
  lastUsedAt: apiTokens.lastUsedAt,
  revokedAt: apiTokens.revokedAt,
  createdAt: apiTokens.createdAt,
};

export interface TokenRow {
  id: number;
  operatorId: string;
  name: string;
  lastChars: string;
  scopes: TokenScope[];
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}

export async function accountForSignIn(db: Db, login: string) {
  const [row] = await db
    .select({ id: operators.id, passwordHash: operators.passwordHash, disabledAt: operators.disabledAt })
    .from(operators)
    .where(eq(operators.id, login));
  return row;
}

export async function setPasswordHash(db: Db, operatorId: string, passwordHash: string) {
  await db.update(operators).set({ passwordHash, updatedAt: new Date() }).where(eq(operators.id, operatorId));
}

/** Disabling an account ends its sessions in the same transaction; its tokens stop at the next request. */
/** In the caller's transaction, with its audit row: a disabled account's sessions end with it. */
export async function setDisabled(tx: Db, operatorId: string, disabled: boolean) {
  await tx
    .update(operators)
    .set({ disabledAt: disabled ? new Date() : null, updatedAt: new Date() })
    .where(eq(operators.id, operatorId));
  if (disabled) await tx.delete(staffSessions).where(eq(staffSessions.operatorId, operatorId));
}

export async function insertToken(
  db: Db,
  token: {
    operatorId: string;
    name: string;
    secretHash: string;
    lastChars: string;
    scopes: TokenScope[];
    expiresAt: Date | null;
  },
): Promise<TokenRow> {
  const [row] = await db.insert(apiTokens).values(token).returning(tokenColumns);
  return row as TokenRow;
}

export async function listTokens(db: Db, operatorId: string): Promise<TokenRow[]> {
  return (await db
    .select(tokenColumns)
    .from(apiTokens)
    .where(eq(apiTokens.operatorId, operatorId))
    .orderBy(desc(apiTokens.id))) as TokenRow[];
}

export async function findToken(db: Db, id: number): Promise<TokenRow | undefined> {
  const [row] = await db.select(tokenColumns).from(apiTokens).where(eq(apiTokens.id, id));
  return row as TokenRow | undefined;
}

export async function revokeToken(db: Db, id: number): Promise<TokenRow | undefined> {
  const [row] = await db
    .update(apiTokens)
    .set({ revokedAt: sql`coalesce(${apiTokens.revokedAt}, now())` })
    .where(eq(apiTokens.id, id))
    .returning(tokenColumns);
  return row as TokenRow | undefined;
}

/** How stale `last_used_at` and `last_seen_at` may get before a request writes them: most requests only read. */
const TOUCH_EVERY_MS = 60_000;

/**
 * The live token with this hash and its holder, marking it used. The holder's account must be
 * enabled; `last_used_at` moves at most once a minute, so a busy script reads and does not write
 * on every request.
 */
export async function useToken(
  db: Db,
  secretHash: string,
): Promise<{ operator: OperatorIdentity; scopes: TokenScope[] } | undefined> {
  const [token] = await db
    .select({ operatorId: apiTokens.operatorId, scopes: apiTokens.scopes, lastUsedAt: apiTokens.lastUsedAt })
    .from(apiTokens)
    .where(
      and(
        eq(apiTokens.secretHash, secretHash),
        isNull(apiTokens.revokedAt),
        or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, sql`now()`)),
      ),
    );
  if (!token) return undefined;
  if (!token.lastUsedAt || Date.now() - token.lastUsedAt.getTime() > TOUCH_EVERY_MS)
    await db
      .update(apiTokens)
      .set({ lastUsedAt: sql`now()` })
      .where(eq(apiTokens.secretHash, secretHash));
  const operator = await findOperator(db, token.operatorId);
  return operator && !operator.disabled ? { operator, scopes: token.scopes } : undefined;
}

export async function insertSession(db: Db, idHash: string, operatorId: string, address: string) {
  await db.insert(staffSessions).values({ idHash, operatorId, address });
}

/**
 * The session's holder if it is within both timeouts, touching it (idle timeout counts from the
 * last request, as of the last touch); an expired session is deleted. The account must be enabled.
 */
export async function useSession(
  db: Db,
  idHash: string,
  timeouts: { idleMs: number; absoluteMs: number },
): Promise<OperatorIdentity | undefined> {
  const idle = `${Math.round(timeouts.idleMs)} milliseconds`;
  const absolute = `${Math.round(timeouts.absoluteMs)} milliseconds`;
  const [session] = await db
    .select({ operatorId: staffSessions.operatorId, lastSeenAt: staffSessions.lastSeenAt })
    .from(staffSessions)
    .where(
      and(
        eq(staffSessions.idHash, idHash),
        gt(staffSessions.lastSeenAt, sql`now() - ${idle}::interval`),
        gt(staffSessions.createdAt, sql`now() - ${absolute}::interval`),
      ),
    );
  if (!session) {
    await db.delete(staffSessions).where(eq(staffSessions.idHash, idHash));
    return undefined;
  }
  // Touched at most every minute (a tenth of a short idle timeout): the idle timeout may end that much early.
  if (Date.now() - session.lastSeenAt.getTime() > Math.min(TOUCH_EVERY_MS, timeouts.idleMs / 10))
    await db
      .update(staffSessions)
      .set({ lastSeenAt: sql`now()` })
      .where(eq(staffSessions.idHash, idHash));
  const operator = await findOperator(db, session.operatorId);
  return operator && !operator.disabled ? operator : undefined;
}

export async function deleteSession(db: Db, idHash: string) {
  await db.delete(staffSessions).where(eq(staffSessions.idHash, idHash));
}

/** Every session of an account, or every one but `keepIdHash` (the one a password was just changed from). */
export async function deleteSessionsOf(db: Db, operatorId: string, keepIdHash?: string): Promise<number> {
  const rows = await db
    .delete(staffSessions)
    .where(
      keepIdHash === undefined
        ? eq(staffSessions.operatorId, operatorId)
        : and(eq(staffSessions.operatorId, operatorId), ne(staffSessions.idHash, keepIdHash)),
    )
    .returning({ idHash: staffSessions.idHash });
  return rows.length;
}

/**
 * Counts one sign-in attempt under each key and returns the highest count in the current window:
 * one upsert per key, atomic across processes (the row lock of `on conflict do update`).
 */
export async function countFailure(db: Db, keys: string[], windowMs: number): Promise<number> {
  let highest = 0;
  for (const key of keys) {
    const [row] = await db
      .insert(signInFailures)
      .values({ key, windowStart: sql`now()` as unknown as Date, failures: 1 })
      .onConflictDoUpdate({
        target: signInFailures.key,
        set: {
          failures: sql`case when ${signInFailures.windowStart} > now() - ${`${windowMs} milliseconds`}::interval
            then ${signInFailures.failures} + 1 else 1 end`,
          windowStart: sql`case when ${signInFailures.windowStart} > now() - ${`${windowMs} milliseconds`}::interval
            then ${signInFailures.windowStart} else now() end`,
        },
      })
      .returning({ failures: signInFailures.failures });
    highest = Math.max(highest, row!.failures);
  }
  return highest;
}

/**
 * Counts one request of an address to the public routes that write and returns its count in the
 * current window and how long that window has left: one upsert, atomic across processes.
 */
export async function countPublicWrite(
  db: Db,
  address: string,
  windowMs: number,
): Promise<{ requests: number; windowLeftMs: number }> {
  const window = sql`${`${windowMs} milliseconds`}::interval`;
  const [row] = await db
    .insert(publicWriteCounts)
    .values({ address, windowStart: sql`now()` as unknown as Date, requests: 1 })
    .onConflictDoUpdate({
      target: publicWriteCounts.address,
      set: {
        requests: sql`case when ${publicWriteCounts.windowStart} > now() - ${window}
          then ${publicWriteCounts.requests} + 1 else 1 end`,
        windowStart: sql`case when ${publicWriteCounts.windowStart} > now() - ${window}
          then ${publicWriteCounts.windowStart} else now() end`,
      },
    })
    // now() is each transaction's start: a window another request opened a moment after this one
    // began, committed first, would seem to start in the future, so what is left is capped at the window.
    .returning({
      requests: publicWriteCounts.requests,
      windowLeftMs: sql<number>`least(${windowMs}, greatest(0, extract(epoch from ${publicWriteCounts.windowStart} + ${window} - now()) * 1000))::float8`,
    });
  return { requests: row!.requests, windowLeftMs: Math.ceil(row!.windowLeftMs) };
}

/** The counts of windows that have ended: nothing reads them again. */
export async function forgetPublicWrites(db: Db, windowMs: number): Promise<number> {
  const rows = await db
    .delete(publicWriteCounts)
    .where(sql`${publicWriteCounts.windowStart} <= now() - ${`${windowMs} milliseconds`}::interval`)
    .returning({ address: publicWriteCounts.address });
  return rows.length;
}

/** One counted attempt taken back (a sign-in that succeeded). */
export async function forgiveFailure(db: Db, key: string) {
  await db
    .update(signInFailures)
    .set({ failures: sql`greatest(${signInFailures.failures} - 1, 0)` })
    .where(eq(signInFailures.key, key));
}

export async function clearFailures(db: Db, key: string) {
  await db.delete(signInFailures).where(eq(signInFailures.key, key));
}

export async function hasAdministrator(db: Db): Promise<boolean> {
  const [row] = await db
    .select({ id: operators.id })
    .from(operators)
    .where(eq(operators.role, 'administrator'))
    .limit(1);
  return row !== undefined;
}

/** False when the login is taken. */
export async function insertAdministrator(db: Db, login: string, passwordHash: string): Promise<boolean> {
  const inserted = await db
    .insert(operators)
    .values({ id: login, name: 'Administrator', role: 'administrator', passwordHash })
    .onConflictDoNothing()
    .returning({ id: operators.id });
  return inserted.length > 0;
}
