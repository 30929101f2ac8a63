import type { RoutePlugin } from '../type-provider';
import type { RulesService } from '../../services/rules-service';
import { errorResponses, idParams, operatorHeader } from '../schemas/common';
import { dryRunBody, dryRunResult, newRuleBody, reorderBody, retrained, ruleChangeBody } from '../schemas/rules';

/** `/rules` (classification rules in order, a dry-run) and `/category-model/retrain`. */
export const ruleRoutes: RoutePlugin<{ rules: RulesService }> = async (app, { rules }) => {
  const operatorOnly = { onRequest: app.requireOperator };

  app.get(
    '/rules',
    {
      ...operatorOnly,
      schema: {
        tags: ['rules'],
        summary: 'Classification rules in the order they are applied',
        headers: operatorHeader,
        response: { 200: { type: 'array', items: { $ref: 'Rule#' } }, ...errorResponses(401) },
      },
    },
    async () => rules.list(),
  );

  app.post(
    '/rules',
    {
      ...operatorOnly,
      schema: {
        tags: ['rules'],
        summary: 'Add a rule (managers)',
        headers: operatorHeader,
        body: newRuleBody,
        response: { 201: { $ref: 'Rule#' }, ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => reply.status(201).send(await rules.create(request.operator!, request.body)),
  );

  app.patch(
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
        response: { 200: { $ref: 'Rule#' }, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => rules.update(request.operator!, request.params.id, request.body),
  );

  app.put(
    '/rules/order',
    {
      ...operatorOnly,
      schema: {
        tags: ['rules'],
        summary: 'Reorder the rules (managers): every rule id, in the new order',
        headers: operatorHeader,
        body: reorderBody,
        response: { 200: { type: 'array', items: { $ref: 'Rule#' } }, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => rules.reorder(request.operator!, request.body.ruleIds),
  );

  app.post(
    '/rules/dry-run',
    {
      ...operatorOnly,
      schema: {
        tags: ['rules'],
        summary: 'What the desk would decide for a text: the rules that fired and why, the model, the queue',
        headers: operatorHeader,
        body: dryRunBody,
        response: { 200: dryRunResult, ...errorResponses(400, 401) },
      },
    },
    async (request) => rules.dryRun(request.body),
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
          200: retrained,
          ...errorResponses(401, 403),
        },
      },
    },
    async (request) => rules.retrainCategoryModel(request.operator!),
  );
};
