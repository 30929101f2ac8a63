import { bigserial, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
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
