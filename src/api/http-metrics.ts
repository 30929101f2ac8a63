import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { OperationsService } from '../services/operations-service';

/**
 * Every answer counted and timed by its route pattern (`/tickets/:id`), never the raw URL, so
 * ids do not multiply the series; a request that matched no route counts as `(no route)`.
 */
const httpMetrics: FastifyPluginAsync<{ operations: OperationsService }> = async (app, { operations }) => {
  app.addHook('onResponse', async (request, reply) => {
    operations.observeRequest({
      method: request.method,
      route: request.is404 ? undefined : request.routeOptions.url,
      status: reply.statusCode,
      seconds: reply.elapsedTime / 1000,
    });
  });
};

export const httpMetricsPlugin = fp(httpMetrics, { name: 'http-metrics' });
