/**
 * Who may do what: the one home of these rules. The API's access table (src/api/access-table.ts)
 * names a capability per route and the level of queue access a queue's or a ticket's route needs;
 * services, repositories (the blind listing) and the workflow's validators ask here; see "Where a
 * permission is enforced" in the README's layout section.
 */
import { queueAccessLevels, type OperatorRole, type QueueAccessLevel, type TokenScope } from './enums';

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

/**
 * A member of staff's levels per queue id: for each queue, the highest level any of their groups
 * is granted there (`queue_access`, src/db/schema/queues.ts). A queue missing is no access.
 */
export type QueueGrants = Readonly<Record<number, QueueAccessLevel>>;

/** The acting member of staff as the rules need them. */
export interface Actor {
  id: string;
  role: OperatorRole;
  groupIds: readonly number[];
  /** Absent: no grants (their role may still see every queue, as managers do). */
  queueAccess?: QueueGrants;
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

/**
 * What the caller may do on queues, as the ticket's workflow is told it with a request: the
 * workflow decides on the queue the ticket is in when the request arrives, which may have
 * changed since the API looked.
 */
export interface QueueAccess {
  /** A role that oversees every ticket (managers, administrators): `manage` on every queue. */
  seesAll: boolean;
  grants: QueueGrants;
}

export const queueAccessOf = (actor: Pick<Actor, 'role' | 'queueAccess'>): QueueAccess => ({
  seesAll: isManager(actor),
  grants: actor.queueAccess ?? {},
});

const rank = (level: QueueAccessLevel | null | undefined): number => (level ? queueAccessLevels.indexOf(level) : -1);

/** The higher of two levels; what a member of several groups holds on a queue. */
export const higherLevel = (a: QueueAccessLevel | null, b: QueueAccessLevel | null): QueueAccessLevel | null =>
  rank(a) >= rank(b) ? a : b;

/** The level the caller holds on a queue; null: none (nor on a ticket not in any queue yet). */
export function queueLevel(access: QueueAccess, queueId: number | null | undefined): QueueAccessLevel | null {
  if (queueId == null) return null;
  return access.seesAll ? 'manage' : (access.grants[queueId] ?? null);
}

/** Whether the caller holds at least `needed` on the queue. The one rule; the API and the workflow ask it. */
export const mayOnQueue = (access: QueueAccess, queueId: number | null | undefined, needed: QueueAccessLevel) =>
  rank(queueLevel(access, queueId)) >= rank(needed);

/** What a refusal says: the level held and the level needed, nothing of the ticket. */
export function missingQueueAccess(
  who: string,
  access: QueueAccess,
  queue: { id: number; code?: string } | null,
  needed: QueueAccessLevel,
): string {
  const held = queue ? queueLevel(access, queue.id) : null;
  const name = queue ? `queue ${queue.code ?? queue.id}` : 'a ticket not in a queue yet';
  return `${who} has ${held ? `"${held}"` : 'no'} access to ${name} and needs "${needed}"`;
}

/**
 * What a ticket route asks on the ticket's queue: a level, or `move` (reassign, return,
 * transfer) and `steer` (escalate), whose level depends on who holds the ticket.
 */
export type TicketNeed = QueueAccessLevel | 'move' | 'steer';

/**
 * The level a request needs on the ticket's queue. Working, pausing and resolving a ticket one took
 * is `take`'s: whoever may accept a ticket may finish it (else it would sit with a holder who can do
 * nothing with it until a lead moves it). Moving one's own ticket, or triaging one still waiting, is
 * the queue's `act`; moving someone else's is `manage`, a line lead's. Escalating is the holder's
 * (`act`) or a lead's (`manage`).
 */
export function levelNeeded(
  need: TicketNeed,
  actorId: string,
  ticket: { assigneeId: string | null | undefined },
): QueueAccessLevel {
  const own = ticket.assigneeId != null && ticket.assigneeId === actorId;
  if (need === 'move') return own || ticket.assigneeId == null ? 'act' : 'manage';
  if (need === 'steer') return own ? 'act' : 'manage';
  if (need === 'act' && own) return 'take';
  return need;
}

/**
 * The ticket's assignee, or whoever manages its queue (managers manage every queue): who sees a
 * ticket's contents and acts on it as its holder. Without the ticket's queue, the role decides.
 */
export const isAssigneeOrManager = (
  actor: Pick<Actor, 'id' | 'role' | 'queueAccess'>,
  ticket: { assigneeId: string | null | undefined; queueId?: number | null },
): boolean =>
  mayOnQueue(queueAccessOf(actor), ticket.queueId, 'manage') ||
  isManager(actor) ||
  (ticket.assigneeId != null && ticket.assigneeId === actor.id);

/** Blind queues: a ticket's subject, description and client are shown only to its assignee and its queue's managers. */
export const maySeeDetails = isAssigneeOrManager;

/**
 * A catalog service may require a competence (e.g. `soldering`). The competence the operator
 * lacks for it, or null when they may take the ticket (the service requires none, or they have it).
 */
export function missingCompetence(required: string | null | undefined, competences: readonly string[]): string | null {
  return required && !competences.includes(required) ? required : null;
}

/** An operator at their limit of tickets in work or on offer takes no more. */
export const isAtLimit = (load: number, limit: number): boolean => load >= limit;
