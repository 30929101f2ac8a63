import type { Database } from '../db/client';
import { computeFigures, figuresByGroup, LONGEST_PERIOD_DAYS, type FigureGrouping } from '../domain/figures';
import { figureTickets, type FigureRow } from '../repositories/figures';
import { DeskError } from './errors';

const DAY_MS = 86_400_000;
/** Managers' figures over a period, for the whole desk and per group. */
export function createFigureService({ db, now = () => new Date() }: { db: Database; now?: () => Date }) {
  return {
    async figures(query: { from: string; to: string; groupBy?: FigureGrouping }) {
      const from = new Date(query.from);
      const to = new Date(query.to);
      // The schema's date-time format lets a leap second (23:59:60) through, which Date cannot hold.
      for (const [name, at] of [
        ['from', from],
        ['to', to],
      ] as const) {
        if (Number.isNaN(at.getTime()))
          throw new DeskError('VALIDATION', `querystring.${name} is not a usable date-time`);
      }
      if (to <= from) throw new DeskError('VALIDATION', 'querystring.to must be after querystring.from');
      if (to.getTime() - from.getTime() > LONGEST_PERIOD_DAYS * DAY_MS) {
        throw new DeskError('VALIDATION', `querystring.to: the period may be at most ${LONGEST_PERIOD_DAYS} days`);
      }
      const period = { from, to };
      const at = now();
      const tickets = await figureTickets(db, period);
      const groupBy = query.groupBy;
      return {
        from: from.toISOString(),
        to: to.toISOString(),
        now: at.toISOString(),
        total: computeFigures(tickets, period, at),
        ...(groupBy ? { groupBy, groups: figuresByGroup(tickets, (t: FigureRow) => t[groupBy], period, at) } : {}),
      };
    },
  };
}

export type FigureService = ReturnType<typeof createFigureService>;
