import { boolean, integer, jsonb, numeric, pgTable, serial, smallint, text, uniqueIndex } from 'drizzle-orm/pg-core';
import type { CalendarException, IsoWeekday, WorkingInterval } from '../../domain/calendar';
import { catalogServices } from './catalog';
import { timestamps } from './columns';

/** A team's working time: hours per weekday (split shifts allowed), zone, holidays, exceptions. */
export const businessCalendars = pgTable('business_calendars', {
  id: serial('id').primaryKey(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  timeZone: text('time_zone').notNull(),
  week: jsonb('week').$type<Partial<Record<IsoWeekday, WorkingInterval[]>>>().notNull(),
  /** Country whose public holidays (date-holidays) are days off, e.g. RU; null for none. */
  holidayCountry: text('holiday_country'),
  /** Extra days off (local dates) on top of the country's holidays. */
  extraHolidays: text('extra_holidays').array().notNull().default([]),
  exceptions: jsonb('exceptions').$type<CalendarException[]>().notNull().default([]),
  ...timestamps,
});

/** One escalation step after a breach: its delay (business seconds after the breach) and who hears of it. */
export interface EscalationLevel {
  afterSeconds: number;
  recipients: string[];
}

/**
 * SLA with the client, per catalog service × client category: time to first response
 * (accept) and to resolution, in business seconds on the calendar (the servicing team's
 * unless the agreement names one), a warning share and up to three escalation levels.
 */
export const slaAgreements = pgTable(
  'sla_agreements',
  {
    id: serial('id').primaryKey(),
    serviceId: integer('service_id')
      .notNull()
      .references(() => catalogServices.id),
    clientCategory: text('client_category').notNull(),
    responseSeconds: integer('response_seconds').notNull(),
    resolutionSeconds: integer('resolution_seconds').notNull(),
    warningShare: numeric('warning_share', { precision: 3, scale: 2 }).notNull().default('0.80'),
    calendarId: integer('calendar_id').references(() => businessCalendars.id),
    escalation: jsonb('escalation').$type<EscalationLevel[]>().notNull().default([]),
    ...timestamps,
  },
  (t) => [uniqueIndex('sla_agreements_service_category_key').on(t.serviceId, t.clientCategory)],
);

/** OLA inside the company, per support line: how long the line has to take a ticket handed over to it. */
export const olaAgreements = pgTable('ola_agreements', {
  supportLine: smallint('support_line').primaryKey(),
  handoverSeconds: integer('handover_seconds').notNull(),
  /** Who hears when the line does not take the ticket in time. */
  recipients: text('recipients').array().notNull().default([]),
  ...timestamps,
});

/** The managed list of reasons a ticket was resolved after its deadline. */
export const overdueReasons = pgTable('overdue_reasons', {
  code: text('code').primaryKey(),
  nameRu: text('name_ru').notNull(),
  nameEn: text('name_en').notNull(),
  active: boolean('active').notNull().default(true),
  ...timestamps,
});
