import { randomUUID } from 'node:crypto';
import type { Database } from '../db/client';
import { clientStatusView, UPDATES_SHOWN } from '../domain/status-link';
import { latestPublicArticles } from '../repositories/ticket-articles';
import { isStatusLinkToken, loadTicketDetails } from '../repositories/tickets';
import type { ArticleService } from './article-service';
import { DeskError } from './errors';

/**
 * The client's status page (web/status.html): a ticket's live status, a reply and the survey,
 * for whoever holds the link from a notice. No such ticket, a wrong token and a closed ticket get
 * one answer, so the page tells a guesser nothing.
 */
export function createClientStatus(deps: { db: Database; articles: ArticleService }) {
  const { db } = deps;

  const refused = () =>
    new DeskError(
      'BAD_STATUS_TOKEN',
      'this status link is not valid: it does not belong to this ticket, or the ticket is closed',
    );

  /** The ticket, if the token is its status token and it is still open. */
  async function checked(ticketId: number, token: string) {
    if (!(await isStatusLinkToken(db, ticketId, token))) throw refused();
    const ticket = await loadTicketDetails(db, ticketId);
    if (!ticket || ticket.stage === 'closed') throw refused();
    return ticket;
  }

  return {
    /** True when `token` opens this ticket's status page (the survey accepts it too). */
    opens: (ticketId: number, token: string): Promise<boolean> => isStatusLinkToken(db, ticketId, token),

    async view(ticketId: number, token: string) {
      const ticket = await checked(ticketId, token);
      return clientStatusView(ticket, await latestPublicArticles(db, ticketId, UPDATES_SHOWN));
    },

    /**
     * The client writes from the page: a message of the ticket like a reply by e-mail (it reopens
     * a resolved ticket whose survey waits). `replyId`, made by the page, keeps a retried send single.
     */
    async reply(ticketId: number, token: string, text: string, replyId?: string) {
      const ticket = await checked(ticketId, token);
      const body = text.trim();
      if (!body) throw new DeskError('VALIDATION', 'body.text is empty: write what you want to tell us');
      const { article, created, reopened } = await deps.articles.attachArticle(
        {
          ticketId,
          channel: 'web',
          direction: 'in',
          sender: ticket.client.email ?? ticket.client.phone ?? `client ${ticket.client.id}`,
          subject: null,
          body,
          dedupeKey: `status-page:${ticketId}:${replyId ?? randomUUID()}`,
        },
        { mayReopen: true },
      );
      return { articleId: article.id, created, reopened };
    },
  };
}

export type ClientStatus = ReturnType<typeof createClientStatus>;
