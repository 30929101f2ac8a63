/**
 * The client's status page: the link every notice carries opens the ticket's live status, with a
 * secret of its own per notice, kept only as its SHA-256 (src/domain/client-link.ts) and valid
 * until the ticket closes. What the page shows is decided here, without I/O.
 */
import type { TicketDetails } from './ticket-details';
import { clientStageText } from './status-question';

/** `…/status/1042#token=…`: in the fragment, so browsers never send the token to a server or a Referer. */
export const statusUrl = (publicUrl: string, ticketId: number, token: string) =>
  new URL(`/status/${ticketId}#token=${token}`, publicUrl).toString();

export interface StatusArticle {
  direction: 'in' | 'out';
  body: string;
  createdAt: Date;
  public: boolean;
}

/** Updates shown on the page: public messages only, the newest 20, each cut to 2,000 characters. */
export const UPDATES_SHOWN = 20;
const UPDATE_TEXT_LIMIT = 2_000;

/**
 * What the client sees of their ticket: what they asked, where it stands in words (ru + en), the
 * promised date while it is worked, the quoted price, the resolution once there is one, and the
 * public messages both ways. Never who works it, its queue, category or internal notes.
 */
export function clientStatusView(ticket: TicketDetails, articles: StatusArticle[]) {
  const open = ['queued', 'in_work', 'waiting_for_client'].includes(ticket.stage);
  const resolved = ['resolved', 'awaiting_survey', 'complaint', 'closed'].includes(ticket.stage);
  return {
    id: ticket.id,
    subject: ticket.subject,
    stage: ticket.stage,
    stageText: clientStageText[ticket.stage],
    receivedAt: ticket.createdAt,
    dueAt: open ? (ticket.dueAt ?? ticket.sla?.resolutionDueAt ?? null) : null,
    quotedPrice: ticket.quotedPrice,
    resolution: resolved ? ticket.resolution : null,
    resolvedAt: resolved ? ticket.resolvedAt : null,
    surveyOpen: ticket.stage === 'awaiting_survey',
    updates: articles
      .filter((a) => a.public)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
      .slice(0, UPDATES_SHOWN)
      .map((a) => ({
        from: a.direction === 'in' ? ('client' as const) : ('desk' as const),
        at: a.createdAt.toISOString(),
        text: a.body.length > UPDATE_TEXT_LIMIT ? `${a.body.slice(0, UPDATE_TEXT_LIMIT)}…` : a.body,
      })),
  };
}

export type ClientStatusView = ReturnType<typeof clientStatusView>;
