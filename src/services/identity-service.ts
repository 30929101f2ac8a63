import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Database } from '../db/client';
import { hasCapability, mayManageTokensOf, type Actor } from '../domain/access';
import type { TokenScope } from '../domain/enums';
import type { SignInMethod } from '../domain/sign-on';
import { recordAudit } from '../repositories/audit-log';
import * as identity from '../repositories/identity';
import { findOperator, type OperatorIdentity } from '../repositories/staff';
import { DeskError } from './errors';

export type { OperatorIdentity } from '../repositories/staff';

/**
 * OWASP's argon2id parameters (Password Storage Cheat Sheet): 19 MiB, 2 passes, 1 lane.
 * `@node-rs/argon2` hashes with argon2id by default; its `Algorithm` is a const enum that a
 * type-stripping build cannot read, so it is left to that default (test/identity.test.ts checks
 * the stored hash says `$argon2id$`).
 */
export const passwordParameters = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
const parameterText = `m=${passwordParameters.memoryCost},t=${passwordParameters.timeCost},p=${passwordParameters.parallelism}`;

export const TOKEN_PREFIX = 'sd_';
const SHOWN_CHARS = 4;

export interface IdentityOptions {
  /** A session ends after this long without a request, and this long after sign-in whatever happens. */
  sessionIdleMs: number;
  sessionAbsoluteMs: number;
  /** Failed sign-ins allowed per account and per address within the window before sign-in is refused. */
  signInLimit: number;
  signInWindowMs: number;
}

export const defaultIdentityOptions: IdentityOptions = {
  sessionIdleMs: 30 * 60_000,
  sessionAbsoluteMs: 12 * 3_600_000,
  signInLimit: 10,
  signInWindowMs: 15 * 60_000,
};

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export const hashPassword = (password: string) => hash(password, passwordParameters);

/** A hash made with other parameters (or another algorithm) is made again at the next sign-in. */
export const needsRehash = (stored: string) => !stored.startsWith(`$argon2id$v=19$${parameterText}$`);

/** Verified against when the account does not exist, so a wrong login costs as long as a wrong password. */
let decoyHash: Promise<string> | undefined;

/** Where a change came from, for the audit log: the caller's address. */
export interface From {
  address: string | null;
}
const noAddress: From = { address: null };

/**
 * What a password may not be beyond its length (12 to 1,024, the request schemas'): the login
 * in it, or the password it replaces.
 */
function refuseWeakPassword(login: string, password: string, field: string, current?: string) {
  if (password.toLowerCase().includes(login.toLowerCase()))
    throw new DeskError('VALIDATION', `${field}: a password may not contain the login`);
  if (current !== undefined && password === current)
    throw new DeskError('VALIDATION', `${field}: the new password is the current one`);
}

