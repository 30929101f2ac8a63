import type { Database } from '../db/client';
import type { EscalationLevel } from '../db/schema';
import { clientCategories } from '../domain/enums';
import * as catalog from '../repositories/catalog';
import { calendarProblems, type CalendarException, type IsoWeekday, type WorkingInterval } from '../domain/calendar';
import { isKnownHolidayCountry } from '../domain/holidays';
import { DeskError, notFound } from './errors';

export interface CatalogServiceInput {
  code: string;
  nameRu: string;
  nameEn: string;
  category: string;
  price: string;
  normHours: number;
  supportLine: number;
  requiredCompetence?: string | null;
  checklist?: string[];
  keywords?: string[];
  isCategoryDefault?: boolean;
}

export interface CalendarInput {
  name: string;
  timeZone: string;
  week: Partial<Record<IsoWeekday, WorkingInterval[]>>;
  holidayCountry?: string | null;
  extraHolidays?: string[];
  exceptions?: CalendarException[];
}

export interface AgreementInput {
  responseSeconds: number;
  resolutionSeconds: number;
  warningShare?: number;
  calendarCode?: string | null;
  escalation?: EscalationLevel[];
}

const presentService = (row: catalog.CatalogServiceRow) => ({
  code: row.code,
  nameRu: row.nameRu,
  nameEn: row.nameEn,
  category: row.category,
  price: row.price,
  normHours: Number(row.normHours),
  supportLine: row.supportLine,
  requiredCompetence: row.requiredCompetence,
  checklist: row.checklist,
  keywords: row.keywords,
  isCategoryDefault: row.isCategoryDefault,
  active: row.active,
});

/** The service catalog, business calendars, agreements and overdue reasons, as managers keep them. */
export function createCatalogService({ db }: { db: Database }) {
  const findService = async (code: string) => {
    const row = await catalog.findCatalogService(db, code);
    if (!row) throw notFound(`catalog service "${code}"`);
    return row;
  };

  const calendarId = async (code: string | null | undefined) => {
    if (!code) return null;
    const id = await catalog.findCalendarId(db, code);
    if (id === undefined) throw new DeskError('VALIDATION', `body.calendarCode: no calendar "${code}"`);
    return id;
  };

  const updateService = async (
    code: string,
    changes: Partial<Omit<CatalogServiceInput, 'code'>> & { active?: boolean },
  ) => {
    await findService(code);
    const { normHours, ...rest } = changes;
    const row = await catalog.updateCatalogService(db, code, {
      ...rest,
      ...(normHours === undefined ? {} : { normHours: String(normHours) }),
    });
    return presentService(row!);
  };

  return {
    async listServices(options: { includeInactive: boolean }) {
      const rows = await catalog.listCatalogServices(db);
      return rows.filter((r) => options.includeInactive || r.active).map(presentService);
    },

    getService: async (code: string) => presentService(await findService(code)),

    async createService(input: CatalogServiceInput) {
      const row = await catalog.insertCatalogService(db, {
        ...input,
        normHours: String(input.normHours),
        checklist: input.checklist ?? [],
        keywords: input.keywords ?? [],
      });
      if (!row) throw new DeskError('DUPLICATE', `catalog service "${input.code}" already exists`);
      return presentService(row);
    },

    /** Deactivated, not deleted: old tickets keep their service; new tickets no longer get it. */
    updateService,

    deactivateService: (code: string) => updateService(code, { active: false }),

    listCalendars: () => catalog.listCalendars(db),

    async putCalendar(code: string, input: CalendarInput) {
      const problems = calendarProblems({
        timeZone: input.timeZone,
        week: input.week,
        holidays: input.extraHolidays ?? [],
        exceptions: input.exceptions,
      });
      if (input.holidayCountry && !isKnownHolidayCountry(input.holidayCountry))
        problems.push(`holidayCountry "${input.holidayCountry}" is not a country the holidays library knows`);
      if (problems.length > 0) throw new DeskError('VALIDATION', `body: ${problems.join('; ')}`);
      const values = {
        name: input.name,
        timeZone: input.timeZone,
        week: input.week,
        holidayCountry: input.holidayCountry ?? null,
        extraHolidays: input.extraHolidays ?? [],
        exceptions: input.exceptions ?? [],
      };
      return catalog.upsertCalendar(db, code, values);
    },

    async listAgreements(code: string) {
      const service = await findService(code);
      return catalog.listAgreements(db, service.id);
    },

    /** The SLA of a service for a client category: created or replaced. */
    async putAgreement(code: string, clientCategory: string, input: AgreementInput) {
      if (!(clientCategories as readonly string[]).includes(clientCategory)) {
        throw new DeskError(
          'VALIDATION',
          `params.clientCategory "${clientCategory}" is not one of ${clientCategories.join(', ')}`,
        );
      }
      const service = await findService(code);
      const values = {
        responseSeconds: input.responseSeconds,
        resolutionSeconds: input.resolutionSeconds,
        warningShare: String(input.warningShare ?? 0.8),
        calendarId: await calendarId(input.calendarCode),
        escalation: input.escalation ?? [],
      };
      return catalog.upsertAgreement(db, service.id, clientCategory, values);
    },

    listOla: () => catalog.listOla(db),

    async putOla(supportLine: number, input: { handoverSeconds: number; recipients?: string[] }) {
      const values = { handoverSeconds: input.handoverSeconds, recipients: input.recipients ?? [] };
      return catalog.upsertOla(db, supportLine, values);
    },

    listOverdueReasons: (options: { includeInactive: boolean }) =>
      catalog.listOverdueReasons(db).then((rows) => rows.filter((r) => options.includeInactive || r.active)),

    async putOverdueReason(code: string, input: { nameRu: string; nameEn: string; active?: boolean }) {
      const values = { nameRu: input.nameRu, nameEn: input.nameEn, active: input.active ?? true };
      return catalog.upsertOverdueReason(db, code, values);
    },
  };
}

export type CatalogService = ReturnType<typeof createCatalogService>;
