import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Database } from '../db/client';
import { findOperator, type OperatorIdentity } from '../repositories/staff';
import { DeskError } from '../services/errors';

declare module 'fastify' {
  interface FastifyRequest {
    operator?: OperatorIdentity;
  }
  interface FastifyInstance {
    /** preHandler for operator routes: the X-Operator-Id header must name a known operator. */
    requireOperator: (request: FastifyRequest) => Promise<void>;
  }
}

/** Identity for now is the X-Operator-Id header, checked against the operators table. */
const auth: FastifyPluginAsync<{ db: Database }> = async (app, { db }) => {
  app.decorateRequest('operator', undefined);
  app.decorate('requireOperator', async (request: FastifyRequest) => {
    const header = request.headers['x-operator-id'];
    const operatorId = Array.isArray(header) ? header[0] : header;
    if (!operatorId)
      throw new DeskError('NO_OPERATOR', 'the X-Operator-Id header is required: it names the acting operator');
    const operator = await findOperator(db, operatorId);
    if (!operator) throw new DeskError('UNKNOWN_OPERATOR', `X-Operator-Id "${operatorId}" is not a known operator`);
    request.operator = operator;
  });
};

export const authPlugin = fp(auth, { name: 'auth' });

/** Only the assignee and managers see a ticket's contents and its client. */
export function maySeeDetails(operator: OperatorIdentity, ticket: { assigneeId: string | null }): boolean {
  return operator.role === 'manager' || (ticket.assigneeId !== null && ticket.assigneeId === operator.id);
}
