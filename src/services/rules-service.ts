import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { Database } from '../db/client';
import { retrainCategoryModelWorkflow } from '../../workflows/category-model';
import { decideIntake, knownCategories } from '../domain/intake-decision';
import type { ExternalClassifier } from '../infra/external-classifier';
import {
  patternProblem,
  type RuleCondition,
  type RuleKind,
  type RuleOutcome,
  type RoutingFacts,
} from '../domain/rules';
import { isAssigneeOrManager, isManager } from '../domain/access';
import { createRoutingCache, listRules } from '../repositories/routing';
import { appendRule, recordCategoryVerdict, renumberRules, updateRule, withRulesLocked } from '../repositories/rules';
import type { OperatorIdentity } from '../repositories/staff';
import { loadTicketFacts } from '../repositories/tickets';
import { DeskError, notFound } from './errors';

export interface RuleInput {
  name: string;
  condition: RuleCondition;
  outcome: RuleOutcome;
  enabled?: boolean;
  /** authoritative (the default: a rule as every rule was before kinds) or evidence. */
  kind?: RuleKind;
  /** Where to put the rule: before the rule now at this 1-based place; the end if absent. */
  place?: number;
}

const conditionKeys: Array<keyof RuleCondition> = [
  'words',
  'pattern',
  'channels',
  'clientCategories',
  'productGroups',
  'locations',
  'serviceCodes',
];

function checkRule(rule: { condition?: RuleCondition; outcome?: RuleOutcome }) {
  if (rule.condition) {
    const given = conditionKeys.filter((key) => {
      const value = rule.condition![key];
      return Array.isArray(value) ? value.length > 0 : value !== undefined;
    });
    if (given.length === 0)
      throw new DeskError(
        'VALIDATION',
        'body.condition needs at least one of words, pattern, channels, clientCategories, productGroups, locations, serviceCodes',
      );
    if (rule.condition.pattern !== undefined) {
      const problem = patternProblem(rule.condition.pattern);
      if (problem) throw new DeskError('VALIDATION', `body.condition.pattern ${problem}`);
    }
  }
  if (rule.outcome && Object.values(rule.outcome).every((v) => v === undefined)) {
    throw new DeskError(
      'VALIDATION',
      'body.outcome needs at least one of category, priority, queueCode, serviceCode, supportLine',
    );
  }
}

const requireManager = (operator: OperatorIdentity) => {
  if (!isManager(operator))
    throw new DeskError('NOT_MANAGER', `operator ${operator.id} is not a manager: only managers change the rules`);
};

