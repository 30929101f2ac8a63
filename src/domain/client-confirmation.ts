import type { ClientCategory } from './enums';

/**
 * Anyone may file a ticket with any phone or e-mail, so a contact alone proves nothing: a ticket
 * takes its client's category (wholesale → priority, a shorter SLA) only once the client is
 * confirmed — staff filed it or identified the filer, or the confirmation link sent to the stored
 * contact was opened. Until then it is routed and timed as a one-time client's. The SQL that
 * reads the category for a ticket says the same (repositories/clients.ts, decidingClientCategory).
 */
export const UNCONFIRMED_CLIENT_CATEGORY: ClientCategory = 'one_time';

export const decidingClientCategory = (category: ClientCategory, confirmed: boolean): ClientCategory =>
  confirmed ? category : UNCONFIRMED_CLIENT_CATEGORY;

/**
 * A confirmation link is worth sending only when confirming would change something the filer
 * cannot claim alone: the client is known, their category is not the one an unconfirmed ticket
 * gets, and the desk has an e-mail address of theirs to send it to.
 */
export const needsConfirmationLink = (
  ticket: { clientConfirmed: boolean },
  client: { category: ClientCategory; email: string | null },
): boolean => !ticket.clientConfirmed && client.category !== UNCONFIRMED_CLIENT_CATEGORY && client.email !== null;
