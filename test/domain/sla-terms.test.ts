import { describe, expect, it } from 'vitest';
import {
  applyNewTerms,
  newTarget,
  pausesWhileWaitingForClient,
  reopenTarget,
  targetKey,
  type SlaTarget,
} from '../../workflows/sla';

const t0 = Date.parse('2026-01-12T09:00:00Z');
const target = (used: number, flags: Partial<SlaTarget> = {}) =>
  Object.assign(
    newTarget('resolution', 10_000, t0, { warningShare: 0.5, escalationAfterMs: [0, 1_000] }),
    { usedMs: used },
    flags,
  );

describe('SLA terms, rounds and pauses as plain state', () => {
  it('arms again on an SLA change only what the time used has not reached under the new terms', () => {
    const longer = target(12_000, { warned: true, breached: true, escalations: 1, breachedAtUsedMs: 10_000 });
    expect(applyNewTerms(longer, { budgetMs: 20_000, warningShare: 0.5, escalationAfterMs: [] }, 3)).toBe(true);
    expect(longer).toMatchObject({
      warned: true,
      breached: false,
      escalations: 1,
      budgetMs: 20_000,
      rearmedBy: 3,
      breachedAtUsedMs: undefined,
    });
    expect(targetKey(longer)).toBe('resolution:change3');

    const both = target(4_000, { warned: true, breached: true });
    expect(applyNewTerms(both, { budgetMs: 30_000, warningShare: 0.5, escalationAfterMs: [] }, 1)).toBe(true);
    expect(both).toMatchObject({ warned: false, breached: false });

    const stillBreached = target(12_000, { warned: true, breached: true });
    expect(applyNewTerms(stillBreached, { budgetMs: 5_000, warningShare: 0.5, escalationAfterMs: [] }, 2)).toBe(false);
    expect(stillBreached).toMatchObject({ warned: true, breached: true });
    expect(stillBreached.rearmedBy).toBeUndefined();
    expect(targetKey(stillBreached)).toBe('resolution');

    // Not warned yet, and past the new warning point: nothing to arm, the clock warns when it plans.
    const notYet = target(3_000);
    expect(applyNewTerms(notYet, { budgetMs: 5_000, warningShare: 0.5, escalationAfterMs: [] }, 4)).toBe(false);
    expect(notYet.warned).toBe(false);
  });

  it('runs a reopened resolution clock with the time used, every alarm armed again, keyed by round', () => {
    const resolved = target(12_000, {
      warned: true,
      breached: true,
      escalations: 2,
      met: true,
      runningSince: null,
      rearmedBy: 1,
    });
    reopenTarget(resolved, 2, t0 + 60_000);
    expect(resolved).toMatchObject({
      usedMs: 12_000,
      met: false,
      warned: false,
      breached: false,
      escalations: 0,
      runningSince: t0 + 60_000,
      round: 2,
      rearmedBy: undefined,
      plan: undefined,
    });
    expect(targetKey(resolved)).toBe('resolution:2');
    resolved.rearmedBy = 5;
    expect(targetKey(resolved)).toBe('resolution:2:change5');
  });

  it('pauses only the resolution clock while the ticket waits for the client', () => {
    expect(pausesWhileWaitingForClient('resolution')).toBe(true);
    expect(pausesWhileWaitingForClient('response')).toBe(false);
    expect(pausesWhileWaitingForClient('handover')).toBe(false);
  });
});
