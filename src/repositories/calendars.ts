import { eq } from 'drizzle-orm';
import type { Database } from '../db/client';
import { businessCalendars, operatorGroups, queues, slaAgreements, tickets } from '../db/schema';
import type { BusinessCalendar } from '../domain/calendar';
import { holidaysAround, transfersAround, withDayTransfers } from '../domain/holidays';

type Executor = Pick<Database, 'select'>;

/** The calendar a team works by when its group names none. */
export const DEFAULT_CALENDAR_CODE = 'ru-office';

type CalendarRow = typeof businessCalendars.$inferSelect;

/** A stored calendar as the arithmetic wants it, with the country's holidays and transfers of days off for the years around `at`. */
export function toBusinessCalendar(row: CalendarRow, at: Date): BusinessCalendar {
  const holidays = holidaysAround(row.holidayCountry, at);
  for (const day of row.extraHolidays) holidays.add(day);
  return withDayTransfers(
    { timeZone: row.timeZone, week: row.week, holidays, exceptions: row.exceptions },
    transfersAround(row.holidayCountry, at),
    row.extraHolidays,
  );
}

async function calendarRow(db: Executor, id: number | null): Promise<CalendarRow> {
  const [row] =
    id === null
      ? await db.select().from(businessCalendars).where(eq(businessCalendars.code, DEFAULT_CALENDAR_CODE))
      : await db.select().from(businessCalendars).where(eq(businessCalendars.id, id));
  if (!row)
    throw new Error(
      id === null ? `the default calendar "${DEFAULT_CALENDAR_CODE}" is missing` : `calendar ${id} is missing`,
    );
  return row;
}

/** The servicing team's calendar: the group of the ticket's queue, else the desk's default. */
export async function teamCalendarOfTicket(db: Executor, ticketId: number, at: Date): Promise<BusinessCalendar> {
  const [row] = await db
    .select({ calendarId: operatorGroups.calendarId })
    .from(tickets)
    .leftJoin(queues, eq(queues.id, tickets.queueId))
    .leftJoin(operatorGroups, eq(operatorGroups.id, queues.groupId))
    .where(eq(tickets.id, ticketId));
  return toBusinessCalendar(await calendarRow(db, row?.calendarId ?? null), at);
}

/** The calendar an agreement counts on: its own, else the servicing team's. */
export async function agreementCalendar(
  db: Executor,
  ticketId: number,
  agreementId: number | null,
  at: Date,
): Promise<BusinessCalendar> {
  if (agreementId !== null) {
    const [agreement] = await db
      .select({ calendarId: slaAgreements.calendarId })
      .from(slaAgreements)
      .where(eq(slaAgreements.id, agreementId));
    if (agreement?.calendarId != null) return toBusinessCalendar(await calendarRow(db, agreement.calendarId), at);
  }
  return teamCalendarOfTicket(db, ticketId, at);
}
