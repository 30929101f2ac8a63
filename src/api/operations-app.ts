import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { OperationsService } from '../services/operations-service';
import { refuseOtherHosts } from './allowed-hosts';
import { httpMetricsPlugin } from './http-metrics';
import { operationsRoutes } from './routes/operations';

/** A worker-only process answers probes and the scraper, and nothing else. */
export async function buildOperationsApp(deps: {
  operations: OperationsService;
  logger: Logger;
  /** As the API's: only these Host values get /metrics (the probes answer any Host). */
  allowedHosts?: ReadonlySet<string>;
}) {
  const app: FastifyInstance = Fastify({ loggerInstance: deps.logger as FastifyBaseLogger });
  if (deps.allowedHosts) refuseOtherHosts(app, deps.allowedHosts);
  await app.register(httpMetricsPlugin, { operations: deps.operations });
  await app.register(operationsRoutes, { operations: deps.operations });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      statusCode: 404,
      error: 'Not Found',
      code: 'NOT_FOUND',
      message: `no route ${request.method} ${request.url.split('?')[0]}: a worker process serves /health/live, /health/ready and /metrics only`,
    }),
  );
  return app;
}
