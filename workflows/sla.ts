/** The SLA clocks of one ticket as plain state: pure code, used by the ticket workflow. */
import type { SlaPlan, SlaStatus, SlaTargetKind } from './types';

export interface SlaTarget {
  kind: SlaTargetKind;
  /** Which handover this is (one per escalation that moved the ticket); 0 for response and resolution. */
  index: number;
  budgetMs: number;
  /** Business time used before the current run of the clock. */
  usedMs: number;
  /** When the clock last (re)started, workflow time; null while paused. */
  runningSince: number | null;
  warningShare: number;
  escalationAfterMs: number[];
  recipients: string[];
  plan?: SlaPlan;
  warned: boolean;
  breached: boolean;
  escalations: number;
  met: boolean;
  /** The ticket's round (a reopening starts the next); absent in round 1. */
  round?: number;
  /** The SLA change that last armed a warning or breach again; absent if none did. */
  rearmedBy?: number;
  /** Business time used when the breach fired: the escalation levels count their delays from it. */
  breachedAtUsedMs?: number;
}

export type SlaAlarm = { target: SlaTarget; kind: 'warn' | 'breach' | 'escalate'; at: number };

export function newTarget(
  kind: SlaTargetKind,
  budgetMs: number,
  since: number,
  terms: { warningShare: number; escalationAfterMs?: number[]; recipients?: string[]; index?: number },
): SlaTarget {
  return {
    kind,
    index: terms.index ?? 0,
    budgetMs,
    usedMs: 0,
    runningSince: since,
    warningShare: terms.warningShare,
    escalationAfterMs: terms.escalationAfterMs ?? [],
    recipients: terms.recipients ?? [],
    warned: false,
    breached: false,
    escalations: 0,
    met: false,
  };
}

/** The next thing the clock must do: warn, breach, or the next escalation level. */
export function nextAlarm(targets: SlaTarget[]): SlaAlarm | undefined {
  let next: SlaAlarm | undefined;
  for (const target of targets) {
    if (target.met || target.runningSince === null || !target.plan) continue;
    const { plan } = target;
    const alarm: SlaAlarm | undefined = !target.warned
      ? { target, kind: 'warn', at: Date.parse(plan.warnAt) }
      : !target.breached
        ? { target, kind: 'breach', at: Date.parse(plan.dueAt) }
        : target.escalations < plan.escalateAt.length
          ? { target, kind: 'escalate', at: Date.parse(plan.escalateAt[target.escalations]!) }
          : undefined;
    if (alarm && (!next || alarm.at < next.at)) next = alarm;
  }
  return next;
}

/**
 * A unique, stable key for the target's events: per handover, per round after a reopening, and
 * per SLA change that armed its warning or breach again (so the same alarm can be recorded again).
 */
export const targetKey = (target: SlaTarget) =>
  (target.kind === 'handover' ? `handover:${target.index}` : target.kind) +
  ((target.round ?? 1) > 1 ? `:${target.round}` : '') +
  (target.rearmedBy ? `:change${target.rearmedBy}` : '');

/**
 * Which clocks waiting for the client stops. Only the resolution clock (with its warning, breach
 * and escalation levels): the delay is the client's. The first response is the desk's own act
 * (a ticket waits for the client only once accepted, and accepting meets the response), and an
 * OLA handover measures how fast a line takes a ticket handed to it, which needs nothing from
 * the client (a ticket waiting for the client is in someone's hands: its handover is met).
 */
export const pausesWhileWaitingForClient = (kind: SlaTargetKind) => kind === 'resolution';

/**
 * A manager put the ticket under new terms: the time used stays. A warning or a breach that the
 * time used has not reached under the new terms is armed again and fires at its new instant
 * (the breach already recorded stays in the ticket's events); one the time used has reached
 * fires now if it had not yet. Escalation levels already run stay run. `change` numbers the
 * SLA change; returns whether anything was armed again.
 */
export function applyNewTerms(
  target: SlaTarget,
  terms: { budgetMs: number; warningShare: number; escalationAfterMs: number[] },
  change: number,
): boolean {
  target.budgetMs = terms.budgetMs;
  target.warningShare = terms.warningShare;
  target.escalationAfterMs = terms.escalationAfterMs;
  target.plan = undefined;
  const unbreached = target.breached && target.usedMs < terms.budgetMs;
  const unwarned = target.warned && target.usedMs < terms.budgetMs * terms.warningShare;
  if (unbreached) {
    target.breached = false;
    target.breachedAtUsedMs = undefined;
  }
  if (unwarned) target.warned = false;
  if (unbreached || unwarned) target.rearmedBy = change;
  return unbreached || unwarned;
}

/**
 * The resolution clock of a reopened ticket runs again from `since` with the time it had used
 * (the time between resolution and reopening does not count); its warning, breach and
 * escalation levels apply again in the new round, recorded under the round's keys.
 */
export function reopenTarget(target: SlaTarget, round: number, since: number): void {
  target.round = round;
  target.rearmedBy = undefined;
  target.met = false;
  target.warned = false;
  target.breached = false;
  target.breachedAtUsedMs = undefined;
  target.escalations = 0;
  target.runningSince = since;
  target.plan = undefined;
}

export function slaStatus(agreementId: number | null, supportLine: number, targets: SlaTarget[]): SlaStatus {
  return {
    agreementId,
    supportLine,
    targets: targets.map((t) => ({
      kind: t.kind,
      budgetMs: t.budgetMs,
      usedMs: t.usedMs,
      running: t.runningSince !== null && !t.met,
      warned: t.warned,
      breached: t.breached,
      escalations: t.escalations,
      met: t.met,
      dueAt: t.plan?.dueAt ?? null,
      round: t.round ?? 1,
    })),
  };
}
