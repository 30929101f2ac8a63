export interface Quote {
  price: string;
  normHours: number;
  dueAt: Date;
}

/**
 * Price and promised completion from the catalog service's norm hours.
 * Counts wall-clock hours from acceptance; business calendars come with the SLA work.
 */
export function quoteFromCatalog(service: { price: string; normHours: string }, acceptedAt: Date): Quote {
  const normHours = Number(service.normHours);
  return { price: service.price, normHours, dueAt: new Date(acceptedAt.getTime() + normHours * 3_600_000) };
}
