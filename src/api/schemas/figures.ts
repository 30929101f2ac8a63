/** JSON schemas of the managers' figures; each figure's description is its published definition. */
import { intakeChannels } from '../../domain/enums';
import {
  ageingBuckets,
  figureDefinitions,
  figureGroupings,
  LONGEST_PERIOD_DAYS,
  type FigureName,
} from '../../domain/figures';

const defined = (name: FigureName) => `${figureDefinitions[name].en} / ${figureDefinitions[name].ru}`;
const count = (name: FigureName) => ({ type: 'integer', description: defined(name) }) as const;
const share = (name: FigureName) => ({ type: ['number', 'null'], description: defined(name) }) as const;
const counts = (keys: readonly string[], name: FigureName) =>
  ({
    type: 'object',
    description: defined(name),
    properties: Object.fromEntries(keys.map((key) => [key, { type: 'integer' }])),
  }) as const;
const duration = (name: FigureName) =>
  ({
    type: 'object',
    description: defined(name),
    properties: {
      count: { type: 'integer', description: 'Tickets measured' },
      medianMs: { type: ['integer', 'null'] },
      p90Ms: { type: ['integer', 'null'] },
    },
  }) as const;

export const figuresQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    from: { type: 'string', format: 'date-time', description: 'Start of the period, inclusive' },
    to: {
      type: 'string',
      format: 'date-time',
      description: `End of the period, exclusive: after \`from\`, at most ${LONGEST_PERIOD_DAYS} days later`,
    },
    groupBy: {
      type: 'string',
      enum: figureGroupings,
      description:
        'Also give the figures per group: each ticket in the group of its queue, category, channel or assignee now',
    },
  },
  required: ['from', 'to'],
} as const;

const figures = {
  type: 'object',
  properties: {
    registered: count('registered'),
    accepted: count('accepted'),
    resolved: count('resolved'),
    closed: count('closed'),
    reopened: count('reopened'),
    backlog: count('backlog'),
    backlogAgeing: counts(ageingBuckets, 'backlogAgeing'),
    registeredPerChannel: counts(intakeChannels, 'registeredPerChannel'),
    firstResponse: duration('firstResponse'),
    resolution: duration('resolution'),
    slaAchievedPercent: share('slaAchievedPercent'),
    csatMean: share('csatMean'),
    csatTop2BoxPercent: share('csatTop2BoxPercent'),
    surveyResponseRatePercent: share('surveyResponseRatePercent'),
    reopenRatePercent: share('reopenRatePercent'),
  },
} as const;

export const figuresReport = {
  type: 'object',
  properties: {
    from: { type: 'string', format: 'date-time' },
    to: { type: 'string', format: 'date-time' },
    now: { type: 'string', format: 'date-time', description: 'The moment the backlog is counted at' },
    total: figures,
    groupBy: { type: 'string', enum: figureGroupings },
    groups: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          group: { type: ['string', 'null'], description: 'Queue code, category, channel or operator id; null: none' },
          figures,
        },
      },
    },
  },
} as const;
