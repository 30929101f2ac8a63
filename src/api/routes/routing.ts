import type { FastifyPluginAsync } from 'fastify';
import type { Database } from '../../db/client';
import type { RoutingFacts } from '../../domain/rules';
import { findQueue } from '../../repositories/tickets';
import { findOperator } from '../../repositories/staff';
import { DeskError } from '../../services/errors';
import type { QueueService } from '../../services/queue-service';
import type { RuleInput, RulesService } from '../../services/rules-service';
import type { TicketService } from '../../services/ticket-service';
import {
  categoryBody,
  dryRunBody,
  dryRunResult,
  idParams,
  moved,
  newRuleBody,
  offerSchema,
  reasonBody,
  reassignBody,
  reorderBody,
  ruleChangeBody,
  transferBody,
} from '../routing-schemas';
import { operatorHeader } from '../schemas';

const errors = (...codes: number[]) => Object.fromEntries(codes.map((code) => [code, { $ref: 'Error#' }]));
type IdParams = { Params: { id: number } };

/** Classification rules, pulling work from queues, moving tickets, category verdicts and search. */
export const routingRoutes: FastifyPluginAsync<{
  db: Database;
  rules: RulesService;
  queues: QueueService;
  tickets: TicketService;
}> = async (app, deps) => {
  const { db, rules, queues, tickets } = deps;
  const operatorOnly = { onRequest: app.requireOperator };

  app.get(
    '/rules',
    {
      ...operatorOnly,
      schema: {
        tags: ['rules'],
        summary: 'Classification rules in the order they are applied',
        headers: operatorHeader,
        response: { 200: { type: 'array', items: { $ref: 'Rule#' } }, ...errors(401) },
      },
    },
    async () => rules.list(),
  );

  app.post<{ Body: RuleInput }>(
    '/rules',
    {
      ...operatorOnly,
      schema: {
        tags: ['rules'],
        summary: 'Add a rule (managers)',
        headers: operatorHeader,
        body: newRuleBody,
        response: { 201: { $ref: 'Rule#' }, ...errors(400, 401, 403) },
      },
    },
    async (request, reply) => reply.status(201).send(await rules.create(request.operator!, request.body)),
  );

  app.patch<IdParams & { Body: Partial<RuleInput> }>(
    '/rules/:id',
    {
      ...operatorOnly,
      schema: {
        tags: ['rules'],
        summary: 'Change or disable a rule (managers)',
        description: '`{"enabled": false}` disables the rule; it stays in its place.',
        headers: operatorHeader,
        params: idParams,
        body: ruleChangeBody,
        response: { 200: { $ref: 'Rule#' }, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => rules.update(request.operator!, request.params.id, request.body),
  );

  app.put<{ Body: { ruleIds: number[] } }>(
    '/rules/order',
    {
      ...operatorOnly,
      schema: {
        tags: ['rules'],
        summary: 'Reorder the rules (managers): every rule id, in the new order',
        headers: operatorHeader,
        body: reorderBody,
        response: { 200: { type: 'array', items: { $ref: 'Rule#' } }, ...errors(400, 401, 403) },
      },
    },
    async (request) => rules.reorder(request.operator!, request.body.ruleIds),
  );

  app.post<{ Body: RoutingFacts }>(
    '/rules/dry-run',
    {
      ...operatorOnly,
      schema: {
        tags: ['rules'],
        summary: 'What the desk would decide for a text: the rules that fired and why, the model, the queue',
        headers: operatorHeader,
        body: dryRunBody,
        response: { 200: dryRunResult, ...errors(400, 401) },
      },
    },
    async (request) => rules.dryRun(request.body),
  );

  app.post<IdParams>(
    '/queues/:id/next',
    {
      ...operatorOnly,
      schema: {
        tags: ['queues'],
        summary: 'Offer me the ticket to work next',
        description:
          'By priority, then SLA due time, then age; reserved for the caller for a short time. 204 when there is nothing to offer; 409 AT_LIMIT at the ticket limit.',
        headers: operatorHeader,
        params: idParams,
        response: {
          200: offerSchema,
          204: { type: 'null', description: 'Nothing to offer' },
          ...errors(400, 401, 403, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const offer = await queues.next(request.operator!, request.params.id);
      return offer ? offer : reply.status(204).send();
    },
  );

  app.post<IdParams & { Body: { reason: string } }>(
    '/offers/:id/skip',
    {
      ...operatorOnly,
      schema: {
        tags: ['queues'],
        summary: 'Pass on an offer, saying why',
        headers: operatorHeader,
        params: idParams,
        body: reasonBody,
        response: {
          200: {
            type: 'object',
            properties: {
              offerId: { type: 'integer' },
              ticketId: { type: 'integer' },
              outcome: { type: 'string' },
              reason: { type: 'string' },
            },
          },
          ...errors(400, 401, 404, 409),
        },
      },
    },
    async (request) => queues.skip(request.operator!, request.params.id, request.body.reason),
  );

  app.post<IdParams & { Body: { toOperatorId: string; reason: string } }>(
    '/tickets/:id/reassign',
    {
      ...operatorOnly,
      schema: {
        tags: ['tickets'],
        summary: 'Hand an accepted ticket to another operator (the assignee or a manager)',
        headers: operatorHeader,
        params: idParams,
        body: reassignBody,
        response: { 200: moved, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const to = await findOperator(db, request.body.toOperatorId);
      if (!to)
        throw new DeskError('VALIDATION', `body.toOperatorId "${request.body.toOperatorId}" is not a known operator`);
      return tickets.reassign(request.params.id, request.operator!, to, request.body.reason);
    },
  );

  app.post<IdParams & { Body: { reason: string } }>(
    '/tickets/:id/return',
    {
      ...operatorOnly,
      schema: {
        tags: ['tickets'],
        summary: 'Return an accepted ticket to its queue (the assignee or a manager)',
        headers: operatorHeader,
        params: idParams,
        body: reasonBody,
        response: { 200: moved, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => tickets.returnToQueue(request.params.id, request.operator!, request.body.reason),
  );

  app.post<IdParams & { Body: { toQueueId: number; reason: string } }>(
    '/tickets/:id/transfer',
    {
      ...operatorOnly,
      schema: {
        tags: ['tickets'],
        summary: 'Move a ticket to another queue (the assignee, the queue’s group while it waits, or a manager)',
        headers: operatorHeader,
        params: idParams,
        body: transferBody,
        response: { 200: moved, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      if (!(await findQueue(db, request.body.toQueueId)))
        throw new DeskError('VALIDATION', `body.toQueueId ${request.body.toQueueId} is not a queue`);
      return tickets.transfer(request.params.id, request.operator!, request.body.toQueueId, request.body.reason);
    },
  );

  app.post<IdParams & { Body: { category: string } }>(
    '/tickets/:id/category',
    {
      ...operatorOnly,
      schema: {
        tags: ['tickets'],
        summary: 'Confirm or correct the ticket’s category (the assignee or a manager)',
        description: 'Recorded as training data for the category model.',
        headers: operatorHeader,
        params: idParams,
        body: categoryBody,
        response: {
          200: {
            type: 'object',
            properties: {
              ticketId: { type: 'integer' },
              category: { type: 'string' },
              verdict: { type: 'string', enum: ['confirmed', 'corrected'] },
            },
          },
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (request) => rules.recordCategoryVerdict(request.operator!, request.params.id, request.body.category),
  );

  app.post(
    '/category-model/retrain',
    {
      ...operatorOnly,
      schema: {
        tags: ['rules'],
        summary: 'Retrain the category model on operators’ verdicts now (managers)',
        description:
          'Runs the retraining workflow (the same one the schedule starts) and answers with what it learnt from.',
        headers: operatorHeader,
        response: {
          200: {
            type: 'object',
            properties: {
              modelId: { type: ['integer', 'null'] },
              trainingTickets: { type: 'integer' },
              categories: { type: 'array', items: { type: 'string' } },
              changed: { type: 'boolean' },
            },
          },
          ...errors(401, 403),
        },
      },
    },
    async (request) => rules.retrainCategoryModel(request.operator!),
  );
};