/** Who is asking: staff sign in with a password (a session) or show an API token. */
export function createIdentityService({
  db,
  options = defaultIdentityOptions,
}: {
  db: Database;
  options?: IdentityOptions;
}) {
  const timeouts = { idleMs: options.sessionIdleMs, absoluteMs: options.sessionAbsoluteMs };
  let lastPublicSweep = 0;

  /** A failed sign-in in the audit log, by any method; never the password. */
  const recordFailedSignIn = (target: string, reason: string, method: SignInMethod, address: string) =>
    recordAudit(db, { actorId: null, action: 'sign_in_failed', target, details: { reason, method }, address });

  /**
   * Counts an attempt under each key (`account:…`, `address:…`) before the password is checked
   * (one upsert per key), so concurrent attempts cannot all slip under the limit.
   */
  async function countAttempt(keys: string[], target: string, method: SignInMethod, address: string) {
    if ((await identity.countFailure(db, keys, options.signInWindowMs)) > options.signInLimit) {
      await recordFailedSignIn(target, 'too many failed sign-ins', method, address);
      throw new DeskError('TOO_MANY_SIGN_INS', 'too many failed sign-ins for this account or address; try again later');
    }
  }

  /** A successful sign-in was no failure: the account starts afresh and the address gets its attempt back. */
  async function forgiveAttempt([account, address]: string[]) {
    await identity.clearFailures(db, account!);
    await identity.forgiveFailure(db, address!);
  }

  /**
   * A new session for a person, whoever vouched for them (the desk's password, an OpenID provider,
   * the directory): a new id at every sign-in, so a session id planted before (fixation) is never
   * promoted. The sign-in is in the audit log with its method.
   */
  async function startSession(
    operatorId: string,
    address: string,
    method: SignInMethod,
    details: Record<string, unknown> = {},
  ) {
    const sessionId = randomBytes(32).toString('base64url');
    await identity.insertSession(db, sha256(sessionId), operatorId, address);
    await recordAudit(db, {
      actorId: operatorId,
      action: 'signed_in',
      target: operatorId,
      details: { method, ...details },
      address,
    });
    return { sessionId, operator: (await findOperator(db, operatorId))! };
  }

  async function signIn(login: string, password: string, address: string) {
    const keys = [`account:${login.toLowerCase()}`, `address:${address}`];
    await countAttempt(keys, login, 'password', address);
    const account = await identity.accountForSignIn(db, login);
    const stored = account?.passwordHash ?? (await (decoyHash ??= hashPassword(randomBytes(16).toString('hex'))));
    const matches = await verify(stored, password);
    if (!account || !account.passwordHash || !matches || account.disabledAt) {
      const reason = !account ? 'no such login' : account.disabledAt ? 'account disabled' : 'wrong password';
      await recordFailedSignIn(login, reason, 'password', address);
      throw new DeskError('BAD_CREDENTIALS', 'the login or the password is wrong (or the account is disabled)');
    }
    await forgiveAttempt(keys);
    if (needsRehash(account.passwordHash)) await identity.setPasswordHash(db, account.id, await hashPassword(password));
    return startSession(account.id, address, 'password');
  }

  /** A new token for a member of staff; the caller has decided they may have it. */
  async function issueStaffToken(ownerId: string, name: string, scopes: TokenScope[], expiresAt: Date | null = null) {
    if (!(await findOperator(db, ownerId))) throw new DeskError('NOT_FOUND', `no member of staff ${ownerId}`);
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const row = await identity.insertToken(db, {
      operatorId: ownerId,
      name,
      secretHash: sha256(token),
      lastChars: token.slice(-SHOWN_CHARS),
      scopes: [...new Set(scopes)],
      expiresAt,
    });
    return { ...row, token };
  }

  async function issueToken(
    actor: Actor,
    request: { operatorId?: string; name: string; scopes: TokenScope[]; expiresAt?: string },
    from: From = noAddress,
  ) {
    const ownerId = request.operatorId ?? actor.id;
    if (!mayManageTokensOf(actor, ownerId))
      throw new DeskError('NOT_PERMITTED', `${actor.id} may not create tokens for ${ownerId}`);
    const expiresAt = request.expiresAt ? new Date(request.expiresAt) : null;
    if (expiresAt && expiresAt.getTime() <= Date.now())
      throw new DeskError('VALIDATION', 'body.expiresAt must be in the future');
    const issued = await issueStaffToken(ownerId, request.name, request.scopes, expiresAt);
    await recordAudit(db, {
      actorId: actor.id,
      action: 'token_issued',
      target: `token:${issued.id}`,
      details: { owner: ownerId, name: issued.name, scopes: issued.scopes, expiresAt: issued.expiresAt },
      address: from.address,
    });
    return issued;
  }

  async function tokenOwnedBy(actor: Actor, tokenId: number) {
    const token = await identity.findToken(db, tokenId);
    // Someone else's token is "not found" unless the caller manages staff: ids do not tell what exists.
    if (!token || !mayManageTokensOf(actor, token.operatorId))
      throw new DeskError('NOT_FOUND', `no token ${tokenId} of yours`);
    return token;
  }

  return {
    signIn,
    startSession,
    countAttempt,
    forgiveAttempt,
    recordFailedSignIn,
    issueToken,
    issueStaffToken,

    async listTokens(actor: Actor, operatorId = actor.id) {
      if (!mayManageTokensOf(actor, operatorId))
        throw new DeskError('NOT_PERMITTED', `${actor.id} may not list the tokens of ${operatorId}`);
      return identity.listTokens(db, operatorId);
    },

    async revokeToken(actor: Actor, tokenId: number, from: From = noAddress) {
      const token = await tokenOwnedBy(actor, tokenId);
      const revoked = (await identity.revokeToken(db, tokenId))!;
      if (!token.revokedAt)
        await recordAudit(db, {
          actorId: actor.id,
          action: 'token_revoked',
          target: `token:${tokenId}`,
          details: { owner: token.operatorId, name: token.name },
          address: from.address,
        });
      return revoked;
    },

    /** The holder of a bearer token and its scopes, or undefined for a wrong, expired or revoked token. */
    async fromToken(token: string) {
      if (!token.startsWith(TOKEN_PREFIX)) return undefined;
      return identity.useToken(db, sha256(token));
    },

    /** The holder of a live session, or undefined once it timed out, was signed out or the account disabled. */
    async fromSession(sessionId: string): Promise<OperatorIdentity | undefined> {
      return identity.useSession(db, sha256(sessionId), timeouts);
    },

    /** Behind a trusted authenticating proxy: the login it names, if that account exists and is enabled. */
    async fromTrustedLogin(login: string): Promise<OperatorIdentity | undefined> {
      const operator = await findOperator(db, login);
      return operator && !operator.disabled ? operator : undefined;
    },

    signOut: (sessionId: string) => identity.deleteSession(db, sha256(sessionId)),
    signOutEverywhere: (operatorId: string) => identity.deleteSessionsOf(db, operatorId),

    async setEnabled(actor: Actor, operatorId: string, enabled: boolean, from: From = noAddress) {
      if (!hasCapability(actor, 'manage_staff'))
        throw new DeskError('NOT_PERMITTED', `${actor.id} may not manage staff`);
      if (!(await findOperator(db, operatorId))) throw new DeskError('NOT_FOUND', `no member of staff ${operatorId}`);
      if (operatorId === actor.id && !enabled)
        throw new DeskError('VALIDATION', 'you may not disable your own account');
      // The change and its audit row together, as every audited change is.
      await db.transaction(async (tx) => {
        await identity.setDisabled(tx, operatorId, !enabled);
        await recordAudit(tx, {
          actorId: actor.id,
          action: enabled ? 'account_enabled' : 'account_disabled',
          target: operatorId,
          address: from.address,
        });
      });
      return { operatorId, enabled };
    },

    /**
     * A member of staff changes their own password, from the session they are signed in with:
     * the current password first (a wrong one counts as a failed sign-in, so this form is no
     * way around the limit); every other session of the account ends, this one stays.
     */
    async changePassword(
      actor: Actor,
      change: { currentPassword: string; newPassword: string },
      sessionId: string,
      address: string,
    ) {
      const keys = [`account:${actor.id.toLowerCase()}`, `address:${address}`];
      await countAttempt(keys, actor.id, 'password', address);
      const account = await identity.accountForSignIn(db, actor.id);
      if (!account?.passwordHash)
        throw new DeskError(
          'VALIDATION',
          'body.currentPassword: this account has no desk password (it signs in through single sign-on or a proxy)',
        );
      if (!(await verify(account.passwordHash, change.currentPassword))) {
        await recordFailedSignIn(actor.id, 'wrong password (password change)', 'password', address);
        throw new DeskError('VALIDATION', 'body.currentPassword: this is not the account’s password');
      }
      await forgiveAttempt(keys);
      refuseWeakPassword(actor.id, change.newPassword, 'body.newPassword', change.currentPassword);
      const passwordHash = await hashPassword(change.newPassword);
      return db.transaction(async (tx) => {
        await identity.setPasswordHash(tx, actor.id, passwordHash);
        const otherSessionsEnded = await identity.deleteSessionsOf(tx, actor.id, sha256(sessionId));
        await recordAudit(tx, {
          actorId: actor.id,
          action: 'password_changed',
          target: actor.id,
          details: { otherSessionsEnded },
          address,
        });
        return { operatorId: actor.id, otherSessionsEnded };
      });
    },

    /**
     * An administrator sets a member of staff's password (one they forgot, or a first one): the
     * one given, or a generated one answered once. Every session of the account ends.
     */
    async resetPassword(actor: Actor, operatorId: string, password: string | undefined, from: From = noAddress) {
      if (!hasCapability(actor, 'manage_staff'))
        throw new DeskError('NOT_PERMITTED', `${actor.id} may not manage staff`);
      if (!(await findOperator(db, operatorId))) throw new DeskError('NOT_FOUND', `no member of staff ${operatorId}`);
      if (password !== undefined) refuseWeakPassword(operatorId, password, 'body.password');
      const generated = password === undefined ? randomBytes(18).toString('base64url') : undefined;
      const passwordHash = await hashPassword(password ?? generated!);
      const sessionsEnded = await db.transaction(async (tx) => {
        await identity.setPasswordHash(tx, operatorId, passwordHash);
        const ended = await identity.deleteSessionsOf(tx, operatorId);
        await recordAudit(tx, {
          actorId: actor.id,
          action: 'password_reset',
          target: operatorId,
          details: { generated: generated !== undefined, sessionsEnded: ended },
          address: from.address,
        });
        return ended;
      });
      return { operatorId, sessionsEnded, ...(generated ? { password: generated } : {}) };
    },

    /**
     * One request of an address to the public routes that write, counted in the database every API
     * process shares (PUBLIC_RATE_LIMIT); the windows that have ended are swept at most once a window.
     */
    async countPublicWrite(address: string, windowMs: number) {
      const now = Date.now();
      if (now - lastPublicSweep >= windowMs) {
        lastPublicSweep = now;
        await identity.forgetPublicWrites(db, windowMs);
      }
      return identity.countPublicWrite(db, address, windowMs);
    },

    /**
     * The first start has no way in: create the administrator `admin` with a generated password,
     * returned once to be printed. Nothing when an administrator exists.
     */
    async ensureAdministrator(): Promise<{ login: string; password: string } | undefined> {
      if (await identity.hasAdministrator(db)) return undefined;
      const password = randomBytes(18).toString('base64url');
      const created = await identity.insertAdministrator(db, 'admin', await hashPassword(password));
      return created ? { login: 'admin', password } : undefined;
    },

    /** Demo staff without a password get the documented demo password (README), only when the demo seed runs. */
    async setDemoPasswords(logins: readonly string[], password: string) {
      const demoHash = await hashPassword(password);
      for (const login of logins) {
        const account = await identity.accountForSignIn(db, login);
        if (account && !account.passwordHash) await identity.setPasswordHash(db, login, demoHash);
      }
    },
  };
}

export type IdentityService = ReturnType<typeof createIdentityService>;
