import { describe, expect, it } from 'vitest';
import { aroundTheClock, zoneOffsetMs, type BusinessCalendar } from '../../src/domain/calendar';
import { planSlaDeadlines, slaTermsOf } from '../../src/domain/sla-plan';

const HOUR = 3_600_000;

describe('SLA terms and first deadlines, as intake starts the clock', () => {
  it('reads an agreement in business milliseconds, with at most three escalation levels', () => {
    const levels = [0, 2, 8, 24].map((hours, i) => ({ afterSeconds: hours * 3600, recipients: [`m${i}`] }));
    expect(
      slaTermsOf({ id: 7, responseSeconds: 3600, resolutionSeconds: 14_400, warningShare: '0.75', escalation: levels }),
    ).toEqual({
      agreementId: 7,
      responseMs: HOUR,
      resolutionMs: 4 * HOUR,
      warningShare: 0.75,
      escalationAfterMs: [0, 2 * HOUR, 8 * HOUR],
      escalationRecipients: [['m0'], ['m1'], ['m2']],
    });
  });

  it('warns at the share of the budget left, is due when it is spent, escalates after the due time', () => {
    const from = new Date('2026-03-02T10:00:00Z');
    const plan = planSlaDeadlines(
      aroundTheClock(),
      { from, budgetMs: 4 * HOUR, usedMs: HOUR, warningShare: 0.5, escalationAfterMs: [0, HOUR] },
      new Date('2026-03-02T10:00:01Z'),
    );
    expect(plan).toEqual({
      warnAt: '2026-03-02T11:00:00.000Z',
      dueAt: '2026-03-02T13:00:00.000Z',
      escalateAt: ['2026-03-02T13:00:00.000Z', '2026-03-02T14:00:00.000Z'],
      computedAt: '2026-03-02T10:00:01.000Z',
    });
  });

  it('counts working hours only: a budget running into the evening is due the next morning', () => {
    const office: BusinessCalendar = {
      timeZone: 'Europe/Moscow',
      week: { 1: [{ start: '09:00', end: '18:00' }], 2: [{ start: '09:00', end: '18:00' }] },
      holidays: [],
    };
    const from = new Date('2026-03-02T14:00:00Z'); // Monday 17:00 in Moscow
    const plan = planSlaDeadlines(office, {
      from,
      budgetMs: 2 * HOUR,
      usedMs: 0,
      warningShare: 0.5,
      escalationAfterMs: [],
    });
    expect(plan.warnAt).toBe('2026-03-02T15:00:00.000Z');
    expect(plan.dueAt).toBe('2026-03-03T07:00:00.000Z'); // Tuesday 10:00 in Moscow
  });
});

describe('zone offsets, remembered per second', () => {
  it('answers the same before and after it remembers, across a DST change', () => {
    const change = Date.parse('2026-03-29T01:00:00Z'); // Europe/Berlin: 02:00 CET becomes 03:00 CEST
    for (const at of [change - 1000, change, change + 1500]) {
      const first = zoneOffsetMs('Europe/Berlin', at);
      expect(zoneOffsetMs('Europe/Berlin', at)).toBe(first);
    }
    expect(zoneOffsetMs('Europe/Berlin', change - 1000)).toBe(HOUR);
    expect(zoneOffsetMs('Europe/Berlin', change)).toBe(2 * HOUR);
    expect(zoneOffsetMs('Asia/Kolkata', change)).toBe(5.5 * HOUR);
  });
});
