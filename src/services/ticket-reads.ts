import type { Database } from '../db/client';
import { maySeeDetails, type Actor } from '../domain/access';
import { TICKET_PROCESS_ID } from '../domain/process';
import { pathOf, visitsOf } from '../domain/trail';
import { clientExists } from '../repositories/clients';
import {
  listClientTickets,
  isEventOf,
  listTicketEvents,
  loadTicketDetails,
  loadTicketSummary,
  searchTickets,
} from '../repositories/tickets';
import { DeskError, notFound } from './errors';
import type { ProcessCatalog } from './process-catalog';

type Viewer = Pick<Actor, 'id' | 'role' | 'queueAccess'>;
type Page = { limit: number; offset: number };

/** Reading tickets: the assignee and managers see contents (subject, text, client, event data), anyone else the summary. */
export function createTicketReads({ db, processes }: { db: Database; processes: ProcessCatalog }) {
  const summaryOf = async (ticketId: number) => {
    const summary = await loadTicketSummary(db, ticketId);
    if (!summary) throw notFound(`ticket ${ticketId}`);
    return summary;
  };

  const visibleEvents = async (
    viewer: Viewer,
    ticketId: number,
    options: { processId?: string; page?: { limit: number; after?: number } },
  ) => {
    const summary = await summaryOf(ticketId);
    const { page } = options;
    if (page?.after !== undefined && !(await isEventOf(db, ticketId, page.after)))
      throw new DeskError('VALIDATION', `querystring.after: ${page.after} is not an event of ticket ${ticketId}`);
    const events = await listTicketEvents(db, ticketId, options);
    const visible = maySeeDetails(viewer, summary) ? events : events.map(({ data: _hidden, ...event }) => event);
    return { summary, events: visible };
  };

  return {
    async read(viewer: Viewer, ticketId: number) {
      const summary = await summaryOf(ticketId);
      if (!maySeeDetails(viewer, summary)) return summary;
      return (await loadTicketDetails(db, ticketId))!;
    },

    /** One page of the ticket's events, oldest first, after the event `after` (the last of the previous page). */
    events: async (viewer: Viewer, ticketId: number, page: { limit: number; after?: number }) =>
      (await visibleEvents(viewer, ticketId, { page })).events,

    /** The ticket's path through one process (default: the ticket lifecycle). */
    async trail(viewer: Viewer, ticketId: number, processId = TICKET_PROCESS_ID) {
      const entry = processes.find(processId);
      if (!entry) throw notFound(`process ${processId}`);
      const { summary, events } = await visibleEvents(viewer, ticketId, { processId: entry.id });
      const visits = visitsOf(events);
      return {
        ticketId: summary.id,
        processId: entry.id,
        stage: summary.stage,
        path: pathOf(events),
        current: visits[visits.length - 1]?.elementId ?? null,
        visits,
      };
    },

    search: (viewer: Viewer, text: string, page: Page) => searchTickets(db, text, viewer, page),

    async clientTickets(viewer: Viewer, clientId: number, page: Page) {
      if (!(await clientExists(db, clientId))) throw notFound(`client ${clientId}`);
      return listClientTickets(db, clientId, viewer, page);
    },
  };
}

export type TicketReads = ReturnType<typeof createTicketReads>;
