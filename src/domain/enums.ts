/**
 * The desk's closed vocabularies, each listed once: the API's JSON schemas, the database columns
 * and the workflow's types all take their values from here.
 */

/** Where a ticket came in. */
export const intakeChannels = ['api', 'web', 'email', 'sms', 'telegram', 'phone'] as const;
export type IntakeChannel = (typeof intakeChannels)[number];

/** How a client may be told of their ticket. */
export const notificationChannels = ['email', 'sms', 'telegram', 'phone'] as const;
export type NotificationChannel = (typeof notificationChannels)[number];

/**
 * The channels the desk writes to a client on by itself (a call is not one it makes): where a
 * notice can go, and what a consent may be limited to.
 */
export const noticeChannels = ['email', 'sms', 'telegram'] as const satisfies readonly NotificationChannel[];
export type NoticeChannel = (typeof noticeChannels)[number];

/** Where a sent SMS is, as its gateway reports it: with the provider, on its way, delivered, or failed for good. */
export const smsDeliveries = ['queued', 'sent', 'delivered', 'failed'] as const;
export type SmsDelivery = (typeof smsDeliveries)[number];

export const ticketPriorities = ['low', 'normal', 'high', 'critical'] as const;
export type TicketPriority = (typeof ticketPriorities)[number];

/** Wholesale, regular and one-time clients: routing and the SLA depend on it. */
export const clientCategories = ['wholesale', 'regular', 'one_time'] as const;
export type ClientCategory = (typeof clientCategories)[number];

/** A client is a person, or a company with the legal details invoices need. */
export const clientKinds = ['person', 'company'] as const;
export type ClientKind = (typeof clientKinds)[number];

/** What a client consents to (or withdraws), each with its date. */
export const consentKinds = ['notifications', 'marketing'] as const;
export type ConsentKind = (typeof consentKinds)[number];

/** Staff roles: each a bundle of capabilities (src/domain/access.ts). */
export const operatorRoles = ['operator', 'line_lead', 'manager', 'process_designer', 'administrator'] as const;
export type OperatorRole = (typeof operatorRoles)[number];

/**
 * What a group may do on a queue, each level including the ones before it (as Zammad's group
 * access and Znuny's ro/move_into/rw): `overview` sees the queue's blind listing and the blind
 * summary of its tickets; `take` also accepts and pulls `next`, and works, pauses and resolves the
 * tickets it took; `act` also moves its own and triages waiting ones, and may be given a ticket;
 * `manage` also moves, escalates and
 * changes the SLA of anyone's ticket there, and sees their contents (a line lead for that queue).
 */
export const queueAccessLevels = ['overview', 'take', 'act', 'manage'] as const;
export type QueueAccessLevel = (typeof queueAccessLevels)[number];

/** What an API token may be used for: reading, acting on tickets, managing the desk. */
export const tokenScopes = ['read', 'act', 'manage'] as const;
export type TokenScope = (typeof tokenScopes)[number];

/** What an SLA or OLA clock measures: the first answer, the resolution, a line's handover. */
export const slaTargetKinds = ['response', 'resolution', 'handover'] as const;
export type SlaTargetKind = (typeof slaTargetKinds)[number];

/** A classification rule's standing: a manager's hard routing, or evidence for the model (domain/rules.ts). */
export const ruleKinds = ['authoritative', 'evidence'] as const;
export type RuleKind = (typeof ruleKinds)[number];

/** Who decided a ticket's category: a rule, the model, or nobody (triage by hand). */
export const classificationSources = ['rule', 'model', 'triage'] as const;
export type ClassificationSource = (typeof classificationSources)[number];

/** An article's way: from the client (`in`) or from the desk (`out`). */
export const articleDirections = ['in', 'out'] as const;
export type ArticleDirection = (typeof articleDirections)[number];