/** Classification rules as data: list, change, reorder, disable, and try a text against them. */
export function createRulesService({
  db,
  temporal,
  taskQueue,
  classifier,
}: {
  db: Database;
  temporal: Client;
  taskQueue: string;
  classifier?: ExternalClassifier;
}) {
  const routing = createRoutingCache(db);

  /** The intake's own decision on the same reference data: only active services, the cached queues. */
  const decide = async (facts: RoutingFacts) => {
    const reference = await routing.current();
    const external = await classifier?.rank(`${facts.subject}\n${facts.description}`, knownCategories(reference));
    return decideIntake(reference, facts, undefined, external);
  };

  return {
    list: () => listRules(db),

    async create(operator: OperatorIdentity, input: RuleInput) {
      requireManager(operator);
      checkRule(input);
      return withRulesLocked(db, async (tx) => {
        const { name, condition, outcome, enabled = true, kind = 'authoritative', place } = input;
        const created = await appendRule(tx, { name, condition, outcome, enabled, kind });
        if (place !== undefined) {
          const ids = (await listRules(tx)).map((r) => r.id).filter((id) => id !== created.id);
          ids.splice(Math.min(place - 1, ids.length), 0, created.id);
          await renumberRules(tx, ids);
        }
        return (await listRules(tx)).find((r) => r.id === created.id)!;
      });
    },

    async update(operator: OperatorIdentity, ruleId: number, change: Partial<Omit<RuleInput, 'place'>>) {
      requireManager(operator);
      checkRule(change);
      const updated = await updateRule(db, ruleId, change);
      if (!updated) throw notFound(`rule ${ruleId}`);
      return updated;
    },

    /** The new order of every rule: each id once, none left out, so no rule silently moves. */
    async reorder(operator: OperatorIdentity, ruleIds: number[]) {
      requireManager(operator);
      return withRulesLocked(db, async (tx) => {
        const known = (await listRules(tx)).map((r) => r.id);
        const given = new Set(ruleIds);
        if (given.size !== ruleIds.length) throw new DeskError('VALIDATION', 'body.ruleIds lists a rule twice');
        const unknown = ruleIds.filter((id) => !known.includes(id));
        if (unknown.length)
          throw new DeskError('VALIDATION', `body.ruleIds names unknown rules: ${unknown.join(', ')}`);
        const missing = known.filter((id) => !given.has(id));
        if (missing.length) throw new DeskError('VALIDATION', `body.ruleIds leaves out rules: ${missing.join(', ')}`);
        await renumberRules(tx, ruleIds);
        return listRules(tx);
      });
    },

    /** What the desk would decide for this text now: the rules that fired and why, the model's guess, the queue. */
    async dryRun(facts: RoutingFacts) {
      const { classification, queue } = await decide(facts);
      const {
        category,
        priority,
        source,
        suggestion,
        modelTop,
        combinedTop,
        service,
        supportLine,
        rulesOutcome,
        fired,
        evidence,
        rankedBy,
        externalFailure,
      } = classification;
      return {
        category,
        priority,
        source,
        suggestion,
        modelTop,
        combinedTop,
        rankedBy,
        ...(externalFailure ? { externalFailure } : {}),
        evidence,
        serviceCode: service?.code ?? null,
        supportLine,
        queue: queue ? { id: queue.id, code: queue.code } : null,
        rulesOutcome,
        fired,
      };
    },

    /** The category intake would give this text now (a status question is answered, not registered). */
    categoryOf: async (facts: RoutingFacts) => (await decide(facts)).classification.category,

    /** Retrains the category model now, through its workflow; a retrain already running is joined, not doubled. */
    async retrainCategoryModel(operator: OperatorIdentity) {
      requireManager(operator);
      const handle = await temporal.workflow.start(retrainCategoryModelWorkflow, {
        workflowId: retrainWorkflowId(taskQueue),
        taskQueue,
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
      return handle.result();
    },

    /** An operator confirms or corrects a ticket's category: what the category model learns from. */
    async recordCategoryVerdict(operator: OperatorIdentity, ticketId: number, category: string) {
      const ticket = await loadTicketFacts(db, ticketId);
      if (!ticket) throw notFound(`ticket ${ticketId}`);
      if (!isAssigneeOrManager(operator, ticket)) {
        throw new DeskError(
          'NOT_ASSIGNEE',
          `only the assignee of ticket ${ticketId} or a manager may confirm or correct its category`,
        );
      }
      const verdict = ticket.category === category ? 'confirmed' : 'corrected';
      await recordCategoryVerdict(db, { ticketId, category, was: ticket.category, operatorId: operator.id, verdict });
      return { ticketId, category, verdict };
    },
  };
}

export type RulesService = ReturnType<typeof createRulesService>;

const retrainWorkflowId = (taskQueue: string) => `category-model-retrain-${taskQueue}`;

/**
 * Retraining runs on a Temporal schedule, not a timer in the API process: it survives restarts,
 * never overlaps itself, and every run is on the record in Temporal.
 */
export async function ensureRetrainSchedule(temporal: Client, taskQueue: string, everyMs: number) {
  const options = {
    scheduleId: retrainWorkflowId(taskQueue),
    spec: { intervals: [{ every: everyMs }] },
    action: {
      type: 'startWorkflow' as const,
      workflowType: retrainCategoryModelWorkflow,
      taskQueue,
      workflowId: retrainWorkflowId(taskQueue),
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP },
  };
  try {
    await temporal.schedule.create(options);
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await temporal.schedule.getHandle(options.scheduleId).update((previous) => ({ ...previous, spec: options.spec }));
  }
}
