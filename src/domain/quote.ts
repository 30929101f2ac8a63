import { addBusinessMinutes, type BusinessCalendar } from './calendar';

export interface Quote {
  price: string;
  normHours: number;
  dueAt: Date;
}

/**
 * Price and promised completion from the catalog service's norm hours, counted in the
 * servicing team's business time from acceptance: nights, weekends and holidays do not count.
 */
export function quoteFromCatalog(
  service: { price: string; normHours: string },
  acceptedAt: Date,
  calendar: BusinessCalendar,
): Quote {
  const normHours = Number(service.normHours);
  return { price: service.price, normHours, dueAt: addBusinessMinutes(calendar, acceptedAt, normHours * 60) };
}
