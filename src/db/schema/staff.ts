import { integer, pgTable, primaryKey, serial, smallint, text, timestamp } from 'drizzle-orm/pg-core';
import { timestamps } from './columns';
import type { OperatorRole } from '../../domain/enums';

export const operatorGroups = pgTable('operator_groups', {
  id: serial('id').primaryKey(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  /** The team's business calendar (business_calendars.id); the desk's default calendar when null. */
  calendarId: integer('calendar_id'),
});

export { operatorRoles, type OperatorRole } from '../../domain/enums';

export const operators = pgTable('operators', {
  /** A login such as `ivanova`: what a member of staff signs in with. */
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  email: text('email'),
  role: text('role').$type<OperatorRole>().notNull().default('operator'),
  supportLine: smallint('support_line').notNull().default(1),
  /** Tickets in work (and offered) at once; at the limit `next` offers nothing. */
  ticketLimit: integer('ticket_limit').notNull().default(5),
  competences: text('competences').array().notNull().default([]),
  /** argon2id PHC string; null: the account cannot sign in with a password (tokens only). */
  passwordHash: text('password_hash'),
  /** A disabled account's sessions and tokens stop working at once. */
  disabledAt: timestamp('disabled_at', { withTimezone: true }),
  ...timestamps,
});

export const operatorGroupMembers = pgTable(
  'operator_group_members',
  {
    operatorId: text('operator_id')
      .notNull()
      .references(() => operators.id),
    groupId: integer('group_id')
      .notNull()
      .references(() => operatorGroups.id),
  },
  (t) => [primaryKey({ columns: [t.operatorId, t.groupId] })],
);
