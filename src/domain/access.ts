/**
 * Who may do what to a ticket: the one home of these rules. Services, repositories (the blind
 * listing) and the workflow's validators ask here; see "Where a permission is enforced" in the
 * README's layout section.
 */

/** The acting member of staff as the rules need them. */
export interface Actor {
  id: string;
  role: 'operator' | 'manager';
  groupIds: readonly number[];
}

/** Managers audit and steer: they see every ticket and may act on any of them. */
export const isManager = (actor: Pick<Actor, 'role'>): boolean => actor.role === 'manager';

/** The ticket's assignee, or a manager: who sees a ticket's contents and acts on it as its holder. */
export const isAssigneeOrManager = (
  actor: Pick<Actor, 'id' | 'role'>,
  ticket: { assigneeId: string | null | undefined },
): boolean => isManager(actor) || (ticket.assigneeId != null && ticket.assigneeId === actor.id);

/** Blind queues: a ticket's subject, description and client are shown only to its assignee and managers. */
export const maySeeDetails = isAssigneeOrManager;

/** An operator takes work only from the queues of their groups. */
export const isInQueueGroup = (actor: Pick<Actor, 'groupIds'>, queueGroupId: number | null | undefined): boolean =>
  queueGroupId != null && actor.groupIds.includes(queueGroupId);

/**
 * Who may reassign, return or transfer a ticket: its assignee, a manager, or — while the ticket
 * still waits in its queue (triage) — a member of that queue's group.
 */
export const mayMove = (
  actor: { id: string; isManager: boolean; groupIds: readonly number[] },
  ticket: { assigneeId: string | null | undefined; queued: boolean; queueGroupId: number | null | undefined },
): boolean =>
  actor.isManager ||
  (ticket.assigneeId != null && actor.id === ticket.assigneeId) ||
  (ticket.queued && ticket.queueGroupId != null && actor.groupIds.includes(ticket.queueGroupId));

/**
 * A catalog service may require a competence (e.g. `soldering`). The competence the operator
 * lacks for it, or null when they may take the ticket (the service requires none, or they have it).
 */
export function missingCompetence(required: string | null | undefined, competences: readonly string[]): string | null {
  return required && !competences.includes(required) ? required : null;
}

/** An operator at their limit of tickets in work or on offer takes no more. */
export const isAtLimit = (load: number, limit: number): boolean => load >= limit;
