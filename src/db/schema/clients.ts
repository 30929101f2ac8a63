import { pgTable, serial, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { timestamps } from './columns';
import type { ClientCategory, NotificationChannel } from '../../domain/enums';

export {
  clientCategories,
  notificationChannels,
  type ClientCategory,
  type NotificationChannel,
} from '../../domain/enums';

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
