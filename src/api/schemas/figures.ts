/** JSON schemas of the managers' figures; each figure's description is its published definition. */
import { clientCategories, intakeChannels } from '../../domain/enums';
import {
  ageingBuckets,
  drillableFigures,
  escalationLevels,
  figureGroupings,
  LONGEST_PERIOD_DAYS,
  LONGEST_TICKET_LIST,
} from '../../domain/figures';
import { figureDefinitions, type FigureName } from '../../domain/figure-definitions';
import { LONGEST_SERIES, seriesIntervals } from '../../domain/figure-series';
import { stage } from './common';

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

const durationProperties = duration('firstResponse').properties;

const filterProperties = {
  queue: { type: 'string', minLength: 1, maxLength: 64, description: 'Only tickets in this queue (code) now' },
  category: { type: 'string', minLength: 1, maxLength: 100, description: 'Only tickets of this category' },
  clientCategory: { type: 'string', enum: clientCategories, description: 'Only tickets of clients of this category' },
  channel: { type: 'string', enum: intakeChannels, description: 'Only tickets that came in by this channel' },
  supportLine: { type: 'integer', minimum: 1, maximum: 9, description: 'Only tickets on this support line now' },
  operator: { type: 'string', minLength: 1, maxLength: 64, description: 'Only tickets held by this operator now' },
  service: { type: 'string', minLength: 1, maxLength: 64, description: 'Only tickets of this catalog service (code)' },
} as const;

const periodProperties = {
  from: { type: 'string', format: 'date-time', description: 'Start of the period, inclusive' },
  to: {
    type: 'string',
    format: 'date-time',
    description: `End of the period, exclusive: after \`from\`, at most ${LONGEST_PERIOD_DAYS} days later`,
  },
  ...filterProperties,
} as const;

const groupingProperties = {
  groupBy: {
    type: 'string',
    enum: figureGroupings,
    description:
      'Also give the figures per group: each ticket in the group of its queue, category, client category, channel, support line, assignee or catalog service now',
  },
  interval: {
    type: 'string',
    enum: seriesIntervals,
    description: `Also give a series: the figures per day, ISO week or month in the desk's time zone (first and last cut by the period; at most ${LONGEST_SERIES})`,
  },
} as const;

export const figuresQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { ...periodProperties, ...groupingProperties },
  required: ['from', 'to'],
} as const;

export const figuresStreamQuery = {
  type: 'object',
  additionalProperties: false,
  // The filters are taken (a page sends its whole query) and do not narrow the stream: any event may change a figure.
  properties: periodProperties,
  required: ['from', 'to'],
} as const;

export const figuresCsvQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...periodProperties,
    ...groupingProperties,
    table: {
      type: 'string',
      enum: ['total', 'groups', 'series', 'overdue', 'lines', 'moves', 'tickets'],
      description:
        'Which table: the desk as a whole (one row), per group (needs groupBy), per interval (needs interval), overdue per reason, business time per support line (lines), skips, reassignments, returns and transfers per operator (moves), or the tickets behind `figure`',
    },
    figure: { type: 'string', enum: drillableFigures, description: 'For table=tickets: whose tickets' },
  },
  required: ['from', 'to', 'table'],
} as const;

export const figureTicketsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...periodProperties,
    figure: {
      type: 'string',
      enum: drillableFigures,
      description:
        'The count whose tickets to list: registered, accepted, resolved, closed, reopened or escalated in the period, the backlog now, or resolved in it after the deadline (overdue)',
    },
    limit: { type: 'integer', minimum: 1, maximum: LONGEST_TICKET_LIST, default: 100 },
  },
  required: ['from', 'to', 'figure'],
} as const;

export const figureTicketsAnswer = {
  type: 'object',
  properties: {
    figure: { type: 'string' },
    total: { type: 'integer', description: 'How many tickets are behind the figure (the list may be cut at limit)' },
    tickets: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'integer' },
          stage,
          channel: { type: 'string' },
          category: { type: ['string', 'null'] },
          queue: { type: ['string', 'null'] },
          assigneeId: { type: ['string', 'null'] },
          supportLine: { type: 'integer' },
          createdAt: { type: 'string', format: 'date-time' },
          resolvedAt: { type: ['string', 'null'], format: 'date-time' },
          subject: { type: 'string', description: 'Managers only' },
          clientName: { type: ['string', 'null'], description: 'Managers only' },
        },
      },
    },
  },
} as const;

