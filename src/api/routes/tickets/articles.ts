import type { RoutePlugin } from '../../type-provider';
import type { ArticleService } from '../../../services/article-service';
import { errorResponses, idParams } from '../../schemas/common';
import { articlesQuery, ticketArticle } from '../../schemas/articles';

/** `/tickets/:id/articles`: the messages on a ticket, from every channel. */
export const ticketArticleRoutes: RoutePlugin<{ articles: ArticleService }> = async (app, { articles }) => {
  app.get(
    '/tickets/:id/articles',
    {
      schema: {
        tags: ['tickets'],
        summary: "A ticket's messages (articles), oldest first",
        description:
          'What the client wrote (e-mail, SMS, Telegram, the status page) and what the desk sent. Only for the assignee and managers: a blind ticket shows nothing of what it says until it is accepted. At most `limit` articles (default 100); the next page: `after` = the last article’s id.',
        params: idParams,
        querystring: articlesQuery,
        response: { 200: { type: 'array', items: ticketArticle }, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => articles.list(request.operator!, request.params.id, request.query),
  );
};
