import { describe, expect, it } from 'vitest';
import { computeFigures } from '../../src/domain/figures';
import { digestPeriod, digestPurpose, digestText } from '../../src/domain/figures-digest';

const at = (iso: string) => new Date(iso);

describe('the managers’ digest', () => {
  it('covers the last whole local day, or the ISO week before this one (Moscow is UTC+3)', () => {
    // Tuesday 2026-03-10 08:00 MSK.
    const run = at('2026-03-10T05:00:00Z');
    expect(digestPeriod('daily', run, 'Europe/Moscow')).toEqual({
      from: at('2026-03-08T21:00:00Z'),
      to: at('2026-03-09T21:00:00Z'),
    });
    // Monday 2 March to Monday 9 March, local midnights.
    expect(digestPeriod('weekly', run, 'Europe/Moscow')).toEqual({
      from: at('2026-03-01T21:00:00Z'),
      to: at('2026-03-08T21:00:00Z'),
    });
    // Run on a Monday: the week that just ended.
    expect(digestPeriod('weekly', at('2026-03-09T05:00:00Z'), 'Europe/Moscow').from).toEqual(
      at('2026-03-01T21:00:00Z'),
    );
    // Just after local midnight: the day that just ended.
    expect(digestPeriod('daily', at('2026-03-09T21:00:00Z'), 'Europe/Moscow').from).toEqual(at('2026-03-08T21:00:00Z'));
  });

  it('names one copy per kind, period and manager', () => {
    const period = digestPeriod('daily', at('2026-03-10T05:00:00Z'), 'Europe/Moscow');
    expect(digestPurpose('daily', period, 'sidorova')).toBe('figures-digest:daily:2026-03-08T21:00:00.000Z:sidorova');
  });

  it('writes the figures in Russian and English, a dash for a figure with nothing to measure', () => {
    const period = { from: at('2026-03-08T21:00:00Z'), to: at('2026-03-09T21:00:00Z') };
    const figures = computeFigures(
      [
        {
          registeredAt: at('2026-03-09T06:00:00Z'),
          acceptedAt: at('2026-03-09T07:00:00Z'),
          resolvedAt: at('2026-03-09T09:00:00Z'),
          closedAt: null,
          stage: 'awaiting_survey',
          channel: 'email',
          resolutionDueAt: at('2026-03-09T12:00:00Z'),
          reopenings: [],
          csat: 4,
          nps: null,
          solvedLine: 1,
          handedOn: false,
          overdueReason: null,
          escalations: [],
          firstResponseBusinessMs: 3_600_000,
          times: null,
          workMinutes: 90,
          normMinutes: 60,
        },
      ],
      period,
      at('2026-03-10T05:00:00Z'),
    );
    const { subject, text } = digestText('daily', period, 'Europe/Moscow', figures, 'http://desk.test/dashboard.html');
    expect(subject).toBe('Показатели за день 2026-03-09 · Figures of the day');
    expect(text).toContain('Показатели за день 2026-03-09 / Figures of the day 2026-03-09 (Europe/Moscow)');
    expect(text).toContain('Решено / Resolved: 1');
    expect(text).toContain('SLA выполнен / SLA achieved: 100 %');
    expect(text).toContain('Медиана реакции (рабочее время): 1 ч / Median first response (business time): 1 h');
    expect(text).toContain('Медиана ожидания клиента: — / Median wait for the client: —');
    expect(text).toContain('Факт / норма / Actual / norm: 1.5');
    expect(text).toContain('CSI (0–100) / CSI (0–100): 75');
    expect(text).toContain('Негативные ответы (NRR) / Negative answers (NRR): 0 %');
    expect(text).toContain('NPS / NPS: —');
    expect(text.endsWith('Панель и определения / Dashboard and definitions: http://desk.test/dashboard.html')).toBe(
      true,
    );
  });
});
