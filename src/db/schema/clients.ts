import { pgTable, serial, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { timestamps } from './columns';

export const clientCategories = ['wholesale', 'regular', 'one_time'] as const;
export type ClientCategory = (typeof clientCategories)[number];

export const notificationChannels = ['email', 'sms', 'telegram', 'phone'] as const;
export type NotificationChannel = (typeof notificationChannels)[number];

export const clients = pgTable(
  'clients',
  {
    id: serial('id').primaryKey(),
    name: text('name'),
    /** E.164, e.g. +79161234567 (see domain/contacts.ts). */
    phone: text('phone'),
    /** Lower-cased. */
    email: text('email'),
    category: text('category').$type<ClientCategory>().notNull().default('one_time'),
    preferredChannel: text('preferred_channel').$type<NotificationChannel>().notNull().default('email'),
    ...timestamps,
  },
  (t) => [uniqueIndex('clients_phone_key').on(t.phone), uniqueIndex('clients_email_key').on(t.email)],
);
