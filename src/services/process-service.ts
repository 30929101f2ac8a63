import type { Database } from '../db/client';
import { isManager, type Actor } from '../domain/access';
import { elementStatistics, type TicketFilters } from '../repositories/process-stats';
import { ticketsAtElement } from '../repositories/process-tickets';
import { DeskError, notFound } from './errors';
import type { ProcessCatalog, ProcessEntry } from './process-catalog';

export { EXACT_PERCENTILES_UP_TO } from '../repositories/process-stats';

const WEEK_MS = 7 * 24 * 3_600_000;

const filtersOf = ({ queue, category, clientCategory }: TicketFilters): TicketFilters => ({
  ...(queue !== undefined ? { queue } : {}),
  ...(category !== undefined ? { category } : {}),
  ...(clientCategory !== undefined ? { clientCategory } : {}),
});

/** The processes as BPMN diagrams with live figures on them. */
export function createProcessService({ db, processes }: { db: Database; processes: ProcessCatalog }) {
  const processOf = (processId: string): ProcessEntry => {
    const entry = processes.find(processId);
    if (!entry) throw notFound(`process ${processId}`);
    return entry;
  };

  return {
    list: () =>
      processes
        .list()
        .map(({ id, name, file, recordedElementIds }) => ({ id, name, file, elementIds: recordedElementIds })),

    async xml(processId: string) {
      processOf(processId);
      return (await processes.xml(processId))!;
    },

    /** Figures over a period: the last 7 days up to now unless given. */
    async statistics(processId: string, query: TicketFilters & { from?: string; to?: string }) {
      const entry = processOf(processId);
      const to = query.to ? new Date(query.to) : new Date();
      const from = query.from ? new Date(query.from) : new Date(to.getTime() - WEEK_MS);
      if (from >= to) throw new DeskError('VALIDATION', 'querystring.from must be before querystring.to');
      const filters = filtersOf(query);
      const { elements, percentiles } = await elementStatistics(db, entry.id, entry.recordedElementIds, {
        from,
        to,
        ...filters,
      });
      return { processId: entry.id, from: from.toISOString(), to: to.toISOString(), filters, percentiles, elements };
    },

    /** Managers see subject and client; anyone else the summary only. */
    async ticketsAt(
      viewer: Pick<Actor, 'role'>,
      processId: string,
      elementId: string,
      query: TicketFilters & { limit?: number },
    ) {
      // The tickets are listed one by one: filtered by client category, they would tell an
      // operator whose a blind ticket is. Managers see the clients anyway.
      if (query.clientCategory !== undefined && !isManager(viewer))
        throw new DeskError(
          'NOT_PERMITTED',
          'querystring.clientCategory: only managers may filter the tickets at an element by client category',
        );
      const entry = processOf(processId);
      if (!entry.graph.hasNode(elementId)) throw notFound(`element ${elementId} of process ${entry.id}`);
      return ticketsAtElement(db, entry.id, elementId, filtersOf(query), {
        withDetails: isManager(viewer),
        limit: query.limit ?? 100,
      });
    },
  };
}

export type ProcessService = ReturnType<typeof createProcessService>;
