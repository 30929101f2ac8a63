import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { clients, outbox, ticketArticles, tickets, type ArticleAttachment, type ArticleDirection } from '../db/schema';
import type { IntakeChannel } from '../domain/enums';

/** One message on a ticket, as a channel hands it over. */
export interface NewArticle {
  ticketId: number;
  channel: IntakeChannel;
  direction: ArticleDirection;
  sender: string;
  subject?: string | null;
  body: string;
  public?: boolean;
  automatic?: string | null;
  messageId?: string | null;
  attachments?: ArticleAttachment[];
  inboundMessageId?: number | null;
  /** Unique per channel: the same message delivered twice is one article. */
  dedupeKey: string;
}

export type TicketArticle = typeof ticketArticles.$inferSelect;

/** Inserts the article once; a redelivery returns the one stored first (`created: false`). */
export async function insertArticle(db: Database, article: NewArticle) {
  const [inserted] = await db
    .insert(ticketArticles)
    .values({ ...article, sender: article.sender.toLowerCase() })
    .onConflictDoNothing()
    .returning();
  if (inserted) return { article: inserted, created: true };
  const [stored] = await db
    .select()
    .from(ticketArticles)
    .where(and(eq(ticketArticles.channel, article.channel), eq(ticketArticles.dedupeKey, article.dedupeKey)));
  return { article: stored!, created: false };
}

/**
 * A page of a ticket's articles, oldest first: those after article `after` (keyset on the
 * ticket's index, so a ticket with thousands of messages — a mail loop stored — is read a page at a time).
 */
export function listArticles(db: Database, ticketId: number, page: { limit: number; after?: number }) {
  const after =
    page.after === undefined
      ? undefined
      : sql`(${ticketArticles.createdAt}, ${ticketArticles.id}) > (select created_at, id from ticket_articles where id = ${page.after} and ticket_id = ${ticketId})`;
  return db
    .select()
    .from(ticketArticles)
    .where(and(eq(ticketArticles.ticketId, ticketId), after))
    .orderBy(asc(ticketArticles.createdAt), asc(ticketArticles.id))
    .limit(page.limit);
}

/** The newest public articles of a ticket, newest first: what its client's status page shows. */
export function latestPublicArticles(db: Database, ticketId: number, limit: number) {
  return db
    .select()
    .from(ticketArticles)
    .where(and(eq(ticketArticles.ticketId, ticketId), eq(ticketArticles.public, true)))
    .orderBy(desc(ticketArticles.createdAt), desc(ticketArticles.id))
    .limit(limit);
}

/** The ticket one of these Message-IDs belongs to: an article of it, or a notice the desk sent. */
export async function ticketByMessageId(db: Database, messageIds: string[]): Promise<number | null> {
  if (messageIds.length === 0) return null;
  const [article] = await db
    .select({ ticketId: ticketArticles.ticketId })
    .from(ticketArticles)
    .where(inArray(ticketArticles.messageId, messageIds))
    .orderBy(sql`${ticketArticles.id} desc`)
    .limit(1);
  if (article) return article.ticketId;
  const [notice] = await db
    .select({ ticketId: outbox.ticketId })
    .from(outbox)
    .where(inArray(outbox.messageId, messageIds))
    .limit(1);
  return notice?.ticketId ?? null;
}

/** The ticket's client's address and every address that wrote to it before; null when there is no such ticket. */
export async function addressesOfTicket(db: Database, ticketId: number): Promise<string[] | null> {
  const [ticket] = await db
    .select({ email: clients.email })
    .from(tickets)
    .innerJoin(clients, eq(clients.id, tickets.clientId))
    .where(eq(tickets.id, ticketId));
  if (!ticket) return null;
  const writers = await db
    .selectDistinct({ sender: ticketArticles.sender })
    .from(ticketArticles)
    .where(
      and(
        eq(ticketArticles.ticketId, ticketId),
        eq(ticketArticles.direction, 'in'),
        sql`${ticketArticles.automatic} is null`,
      ),
    );
  return [...(ticket.email ? [ticket.email] : []), ...writers.map((w) => w.sender)];
}
