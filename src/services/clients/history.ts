import type { Database } from '../../db/client';
import { maySeeDetails } from '../../domain/access';
import { findClient, listClientAudit } from '../../repositories/client-profiles';
import type { ArticleService } from '../article-service';
import { notFound } from '../errors';
import type { TicketReads } from '../ticket-reads';
import { readableClient, type Page, type Viewer } from './live-client';

/** The articles of each ticket a client's timeline holds; the rest page through GET /tickets/:id/articles. */
export const TIMELINE_ARTICLES_PER_TICKET = 100;

/** `/clients/:id/timeline` and `/clients/:id/audit`: what happened with a client, and to its profile. */
export function createClientHistory(deps: { db: Database; reads: TicketReads; articles: ArticleService }) {
  const { db, reads, articles } = deps;
  return {
    /**
     * The client's tickets (a page, newest first) and every article of each, across channels, as one
     * timeline, newest first. Blind rules as everywhere: the ticket list is the one of
     * GET /clients/:id/tickets (an operator is not shown tickets waiting in a queue, nor the subject
     * of one they do not hold), and a ticket's articles are read through the article service,
     * only for the tickets whose contents the viewer may see.
     */
    async timeline(viewer: Viewer, clientId: number, page: Page) {
      await readableClient(db, clientId);
      const ticketPage = await reads.clientTickets(viewer, clientId, page);
      const entries: {
        kind: 'ticket' | 'article';
        at: string;
        ticketId: number;
        ticket?: unknown;
        article?: unknown;
      }[] = [];
      for (const ticket of ticketPage) {
        entries.push({ kind: 'ticket', at: ticket.createdAt, ticketId: ticket.id, ticket });
        if (!maySeeDetails(viewer, ticket)) continue;
        // A ticket's first articles; a ticket with more (a long thread, a loop stored) pages through GET /tickets/:id/articles.
        for (const article of await articles.list(viewer, ticket.id, { limit: TIMELINE_ARTICLES_PER_TICKET }))
          entries.push({ kind: 'article', at: article.createdAt, ticketId: ticket.id, article });
      }
      entries.sort((a, b) => b.at.localeCompare(a.at) || (a.kind === b.kind ? 0 : a.kind === 'article' ? -1 : 1));
      return { clientId, tickets: ticketPage.length, hasMore: ticketPage.length === page.limit, entries };
    },

    /** A merged client's entries stay under its own id, so its log is read as it is (no 301). */
    async auditLog(clientId: number, page: { limit: number; before?: number }) {
      if (!(await findClient(db, clientId))) throw notFound(`client ${clientId}`);
      return listClientAudit(db, clientId, page);
    },
  };
}
