import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  serial,
  text,
  timestamp,
  uniqueIndex,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import { timestamps } from './columns';
import type { ClientCategory, ClientKind, ConsentKind, NoticeChannel, NotificationChannel } from '../../domain/enums';
import type { ContactKind } from '../../domain/contacts';

export {
  clientCategories,
  clientKinds,
  consentKinds,
  notificationChannels,
  type ClientCategory,
  type ClientKind,
  type ConsentKind,
  type NotificationChannel,
} from '../../domain/enums';

/**
 * A client: a person or a company. `phone` and `email` are the primary contacts — the ones intake
 * finds the client by first and notices go to (the address on file); more contacts of each kind
 * are in client_contacts. A client merged into another is kept as a tombstone: `merged_into`
 * names the survivor, its contacts are gone to it and nothing refers to it any more.
 */
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
    kind: text('kind').$type<ClientKind>().notNull().default('person'),
    /** A company's details for invoices (src/domain/client-legal.ts checks them). */
    legalName: text('legal_name'),
    inn: text('inn'),
    kpp: text('kpp'),
    ogrn: text('ogrn'),
    legalAddress: text('legal_address'),
    bankName: text('bank_name'),
    bankBik: text('bank_bik'),
    bankAccount: text('bank_account'),
    bankCorrAccount: text('bank_corr_account'),
    note: text('note'),
    /** Moves with every change of the profile: a change made against an older version is refused (409). */
    version: integer('version').notNull().default(1),
    mergedInto: integer('merged_into').references((): AnyPgColumn => clients.id),
    mergedAt: timestamp('merged_at', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('clients_phone_key').on(t.phone),
    uniqueIndex('clients_email_key').on(t.email),
    index('clients_inn_idx').on(t.inn),
    index('clients_name_trgm_idx').using('gin', sql`${t.name} gin_trgm_ops`),
  ],
);

/**
 * A client's further contacts of each kind (phones in E.164, e-mails lower-cased, Telegram
 * usernames `@name`). A value belongs to one client: unique per kind here, and never another
 * client's primary phone or e-mail (checked by the client service under an advisory lock on the value).
 */
export const clientContacts = pgTable(
  'client_contacts',
  {
    id: serial('id').primaryKey(),
    clientId: integer('client_id')
      .notNull()
      .references(() => clients.id),
    kind: text('kind').$type<ContactKind>().notNull(),
    value: text('value').notNull(),
    label: text('label'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('client_contacts_kind_value_key').on(t.kind, t.value),
    index('client_contacts_client_idx').on(t.clientId),
  ],
);

/** Devices a client brings or owns: model, serial number, IMEI (Luhn-checked). */
export const clientDevices = pgTable(
  'client_devices',
  {
    id: serial('id').primaryKey(),
    clientId: integer('client_id')
      .notNull()
      .references(() => clients.id),
    model: text('model').notNull(),
    serial: text('serial'),
    imei: text('imei'),
    note: text('note'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('client_devices_client_idx').on(t.clientId), index('client_devices_imei_idx').on(t.imei)],
);

/**
 * Consent to notifications and to marketing, as a history: each row is a consent given or
 * withdrawn on a date, on every channel or on one; the client's consent on a channel now is the
 * latest row of its kind that names that channel or none (src/domain/notice-consent.ts).
 */
export const clientConsents = pgTable(
  'client_consents',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    clientId: integer('client_id')
      .notNull()
      .references(() => clients.id),
    kind: text('kind').$type<ConsentKind>().notNull(),
    granted: boolean('granted').notNull(),
    /** The one channel it is given or withdrawn on (migration 0026); null: every channel. */
    channel: text('channel').$type<NoticeChannel>(),
    /** When the client gave or withdrew it (as they said, or when it was recorded). */
    at: timestamp('at', { withTimezone: true }).notNull(),
    /** How it was given: a signed form, a call, the website… */
    source: text('source'),
    recordedBy: text('recorded_by'),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('client_consents_client_idx').on(t.clientId, t.kind, t.at)],
);

/**
 * Every change to a client profile (created, edited, contact added or removed, device, consent,
 * merged): who, what, when, from where; for an edit each field's old and new value. Appended
 * only, the actor kept as a login (like staff_audit_log).
 */
export const clientAuditLog = pgTable(
  'client_audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actorId: text('actor_id'),
    action: text('action').notNull(),
    clientId: integer('client_id').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    address: text('address'),
  },
  (t) => [index('client_audit_log_client_idx').on(t.clientId, t.id)],
);
