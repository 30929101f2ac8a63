import type { OperationsService } from '../../services/operations-service';
import { liveSchema, readinessSchema } from '../schemas/operations';
import type { RoutePlugin } from '../type-provider';

/**
 * For probes and the scraper, not for people: no operator header, and nothing here names a
 * ticket, client or operator (counts, ages and check results only).
 */
export const operationsRoutes: RoutePlugin<{ operations: OperationsService }> = async (app, { operations }) => {
  app.get(
    '/health/live',
    {
      schema: {
        tags: ['operations'],
        summary: 'The process answers (liveness): no backend is asked',
        response: { 200: liveSchema },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/health/ready',
    {
      schema: {
        tags: ['operations'],
        summary: 'Ready when the database, Temporal and (in a process that runs one) the worker answer',
        response: { 200: readinessSchema, 503: readinessSchema },
      },
    },
    async (_request, reply) => {
      const { ready, checks, down } = await operations.readiness();
      return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', checks, down });
    },
  );

  app.get(
    '/metrics',
    {
      schema: {
        tags: ['operations'],
        summary: 'Prometheus metrics of this process, with the Temporal SDK’s worker metrics',
        produces: ['text/plain'],
        response: { 200: { type: 'string', description: 'Prometheus text exposition format' } },
      },
    },
    async (_request, reply) => reply.type(operations.contentType).send(await operations.metrics()),
  );
};
