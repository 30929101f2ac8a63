import { sql } from 'drizzle-orm';
import { boolean, check, integer, pgTable, primaryKey, serial, smallint, text } from 'drizzle-orm/pg-core';
import type { QueueAccessLevel } from '../../domain/enums';
import { timestamps } from './columns';
import { operatorGroups } from './staff';

export const queues = pgTable('queues', {
  id: serial('id').primaryKey(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  groupId: integer('group_id')
    .notNull()
    .references(() => operatorGroups.id),
  /** Categories this queue takes; the fallback queue takes whatever no other queue does. */
  categories: text('categories').array().notNull().default([]),
  isFallback: boolean('is_fallback').notNull().default(false),
  /** The rest of the queue's filter; an empty list takes any value. */
  priorities: text('priorities').array().notNull().default([]),
  clientCategories: text('client_categories').array().notNull().default([]),
  channels: text('channels').array().notNull().default([]),
  supportLines: integer('support_lines').array().notNull().default([]),
  regions: text('regions').array().notNull().default([]),
  /** Queues are tried in this order; the first whose filter takes the ticket gets it. */
  position: integer('position').notNull().default(100),
  /** Assign each new ticket at once to the least-loaded competent operator of the group, instead of waiting for `next`. */
  autoAssign: boolean('auto_assign').notNull().default(false),
  /** The support line working this queue (1, 2, 3): escalation moves a ticket to the next line's queue. */
  supportLine: smallint('support_line').notNull().default(1),
  ...timestamps,
});

/**
 * Who may do what on a queue: a level (src/domain/enums.ts queueAccessLevels) per operator group ×
 * queue, as Znuny's group permissions and Zammad's group access are granted to groups, not to
 * each account; a member of staff holds on a queue the highest level of their groups. Triggers
 * (migration 0024) give a new queue what it would have had before grants existed: `act` to its
 * own group, `overview` to every other group; and a new group `overview` on every queue.
 */
export const queueAccess = pgTable(
  'queue_access',
  {
    groupId: integer('group_id')
      .notNull()
      .references(() => operatorGroups.id, { onDelete: 'cascade' }),
    queueId: integer('queue_id')
      .notNull()
      .references(() => queues.id, { onDelete: 'cascade' }),
    level: text('level').$type<QueueAccessLevel>().notNull(),
    ...timestamps,
  },
  (t) => [
    primaryKey({ columns: [t.groupId, t.queueId] }),
    check('queue_access_level', sql`${t.level} in ('overview', 'take', 'act', 'manage')`),
  ],
);
