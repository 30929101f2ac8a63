import {
  bigserial,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { TokenScope } from '../../domain/enums';
import { operators } from './staff';

/** API tokens: only the SHA-256 of the secret is kept, with its last characters to tell tokens apart. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    operatorId: text('operator_id')
      .notNull()
      .references(() => operators.id),
    name: text('name').notNull(),
    /** hex SHA-256 of the whole token (`sd_…`): a 32-byte random secret needs no slow hash. */
    secretHash: text('secret_hash').notNull().unique(),
    lastChars: text('last_chars').notNull(),
    scopes: text('scopes').array().$type<TokenScope[]>().notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('api_tokens_operator_idx').on(t.operatorId)],
);

/** Signed-in sessions of people: the cookie carries a random id, the row holds only its hash. */
export const staffSessions = pgTable(
  'staff_sessions',
  {
    idHash: text('id_hash').primaryKey(),
    operatorId: text('operator_id')
      .notNull()
      .references(() => operators.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    address: text('address'),
  },
  (t) => [index('staff_sessions_operator_idx').on(t.operatorId)],
);

/** Failed sign-ins counted per key (`account:<login>`, `address:<ip>`) in fixed windows, atomically. */
export const signInFailures = pgTable('sign_in_failures', {
  key: text('key').primaryKey(),
  windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
  failures: integer('failures').notNull(),
});

/**
 * Requests to the public routes that write (PUBLIC_RATE_LIMIT), counted per address in fixed
 * windows, atomically, in the one database every API process shares: a desk of three API
 * processes allows an address the limit, not three times it.
 */
export const publicWriteCounts = pgTable(
  'public_write_counts',
  {
    address: text('address').primaryKey(),
    windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
    requests: integer('requests').notNull(),
  },
  (t) => [index('public_write_counts_window_idx').on(t.windowStart)],
);

/**
 * Every change to who may do what (accounts, roles, groups, competences, limits, enabling,
 * tokens) and every failed sign-in: who did it, what, when and from which address. Appended
 * only; the actor is kept as a login, not a reference, so a record outlives the account.
 */
export const staffAuditLog = pgTable(
  'staff_audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    /** The member of staff who made the change; null for a failed sign-in (nobody is signed in). */
    actorId: text('actor_id'),
    action: text('action').notNull(),
    /** What was changed: a login, or `token:<id>`. */
    target: text('target').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    address: text('address'),
  },
  (t) => [index('staff_audit_log_target_idx').on(t.target, t.id)],
);

/**
 * A staff account's link to an OpenID Connect provider's subject (`sub`, stable at that
 * issuer): made at the first sign-in whose verified e-mail is the account's, used by subject
 * afterwards. One subject per account and issuer, so a new person given a reused address
 * is not linked to the account of the one who had it.
 */
export const staffIdentities = pgTable(
  'staff_identities',
  {
    issuer: text('issuer').notNull(),
    subject: text('subject').notNull(),
    operatorId: text('operator_id')
      .notNull()
      .references(() => operators.id),
    /** The verified e-mail the link was made on. */
    email: text('email').notNull(),
    linkedAt: timestamp('linked_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.issuer, t.subject] }),
    uniqueIndex('staff_identities_operator_issuer_idx').on(t.operatorId, t.issuer),
  ],
);

/**
 * OpenID Connect sign-ins under way: the state (its SHA-256; the browser holds it in a cookie
 * too), the nonce and the PKCE verifier, kept server-side until the provider sends the person
 * back. Taken (deleted) by the callback, so a state works once; stale ones are swept.
 */
export const ssoLogins = pgTable(
  'sso_logins',
  {
    stateHash: text('state_hash').primaryKey(),
    nonce: text('nonce').notNull(),
    codeVerifier: text('code_verifier').notNull(),
    /** The desk's page to return to (a path of the desk only). */
    next: text('next').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('sso_logins_created_idx').on(t.createdAt)],
);
