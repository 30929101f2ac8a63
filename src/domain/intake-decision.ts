/**
 * What the desk decides for a new ticket — category, priority, catalog service, support line,
 * queue and the SLA clock's start — from one version of the reference data, with no I/O. The
 * intake activity writes this decision; `POST /rules/dry-run` shows it, so the two cannot drift.
 */
import type { BusinessCalendar } from './calendar';
import { rankCategories, type CategoryModel } from './category-model';
import type { ExternalAnswer } from './external-classification';
import { chooseQueue, classifyTicket, type QueueFacts, type QueueFilter, type TicketClassification } from './classify';
import {
  applyRules,
  type CompiledRules,
  type Evidence,
  type FiredRule,
  type RoutingFacts,
  type RuleOutcome,
  type RulesDecision,
} from './rules';
import { planSlaDeadlines, slaTermsOf, type AgreementTerms } from './sla-plan';

export interface IntakeService {
  id: number;
  code: string;
  category: string;
  keywords: string[];
  isCategoryDefault: boolean;
  supportLine: number;
}

export interface IntakeQueue extends QueueFilter {
  groupId: number;
  autoAssign: boolean;
  supportLine: number;
}

export interface IntakeAgreement extends AgreementTerms {
  serviceId: number;
  clientCategory: string;
  calendarId: number | null;
}

/** The reference data a ticket is decided with: only active catalog services, in id order. */
export interface IntakeReference {
  rules: CompiledRules;
  model: CategoryModel | undefined;
  services: IntakeService[];
  queues: IntakeQueue[];
  agreements: IntakeAgreement[];
  /** Each operator group's calendar id (null: the desk's default). */
  groupCalendars: Map<number, number | null>;
  calendar(id: number | null, at: Date): BusinessCalendar;
}

/** The classification with the rules that fired and what they decided together. */
export type IntakeClassification = TicketClassification<IntakeService> & {
  fired: FiredRule[];
  /** Evidence rules that fired, with the category each spoke for and its words. */
  evidence: Evidence[];
  rulesOutcome: RuleOutcome;
  /** Whose ranking was weighed: the desk's own model, the external classifier (by its model's name), or none. */
  rankedBy: 'local' | `external:${string}` | null;
  /** Why the configured external classifier gave no ranking (the local model's was weighed instead). */
  externalFailure?: string;
};

export type SlaClockStart = {
  terms: ReturnType<typeof slaTermsOf>;
  plans: { response: ReturnType<typeof planSlaDeadlines>; resolution: ReturnType<typeof planSlaDeadlines> };
};

export interface IntakeDecision {
  classification: IntakeClassification;
  /** Undefined only when no queue takes the ticket and there is no fallback queue. */
  queue: IntakeQueue | undefined;
  /** Given a start: the agreement's clock, null when no agreement covers the ticket. */
  sla?: SlaClockStart | null;
}

/** The categories a ranking may name: those of the model, the catalog, the enabled rules and the queues' filters, sorted. */
export function knownCategories(reference: IntakeReference): string[] {
  return [
    ...new Set([
      ...(reference.model?.categories ?? []),
      ...reference.services.map((s) => s.category),
      ...reference.rules.rules.flatMap(({ rule }) =>
        rule.enabled && rule.outcome.category ? [rule.outcome.category] : [],
      ),
      ...reference.queues.flatMap((q) => q.categories),
    ]),
  ].sort();
}

/**
 * Authoritative rules, else the probabilities of the external classifier (when it answered) or of
 * the local model, weighed with evidence rules, else triage; then the service and the support line.
 */
export function classifyFacts(
  reference: IntakeReference,
  facts: RoutingFacts,
  external?: ExternalAnswer,
): IntakeClassification {
  const rules = withRequestedService(applyRules(reference.rules, facts), reference.services, facts.serviceCode);
  const answered = external && 'ranking' in external ? external : undefined;
  const local =
    answered || !reference.model ? [] : rankCategories(reference.model, `${facts.subject}\n${facts.description}`);
  const ranking = answered ? answered.ranking : local;
  // An external model counts as one that has seen enough to weigh evidence.
  const verdicts = answered
    ? Infinity
    : reference.model
      ? Object.values(reference.model.tickets).reduce((a, b) => a + b, 0)
      : 0;
  return {
    ...classifyTicket(rules, ranking, reference.services, `${facts.subject} ${facts.description}`, verdicts),
    fired: rules.fired,
    evidence: rules.evidence,
    rulesOutcome: rules.outcome,
    rankedBy: answered ? `external:${answered.model}` : local.length ? 'local' : null,
    ...(external && 'failure' in external ? { externalFailure: external.failure } : {}),
  };
}

