import { and, eq, lt, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { operators, ssoLogins, staffIdentities } from '../db/schema';

type Db = Pick<Database, 'select' | 'insert' | 'delete'>;

/** An OpenID Connect sign-in under way, until the provider sends the person back. */
export interface PendingSsoLogin {
  nonce: string;
  codeVerifier: string;
  next: string;
  createdAt: Date;
}

export async function insertSsoLogin(db: Db, stateHash: string, login: Omit<PendingSsoLogin, 'createdAt'>) {
  await db.insert(ssoLogins).values({ stateHash, ...login });
}

/** The sign-in with this state, deleted as it is read: a state is good for one callback. */
export async function takeSsoLogin(db: Db, stateHash: string): Promise<PendingSsoLogin | undefined> {
  const [row] = await db.delete(ssoLogins).where(eq(ssoLogins.stateHash, stateHash)).returning({
    nonce: ssoLogins.nonce,
    codeVerifier: ssoLogins.codeVerifier,
    next: ssoLogins.next,
    createdAt: ssoLogins.createdAt,
  });
  return row;
}

/** Sign-ins started longer ago than `maxAgeMs` that never came back. */
export async function sweepSsoLogins(db: Db, maxAgeMs: number) {
  await db.delete(ssoLogins).where(lt(ssoLogins.createdAt, sql`now() - ${`${maxAgeMs} milliseconds`}::interval`));
}

export async function linkedOperator(db: Db, issuer: string, subject: string): Promise<string | undefined> {
  const [row] = await db
    .select({ operatorId: staffIdentities.operatorId })
    .from(staffIdentities)
    .where(and(eq(staffIdentities.issuer, issuer), eq(staffIdentities.subject, subject)));
  return row?.operatorId;
}

/** Whether the account is linked to some subject at this issuer already. */
export async function isLinkedAt(db: Db, issuer: string, operatorId: string): Promise<boolean> {
  const [row] = await db
    .select({ subject: staffIdentities.subject })
    .from(staffIdentities)
    .where(and(eq(staffIdentities.issuer, issuer), eq(staffIdentities.operatorId, operatorId)));
  return row !== undefined;
}

/** False when the subject or the account was linked meanwhile (another sign-in at the same moment). */
export async function insertLink(
  db: Db,
  link: { issuer: string; subject: string; operatorId: string; email: string },
): Promise<boolean> {
  const inserted = await db
    .insert(staffIdentities)
    .values(link)
    .onConflictDoNothing()
    .returning({ subject: staffIdentities.subject });
  return inserted.length > 0;
}

/** The logins of the staff accounts with this e-mail (compared without case), disabled ones too. */
export async function accountsWithEmail(db: Db, email: string): Promise<{ id: string; disabled: boolean }[]> {
  const rows = await db
    .select({ id: operators.id, disabledAt: operators.disabledAt })
    .from(operators)
    .where(eq(sql`lower(${operators.email})`, email.toLowerCase()));
  return rows.map((row) => ({ id: row.id, disabled: row.disabledAt !== null }));
}
