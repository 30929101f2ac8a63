import type { SlaPlan, SlaTerms } from '../../workflows/types';
import { addBusinessTime, type BusinessCalendar } from './calendar';

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
}

/** Warning, due and escalation instants of a target on the calendar; `computedAt` is the planner's clock. */
export function planSlaDeadlines(calendar: BusinessCalendar, input: PlanInput, now = new Date()): SlaPlan {
  const after = (ms: number) => addBusinessTime(calendar, input.from, Math.max(0, ms));
  const due = after(input.budgetMs - input.usedMs);
  return {
    warnAt: after(input.budgetMs * input.warningShare - input.usedMs).toISOString(),
    dueAt: due.toISOString(),
    escalateAt: input.escalationAfterMs.map((ms) => addBusinessTime(calendar, due, ms).toISOString()),
    computedAt: now.toISOString(),
  };
}