/**
 * A catalog service the channel asks for (a missed call asks for `call-back`) decides the
 * service and its category as an authoritative rule placed after the manager's would: what
 * their rules decided still wins. A service not in the catalog (or inactive) asks for nothing.
 */
function withRequestedService(
  rules: RulesDecision,
  services: IntakeService[],
  code: string | null | undefined,
): RulesDecision {
  const requested = code ? services.find((s) => s.code === code) : undefined;
  if (!requested) return rules;
  return { ...rules, outcome: { category: requested.category, serviceCode: requested.code, ...rules.outcome } };
}

/** The queue a rule named, else the first queue whose filter takes the ticket, else the fallback (triage) queue. */
export const chooseIntakeQueue = (reference: IntakeReference, facts: QueueFacts, namedByRule: string | null) =>
  chooseQueue(reference.queues, facts, namedByRule);

/** The agreement for a catalog service and a client category, if there is one. */
export const agreementOf = (
  reference: IntakeReference,
  serviceId: number | null | undefined,
  clientCategory: string,
) =>
  serviceId == null
    ? undefined
    : reference.agreements.find((a) => a.serviceId === serviceId && a.clientCategory === clientCategory);

/** The calendar an agreement counts on: its own, else that of the team working the queue, else the desk's default. */
export function agreementCalendarOf(
  reference: IntakeReference,
  agreement: IntakeAgreement,
  queueGroupId: number | null,
  at: Date,
): BusinessCalendar {
  if (agreement.calendarId != null) return reference.calendar(agreement.calendarId, at);
  return reference.calendar(queueGroupId === null ? null : (reference.groupCalendars.get(queueGroupId) ?? null), at);
}

/** The agreement for the ticket's service and client (or the one it already has) and both targets' first deadlines. */
export function startSlaClock(
  reference: IntakeReference,
  ticket: { serviceId: number | null | undefined; clientCategory: string; queueGroupId: number | null },
  startedAt: Date,
  agreed?: IntakeAgreement,
): SlaClockStart | null {
  const agreement = agreed ?? agreementOf(reference, ticket.serviceId, ticket.clientCategory);
  if (!agreement) return null;
  const terms = slaTermsOf(agreement);
  const calendar = agreementCalendarOf(reference, agreement, ticket.queueGroupId, startedAt);
  const plan = (budgetMs: number) =>
    planSlaDeadlines(calendar, {
      from: startedAt,
      budgetMs,
      usedMs: 0,
      warningShare: terms.warningShare,
      escalationAfterMs: terms.escalationAfterMs,
    });
  return { terms, plans: { response: plan(terms.responseMs), resolution: plan(terms.resolutionMs) } };
}

/** The whole decision for a ticket's facts; the SLA clock only when given the instant it starts. */
export function decideIntake(
  reference: IntakeReference,
  facts: RoutingFacts,
  slaStartedAt?: Date,
  external?: ExternalAnswer,
): IntakeDecision {
  const classification = classifyFacts(reference, facts, external);
  const { category, priority, service, supportLine } = classification;
  const queue = chooseIntakeQueue(
    reference,
    {
      category,
      priority,
      clientCategory: facts.clientCategory,
      channel: facts.channel,
      supportLine,
      region: facts.location ?? null,
    },
    classification.queueCode,
  );
  if (slaStartedAt === undefined || !queue) return { classification, queue };
  const sla = startSlaClock(
    reference,
    { serviceId: service?.id, clientCategory: facts.clientCategory, queueGroupId: queue.groupId },
    slaStartedAt,
  );
  return { classification, queue, sla };
}