const figureProperties = {
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
  firstResponseBusiness: duration('firstResponseBusiness'),
  firstResolutionBusiness: duration('firstResolutionBusiness'),
  resolutionBusiness: duration('resolutionBusiness'),
  waitingForClient: {
    ...duration('waitingForClient'),
    properties: { ...durationProperties, totalMs: { type: 'integer', description: 'Summed over the tickets' } },
  },
  queueWaitBusiness: duration('queueWaitBusiness'),
  perSupportLineBusiness: {
    type: 'array',
    description: defined('perSupportLineBusiness'),
    items: { type: 'object', properties: { supportLine: { type: 'integer' }, ...durationProperties } },
  },
  workVsNorm: {
    type: 'object',
    description: defined('workVsNorm'),
    properties: {
      tickets: { type: 'integer', description: 'Tickets with a norm quoted' },
      workMinutes: { type: 'integer' },
      normMinutes: { type: 'integer' },
      ratio: { type: ['number', 'null'] },
    },
  },
  slaAchievedPercent: share('slaAchievedPercent'),
  csatMean: share('csatMean'),
  csatTop2BoxPercent: share('csatTop2BoxPercent'),
  surveyResponseRatePercent: share('surveyResponseRatePercent'),
  reopenRatePercent: share('reopenRatePercent'),
  npsScore: share('npsScore'),
  npsResponses: count('npsResponses'),
  csi: share('csi'),
  nrrPercent: share('nrrPercent'),
  fcrPercent: share('fcrPercent'),
  escalations: counts(escalationLevels, 'escalations'),
  overdueByReason: {
    type: 'array',
    description: defined('overdueByReason'),
    items: {
      type: 'object',
      properties: {
        reason: { type: ['string', 'null'] },
        count: { type: 'integer' },
        percent: { type: 'number' },
      },
    },
  },
} as const;

const figures = { type: 'object', properties: figureProperties } as const;

const { backlog: _backlog, backlogAgeing: _ageing, ...intervalProperties } = figureProperties;

export const figuresReport = {
  type: 'object',
  properties: {
    from: { type: 'string', format: 'date-time' },
    to: { type: 'string', format: 'date-time' },
    now: { type: 'string', format: 'date-time', description: 'The moment the backlog is counted at' },
    total: figures,
    timeZone: {
      type: 'string',
      description: 'The desk’s time zone, which the series’ intervals follow (DESK_TIME_ZONE)',
    },
    filters: { type: 'object', properties: filterProperties, description: 'The filters applied' },
    groupBy: { type: 'string', enum: figureGroupings },
    interval: { type: 'string', enum: seriesIntervals },
    series: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          from: { type: 'string', format: 'date-time' },
          to: { type: 'string', format: 'date-time' },
          ...intervalProperties,
          openAtEnd: count('openAtEnd'),
        },
      },
    },
    groups: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          group: {
            type: ['string', 'null'],
            description:
              'Queue code, category, client category, channel, support line, operator id or service code; null: none',
          },
          figures,
          load: {
            type: 'object',
            description:
              'With groupBy=operator: the operator’s load now — tickets held (open, assigned to them), offers open to them, and their ticket limit (held + offered stop `next` at the limit) / Загрузка оператора сейчас: заявки в работе, открытые предложения и лимит',
            properties: { held: { type: 'integer' }, offered: { type: 'integer' }, limit: { type: 'integer' } },
          },
        },
      },
    },
    operatorMoves: {
      type: 'array',
      description: defined('operatorMoves'),
      items: {
        type: 'object',
        properties: {
          operator: { type: 'string' },
          skipped: { type: 'integer' },
          skipReasons: {
            type: 'array',
            items: {
              type: 'object',
              properties: { reason: { type: ['string', 'null'] }, count: { type: 'integer' } },
            },
          },
          reassignedAway: { type: 'integer' },
          returnedToQueue: { type: 'integer' },
          transferred: { type: 'integer' },
        },
      },
    },
  },
} as const;
