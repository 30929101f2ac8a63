/**
 * Who may do what: the one home of these rules. The API's access table (src/api/access-table.ts)
 * names a capability per route; services, repositories (the blind listing) and the workflow's
 * validators ask here; see "Where a permission is enforced" in the README's layout section.
 */
import type { OperatorRole, TokenScope } from './enums';

/** Named permissions. Roles bundle them; a route needs one. */
export const capabilities = [
  'read_ticket',
  'act_on_ticket',
  'assign',
  'see_all_tickets',
  'manage_rules',
  'manage_catalog',
  'see_analytics',
  'design_processes',
  'manage_staff',
  /** Create a client and change their profile: category (routing, SLA), legal details, primary contacts. */
  'manage_clients',
  /** Merge a duplicate client into another: every ticket, call and contact moves, for good. */
  'merge_clients',
  /** Word the client notices (src/domain/notice-templates.ts). */
  'manage_notices',
] as const;
export type Capability = (typeof capabilities)[number];

const operatorWork: readonly Capability[] = ['read_ticket', 'act_on_ticket', 'see_analytics'];

/** What each role may do. Managers oversee every ticket; administrators may do everything. */
export const roleCapabilities: Readonly<Record<OperatorRole, readonly Capability[]>> = {
  operator: operatorWork,
  line_lead: [...operatorWork, 'assign', 'manage_clients'],
  manager: [
    ...operatorWork,
    'assign',
    'see_all_tickets',
    'manage_rules',
    'manage_catalog',
    'manage_clients',
    'merge_clients',
    'manage_notices',
  ],
  process_designer: ['read_ticket', 'see_analytics', 'design_processes'],
  administrator: capabilities,
};

/**
 * The token scope a capability falls under: `read` reads, `act` works tickets, `manage` changes
 * how the desk runs (rules, catalog, staff, processes).
 */
export const scopeOf: Readonly<Record<Capability, TokenScope>> = {
  read_ticket: 'read',
  see_analytics: 'read',
  act_on_ticket: 'act',
  assign: 'act',
  see_all_tickets: 'read',
  manage_rules: 'manage',
  manage_catalog: 'manage',
  design_processes: 'manage',
  manage_staff: 'manage',
  manage_clients: 'act',
  merge_clients: 'act',
  manage_notices: 'manage',
};

/** The acting member of staff as the rules need them. */
export interface Actor {
  id: string;
  role: OperatorRole;
  groupIds: readonly number[];
}

/** How the caller proved who they are: a signed-in session (all the role allows) or a scoped token. */
export type Credential = { kind: 'session' } | { kind: 'token'; scopes: readonly TokenScope[] };

export const hasCapability = (actor: Pick<Actor, 'role'>, capability: Capability): boolean =>
  roleCapabilities[actor.role].includes(capability);

/**
 * Whether the caller may use a capability: their role must grant it and, with a token, the
 * token's scopes must cover it. The reason for a refusal names what is missing.
 */
export function mayUse(
  actor: Pick<Actor, 'id' | 'role'>,
  credential: Credential,
  capability: Capability,
): { ok: true } | { ok: false; reason: string } {
  if (!hasCapability(actor, capability))
    return { ok: false, reason: `${actor.id} (${actor.role}) may not ${capability.replace(/_/g, ' ')}` };
  if (credential.kind === 'token' && !credential.scopes.includes(scopeOf[capability]))
    return {
      ok: false,
      reason: `this token lacks the "${scopeOf[capability]}" scope (${capability.replace(/_/g, ' ')})`,
    };
  return { ok: true };
}

/** Staff accounts are managed by those who may manage staff; anyone manages their own tokens. */
export const mayManageTokensOf = (actor: Pick<Actor, 'id' | 'role'>, ownerId: string): boolean =>
  actor.id === ownerId || hasCapability(actor, 'manage_staff');

/** Managers (and administrators) audit and steer: they see every ticket and may act on any of them. */
export const isManager = (actor: Pick<Actor, 'role'>): boolean => hasCapability(actor, 'see_all_tickets');

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
