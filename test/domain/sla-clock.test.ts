import { describe, expect, it } from 'vitest';
import { newTarget, nextAlarm, slaStatus, targetKey } from '../../workflows/sla';

const t0 = Date.parse('2026-01-12T09:00:00Z');
const iso = (offsetMs: number) => new Date(t0 + offsetMs).toISOString();
const planned = (kind: 'response' | 'resolution', warn: number, due: number, escalate: number[] = []) => {
  const target = newTarget(kind, due, t0, { warningShare: 0.8, escalationAfterMs: escalate });
  target.plan = { warnAt: iso(warn), dueAt: iso(due), escalateAt: escalate.map((ms) => iso(due + ms)) };
  return target;
};

describe('the SLA clock picks one alarm at a time', () => {
  it('walks a target through warning, breach and its escalation levels in order', () => {
    const response = planned('response', 800, 1_000, [0, 2_000, 4_000]);
    const seen: string[] = [];
    for (let alarm = nextAlarm([response]); alarm; alarm = nextAlarm([response])) {
      seen.push(`${alarm.kind}@${alarm.at - t0}`);
      if (alarm.kind === 'warn') response.warned = true;
      else if (alarm.kind === 'breach') response.breached = true;
      else response.escalations++;
    }
    expect(seen).toEqual(['warn@800', 'breach@1000', 'escalate@1000', 'escalate@3000', 'escalate@5000']);
  });

  it('takes the nearest alarm across targets and skips met, paused and unplanned ones', () => {
    const response = planned('response', 8_000, 10_000);
    const resolution = planned('resolution', 5_000, 60_000);
    expect(nextAlarm([response, resolution])).toMatchObject({ target: resolution, kind: 'warn', at: t0 + 5_000 });
    resolution.runningSince = null;
    expect(nextAlarm([response, resolution])).toMatchObject({ target: response, kind: 'warn' });
    response.met = true;
    expect(nextAlarm([response, resolution])).toBeUndefined();
    expect(nextAlarm([newTarget('resolution', 1_000, t0, { warningShare: 0.8 })])).toBeUndefined();
  });

  it('names handovers apart and reports the clocks', () => {
    const handover = newTarget('handover', 3_600_000, t0, { warningShare: 0.8, index: 2, recipients: ['sidorova'] });
    expect(targetKey(handover)).toBe('handover:2');
    const status = slaStatus(7, 2, [planned('response', 1, 2), handover]);
    expect(status).toMatchObject({
      agreementId: 7,
      supportLine: 2,
      targets: [
        { kind: 'response', running: true, dueAt: iso(2) },
        { kind: 'handover', dueAt: null, met: false },
      ],
    });
  });
});
