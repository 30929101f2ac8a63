import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Database } from '../db/client';
import { maySeeDetails, type Actor } from '../domain/access';
import { ticketWorkflowId } from '../domain/process';
import { insertArticle, listArticles, type NewArticle, type TicketArticle } from '../repositories/ticket-articles';
import { loadTicketSummary } from '../repositories/tickets';
import { articleUpdate } from '../../workflows/ticket';
import { DeskError, notFound } from './errors';

export interface AttachedArticle {
  article: TicketArticle;
  /** False when the same message (its dedupe key) was attached before. */
  created: boolean;
  /** The reply brought a resolved ticket back to work. */
  reopened: boolean;
}

/**
 * The one path every channel's messages take onto a ticket (e-mail now; SMS, Telegram and the
 * status page later): the article is stored first, then the ticket's workflow hears of it and
 * decides whether a client's reply reopens it. Telling the workflow is deduplicated by the
 * article's id, so a redelivered message or a retried call is told once.
 */
export function createArticleService(deps: { db: Database; temporal: Client; logger: Logger }) {
  const { db, temporal } = deps;

  async function attachArticle(article: NewArticle, options: { mayReopen: boolean }): Promise<AttachedArticle> {
    const { article: stored, created } = await insertArticle(db, article);
    const summary = await loadTicketSummary(db, article.ticketId);
    if (!summary) throw notFound(`ticket ${article.ticketId}`);
    // A closed ticket's workflow is gone: the article is kept, nothing is reopened.
    if (summary.stage === 'closed' || article.direction !== 'in') return { article: stored, created, reopened: false };
    try {
      const taken = await temporal.workflow.getHandle(ticketWorkflowId(article.ticketId)).executeUpdate(articleUpdate, {
        args: [{ articleId: stored.id, mayReopen: options.mayReopen }],
        updateId: `article-${stored.id}`,
      });
      return { article: stored, created, reopened: taken.reopened };
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      deps.logger.info(
        { ticketId: article.ticketId, articleId: stored.id },
        'article kept; the ticket has no workflow',
      );
      return { article: stored, created, reopened: false };
    }
  }

  return {
    attachArticle,

    /** Blind rules: a ticket's messages are its contents, for its assignee and managers only. */
    async list(
      viewer: Pick<Actor, 'id' | 'role' | 'queueAccess'>,
      ticketId: number,
      page: { limit: number; after?: number },
    ) {
      const summary = await loadTicketSummary(db, ticketId);
      if (!summary) throw notFound(`ticket ${ticketId}`);
      if (!maySeeDetails(viewer, summary))
        throw new DeskError(
          'NOT_ASSIGNEE',
          `ticket ${ticketId}'s messages are shown to its assignee and managers once it is accepted`,
        );
      return (await listArticles(db, ticketId, page)).map((article) => ({
        id: article.id,
        channel: article.channel,
        direction: article.direction,
        sender: article.sender,
        subject: article.subject,
        body: article.body,
        public: article.public,
        automatic: article.automatic,
        attachments: article.attachments,
        createdAt: article.createdAt.toISOString(),
      }));
    },
  };
}

export type ArticleService = ReturnType<typeof createArticleService>;
