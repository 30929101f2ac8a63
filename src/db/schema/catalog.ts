import { boolean, jsonb, numeric, pgTable, serial, smallint, text } from 'drizzle-orm/pg-core';
import { timestamps } from './columns';

/** The service catalog (каталог сервисов): what the desk does, for how much, in how many norm hours. */
export const catalogServices = pgTable('catalog_services', {
  id: serial('id').primaryKey(),
  code: text('code').notNull().unique(),
  nameRu: text('name_ru').notNull(),
  nameEn: text('name_en').notNull(),
  category: text('category').notNull(),
  price: numeric('price', { precision: 12, scale: 2 }).notNull(),
  normHours: numeric('norm_hours', { precision: 7, scale: 2 }).notNull(),
  supportLine: smallint('support_line').notNull().default(1),
  /** The skill an operator needs for it, e.g. `soldering`; null when anyone on the line can. */
  requiredCompetence: text('required_competence'),
  /** Steps the operator ticks off while executing. */
  checklist: jsonb('checklist').$type<string[]>().notNull().default([]),
  /** Deactivated services stay for old tickets but are no longer chosen for new ones. */
  active: boolean('active').notNull().default(true),
  /** Word stems (ru/en) that point a ticket of this category to this service. */
  keywords: text('keywords').array().notNull().default([]),
  /** The service a ticket of this category gets when no keyword points elsewhere. */
  isCategoryDefault: boolean('is_category_default').notNull().default(false),
  ...timestamps,
});
