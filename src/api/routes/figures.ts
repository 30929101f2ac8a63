import type { RoutePlugin } from '../type-provider';
import type { FigureService } from '../../services/figure-service';
import { errorResponses } from '../schemas/common';
import { figuresQuery, figuresReport } from '../schemas/figures';

/** `/figures`: what managers look at, each figure with its published definition. */
export const figureRoutes: RoutePlugin<{ figures: FigureService }> = async (app, { figures }) => {
  app.get(
    '/figures',
    {
      schema: {
        tags: ['figures'],
        summary: "Managers' figures over a period: volume, backlog, times, SLA achieved, CSAT, reopen rate",
        description:
          'Each figure’s description is its definition (English / Russian). Times are wall time. Counts and ' +
          'percentiles are exact, computed from the tickets and their recorded reopenings.',
        querystring: figuresQuery,
        response: { 200: figuresReport, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => figures.figures(request.query),
  );
};
