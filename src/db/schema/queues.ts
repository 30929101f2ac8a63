import { boolean, integer, pgTable, serial, smallint, text } from 'drizzle-orm/pg-core';
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
