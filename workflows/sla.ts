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
}

export type SlaAlarm = { target: SlaTarget; kind: 'warn' | 'breach' | 'escalate'; at: number };

export function newTarget(kind: SlaTargetKind, budgetMs: number, since: number, terms: { warningShare: number; escalationAfterMs?: number[]; recipients?: string[]; index?: number }): SlaTarget {
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

/** A unique, stable key for the target's events. */
export const targetKey = (target: SlaTarget) => (target.kind === 'handover' ? `handover:${target.index}` : target.kind);

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
    })),
  };
}
