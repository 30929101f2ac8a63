import { addBusinessTime, type BusinessCalendar } from './calendar';

/** The agreement a ticket runs under, in business milliseconds. */
export interface SlaTerms {
  agreementId: number;
  responseMs: number;
  resolutionMs: number;
  warningShare: number;
  /** Delay of each escalation level after the breach, in business ms (up to three). */
  escalationAfterMs: number[];
  /** Operators told at each escalation level. */
  escalationRecipients: string[][];
}

/** Deadlines of one target, computed on the calendar from where its clock (re)started. */
export interface SlaPlan {
  warnAt: string;
  dueAt: string;
  escalateAt: string[];
  /** The activity's clock when it planned (absent in plans recorded before it was added). */
  computedAt?: string;
}

/** The SLA clock as intake starts it: the agreement's terms and both targets' first deadlines. */
export interface SlaStart {
  terms: SlaTerms;
  plans: { response: SlaPlan; resolution: SlaPlan };
}

/** An agreement as stored: seconds, a numeric share, and escalation levels. */
export interface AgreementTerms {
  id: number;
  responseSeconds: number;
  resolutionSeconds: number;
  warningShare: string | number;
  escalation: Array<{ afterSeconds: number; recipients: string[] }>;
}

/** What the ticket's SLA clock runs on, in business milliseconds (three escalation levels at most). */
export function slaTermsOf(agreement: AgreementTerms): SlaTerms {
  return {
    agreementId: agreement.id,
    responseMs: agreement.responseSeconds * 1000,
    resolutionMs: agreement.resolutionSeconds * 1000,
    warningShare: Number(agreement.warningShare),
    escalationAfterMs: agreement.escalation.slice(0, 3).map((level) => level.afterSeconds * 1000),
    escalationRecipients: agreement.escalation.slice(0, 3).map((level) => level.recipients),
  };
}

export interface PlanInput {
  /** Where the target's clock (re)started. */
  from: Date;
  budgetMs: number;
  /** Business time already used before `from`. */
  usedMs: number;
  warningShare: number;
  escalationAfterMs: number[];
  /** Once breached: the clock's reading at the breach, from which the escalation levels count. */
  breachedAtUsedMs?: number;
}

/**
 * Warning, due and escalation instants of a target on the calendar; `computedAt` is the planner's
 * clock. Each is a point on the target's own business time: the warning at its share of the
 * budget, the breach at the budget, escalation level n its delay after the breach (after
 * `breachedAtUsedMs` once breached), so a pause stops the escalation levels too and a resume goes
 * on with what was left of their delay.
 */
export function planSlaDeadlines(calendar: BusinessCalendar, input: PlanInput, now = new Date()): SlaPlan {
  const at = (clockMs: number) => addBusinessTime(calendar, input.from, Math.max(0, clockMs - input.usedMs));
  const breachAt = input.breachedAtUsedMs ?? Math.max(input.budgetMs, input.usedMs);
  return {
    warnAt: at(input.budgetMs * input.warningShare).toISOString(),
    dueAt: at(input.budgetMs).toISOString(),
    escalateAt: input.escalationAfterMs.map((ms) => at(breachAt + ms).toISOString()),
    computedAt: now.toISOString(),
  };
}
