import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { isManager } from '../domain/access';
import { DeskError } from '../services/errors';
import type { OperatorIdentity, StaffService } from '../services/staff-service';

declare module 'fastify' {
  interface FastifyRequest {
    operator?: OperatorIdentity;
  }
  interface FastifyInstance {
    /** preHandler for operator routes: the X-Operator-Id header must name a known operator. */
    requireOperator: (request: FastifyRequest) => Promise<void>;
    /** preHandler for what only managers change (catalog, calendars, agreements, reasons): refused before the body is read. */
    requireManager: (request: FastifyRequest) => Promise<void>;
  }
}

/** Identity for now is the X-Operator-Id header, checked against the operators table. */
const auth: FastifyPluginAsync<{ staff: StaffService }> = async (app, { staff }) => {
  app.decorateRequest('operator', undefined);
  app.decorate('requireOperator', async (request: FastifyRequest) => {
    const header = request.headers['x-operator-id'];
    request.operator = await staff.identify(Array.isArray(header) ? header[0] : header);
  });
  app.decorate('requireManager', async (request: FastifyRequest) => {
    await app.requireOperator(request);
    if (!isManager(request.operator!))
      throw new DeskError(
        'NOT_MANAGER',
        `only a manager changes the catalog and agreements; ${request.operator!.id} is not one`,
      );
  });
};

export const authPlugin = fp(auth, { name: 'auth' });
