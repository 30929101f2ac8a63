import { asc, eq } from 'drizzle-orm';
import type { Database } from '../db/client';
import { businessCalendars, catalogServices, olaAgreements, overdueReasons, slaAgreements } from '../db/schema';

/** The service catalog, business calendars and overdue reasons as managers keep them. */
export type CatalogServiceRow = typeof catalogServices.$inferSelect;
type NewCatalogService = typeof catalogServices.$inferInsert;
type CalendarValues = Omit<typeof businessCalendars.$inferInsert, 'id' | 'code' | 'updatedAt'>;
type AgreementValues = Omit<typeof slaAgreements.$inferInsert, 'id' | 'serviceId' | 'clientCategory' | 'updatedAt'>;
type OverdueReasonValues = Omit<typeof overdueReasons.$inferInsert, 'code' | 'updatedAt'>;

export const listCatalogServices = (db: Database) =>
  db.select().from(catalogServices).orderBy(asc(catalogServices.code));

export async function findCatalogService(db: Database, code: string) {
  const [row] = await db.select().from(catalogServices).where(eq(catalogServices.code, code));
  return row;
}

/** The new service, or undefined when its code is taken. */
export async function insertCatalogService(db: Database, values: NewCatalogService) {
  const [row] = await db.insert(catalogServices).values(values).onConflictDoNothing().returning();
  return row;
}

export async function updateCatalogService(db: Database, code: string, changes: Partial<NewCatalogService>) {
  const [row] = await db
    .update(catalogServices)
    .set({ ...changes, updatedAt: new Date() })
    .where(eq(catalogServices.code, code))
    .returning();
  return row;
}

export const listCalendars = (db: Database) => db.select().from(businessCalendars).orderBy(asc(businessCalendars.code));

export async function findCalendarId(db: Database, code: string) {
  const [row] = await db
    .select({ id: businessCalendars.id })
    .from(businessCalendars)
    .where(eq(businessCalendars.code, code));
  return row?.id;
}

export async function upsertCalendar(db: Database, code: string, values: CalendarValues) {
  const [row] = await db
    .insert(businessCalendars)
    .values({ code, ...values })
    .onConflictDoUpdate({ target: businessCalendars.code, set: { ...values, updatedAt: new Date() } })
    .returning();
  return row!;
}

export const listAgreements = (db: Database, serviceId: number) =>
  db
    .select()
    .from(slaAgreements)
    .where(eq(slaAgreements.serviceId, serviceId))
    .orderBy(asc(slaAgreements.clientCategory));

export async function upsertAgreement(
  db: Database,
  serviceId: number,
  clientCategory: string,
  values: AgreementValues,
) {
  const [row] = await db
    .insert(slaAgreements)
    .values({ serviceId, clientCategory, ...values })
    .onConflictDoUpdate({
      target: [slaAgreements.serviceId, slaAgreements.clientCategory],
      set: { ...values, updatedAt: new Date() },
    })
    .returning();
  return row!;
}

export const listOla = (db: Database) => db.select().from(olaAgreements).orderBy(asc(olaAgreements.supportLine));

export async function upsertOla(
  db: Database,
  supportLine: number,
  values: { handoverSeconds: number; recipients: string[] },
) {
  const [row] = await db
    .insert(olaAgreements)
    .values({ supportLine, ...values })
    .onConflictDoUpdate({ target: olaAgreements.supportLine, set: { ...values, updatedAt: new Date() } })
    .returning();
  return row!;
}

export const listOverdueReasons = (db: Database) => db.select().from(overdueReasons).orderBy(asc(overdueReasons.code));

export async function upsertOverdueReason(db: Database, code: string, values: OverdueReasonValues) {
  const [row] = await db
    .insert(overdueReasons)
    .values({ code, ...values })
    .onConflictDoUpdate({ target: overdueReasons.code, set: { ...values, updatedAt: new Date() } })
    .returning();
  return row!;
}
