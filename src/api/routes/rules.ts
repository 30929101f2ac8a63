import type { RoutePlugin } from '../type-provider';
import type { RulesService } from '../../services/rules-service';
import { errorResponses, idParams } from '../schemas/common';
import { dryRunBody, dryRunResult, newRuleBody, reorderBody, retrained, ruleChangeBody } from '../schemas/rules';

/** `/rules` (classification rules in order, a dry-run) and `/category-model/retrain`. */
export const ruleRoutes: RoutePlugin<{ rules: RulesService }> = async (app, { rules }) => {
  app.get(
    '/rules',
    {
      schema: {
        tags: ['rules'],
        summary: 'Classification rules in the order they are applied',
        response: { 200: { type: 'array', items: { $ref: 'Rule#' } }, ...errorResponses(401) },
      },
    },
    async () => rules.list(),
  );

  app.post(
    '/rules',
    {
      schema: {
        tags: ['rules'],
        summary: 'Add a rule (managers)',
        body: newRuleBody,
        response: { 201: { $ref: 'Rule#' }, ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => reply.status(201).send(await rules.create(request.operator!, request.body)),
  );

  app.patch(
    '/rules/:id',
    {
      schema: {
        tags: ['rules'],
        summary: 'Change or disable a rule (managers)',
        description: '`{"enabled": false}` disables the rule; it stays in its place.',
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
      schema: {
        tags: ['rules'],
        summary: 'Reorder the rules (managers): every rule id, in the new order',
        body: reorderBody,
        response: { 200: { type: 'array', items: { $ref: 'Rule#' } }, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => rules.reorder(request.operator!, request.body.ruleIds),
  );

  app.post(
    '/rules/dry-run',
    {
      schema: {
        tags: ['rules'],
        summary: 'What the desk would decide for a text: the rules that fired and why, the model, the queue',
        body: dryRunBody,
        response: { 200: dryRunResult, ...errorResponses(400, 401) },
      },
    },
    async (request) => rules.dryRun(request.body),
  );

  app.post(
    '/category-model/retrain',
    {
      schema: {
        tags: ['rules'],
        summary: 'Retrain the category model on operators’ verdicts now (managers)',
        description:
          'Runs the retraining workflow (the same one the schedule starts) and answers with what it learnt from.',
        response: {
          200: retrained,
          ...errorResponses(401, 403),
        },
      },
    },
    async (request) => rules.retrainCategoryModel(request.operator!),
  );
};
