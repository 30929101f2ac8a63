/** JSON schemas of `/rules` (classification rules, dry-run) and `/category-model` (retraining). */
import { classificationSources, intakeChannels, ruleKinds, ticketPriorities } from '../../domain/enums';
import { rowId } from './common';

const words = { type: 'array', items: { type: 'string', minLength: 1, maxLength: 100 }, maxItems: 200 } as const;
const codes = { type: 'array', items: { type: 'string', minLength: 1, maxLength: 100 }, maxItems: 50 } as const;

export const ruleCondition = {
  type: 'object',
  additionalProperties: false,
  description:
    'All given conditions must hold; within a list any entry will do. Words match by stem (ru/en); "word*" matches a prefix.',
  properties: {
    words,
    pattern: {
      type: 'string',
      minLength: 1,
      maxLength: 500,
      description: 'Regular expression over the lower-cased subject and description (ё read as е)',
    },
    channels: { type: 'array', items: { type: 'string', enum: intakeChannels } },
    clientCategories: codes,
    productGroups: codes,
    locations: codes,
    serviceCodes: codes,
  },
} as const;

export const ruleOutcome = {
  type: 'object',
  additionalProperties: false,
  description: 'Each field is taken from the first enabled rule, in order, that fires and sets it',
  properties: {
    category: { type: 'string', minLength: 1, maxLength: 100 },
    priority: { type: 'string', enum: ticketPriorities },
    queueCode: { type: 'string', minLength: 1, maxLength: 100 },
    serviceCode: { type: 'string', minLength: 1, maxLength: 100 },
    supportLine: { type: 'integer', minimum: 1, maximum: 3 },
  },
} as const;

const ruleKind = {
  type: 'string',
  enum: ruleKinds,
  description:
    "authoritative: a manager's hard routing, always wins; evidence: a word list whose category adds weight to the category model's probabilities (its other fields apply when no authoritative rule set them)",
} as const;

const ranked = {
  type: 'array',
  items: { type: 'object', properties: { category: { type: 'string' }, confidence: { type: 'number' } } },
} as const;

export const ruleSchema = {
  $id: 'Rule',
  type: 'object',
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    position: { type: 'integer' },
    enabled: { type: 'boolean' },
    kind: ruleKind,
    condition: { type: 'object', additionalProperties: true },
    outcome: { type: 'object', additionalProperties: true },
  },
} as const;

export const newRuleBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    condition: ruleCondition,
    outcome: ruleOutcome,
    enabled: { type: 'boolean' },
    kind: { ...ruleKind, default: 'authoritative' },
    place: { ...rowId, description: '1-based place among the rules; the end if absent' },
  },
  required: ['name', 'condition', 'outcome'],
} as const;

export const ruleChangeBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    name: newRuleBody.properties.name,
    condition: ruleCondition,
    outcome: ruleOutcome,
    enabled: { type: 'boolean', description: 'false disables the rule' },
    kind: ruleKind,
  },
} as const;

export const reorderBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ruleIds: {
      type: 'array',
      items: rowId,
      minItems: 1,
      maxItems: 10000,
      description: 'Every rule id, in the new order',
    },
  },
  required: ['ruleIds'],
} as const;

export const dryRunBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    subject: { type: 'string', maxLength: 300, default: '' },
    description: { type: 'string', maxLength: 20000, default: '' },
    channel: { type: 'string', enum: intakeChannels, default: 'api' },
    clientCategory: { type: 'string', minLength: 1, maxLength: 100, default: 'one_time' },
    productGroup: { type: 'string', maxLength: 100 },
    location: { type: 'string', maxLength: 100 },
    serviceCode: { type: 'string', maxLength: 100 },
  },
} as const;

export const dryRunResult = {
  type: 'object',
  properties: {
    category: { type: 'string' },
    priority: { type: 'string' },
    source: { type: 'string', enum: classificationSources },
    suggestion: {
      type: ['object', 'null'],
      properties: { category: { type: 'string' }, confidence: { type: 'number' } },
    },
    modelTop: { ...ranked, description: "The category model's three likeliest categories with their probabilities" },
    combinedTop: { ...ranked, description: 'The three likeliest once evidence rules added their weight' },
    rankedBy: {
      type: ['string', 'null'],
      description:
        "Whose ranking was weighed: `local` (the desk's model), `external:<model>` (CLASSIFIER_URL), or null (no model)",
    },
    externalFailure: {
      type: 'string',
      description: 'Why the configured external classifier gave no ranking; the local model was weighed instead',
    },
    evidence: {
      type: 'array',
      description: 'Evidence rules that fired: the category each spoke for and the words that made it fire',
      items: {
        type: 'object',
        properties: {
          ruleId: { type: 'integer' },
          name: { type: 'string' },
          category: { type: 'string' },
          because: { type: 'array', items: { type: 'string' } },
        },
      },
    },
    serviceCode: { type: ['string', 'null'] },
    supportLine: { type: 'integer' },
    queue: { type: ['object', 'null'], properties: { id: { type: 'integer' }, code: { type: 'string' } } },
    rulesOutcome: { type: 'object', additionalProperties: true },
    fired: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          ruleId: { type: 'integer' },
          name: { type: 'string' },
          kind: { type: 'string', enum: ruleKinds },
          decided: { type: 'array', items: { type: 'string' } },
          because: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
} as const;

export const retrained = {
  type: 'object',
  properties: {
    modelId: { type: ['integer', 'null'] },
    trainingTickets: { type: 'integer' },
    categories: { type: 'array', items: { type: 'string' } },
    changed: { type: 'boolean' },
  },
} as const;
