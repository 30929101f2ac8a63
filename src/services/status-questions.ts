import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Database } from '../db/client';
import { normalizedContact } from '../domain/contacts';
import { ticketWorkflowId } from '../domain/process';
import type { RoutingFacts } from '../domain/rules';
import { statusQuestionTarget } from '../domain/status-question';
import type { NewTicket } from '../api/schemas/tickets';
import type { ClientRow } from '../repositories/client-profiles';
import { openTicketsOfClient } from '../repositories/clients';
import { answerStatusQuestionWorkflow } from '../../workflows/status-answer';
import type { ArticleService } from './article-service';

/** A message that asked about a ticket the client already has: attached to it, not registered. */
export interface AttachedQuestion {
  attachedTo: number;
  articleId: number;
}

/**
 * "Принтер уже починили?": before a message becomes a new ticket, it is checked against the
 * client's open tickets (src/domain/status-question.ts decides which one it is about). Such a
 * message becomes an article of that ticket, never reopening it, and the client is answered with
 * the ticket's stage and due date — by e-mail to the contact on file, never to whoever sent the
 * message, so a sender who only typed someone's address learns no ticket's status.
 */
export function createStatusQuestions(deps: {
  db: Database;
  temporal: Client;
  taskQueue: string;
  articles: ArticleService;
  categoryOf: (facts: RoutingFacts) => Promise<string>;
  logger: Logger;
}) {
  const { db } = deps;

  /** The same question posted twice within the hour (a retried request) is one article and one answer. */
  const dedupeKeyOf = (message: NewTicket, clientId: number, at: Date) =>
    createHash('sha256')
      .update(
        [clientId, message.channel, message.subject, message.description, at.toISOString().slice(0, 13)].join('\0'),
      )
      .digest('base64url');

  return {
    /** `client`: the one the message's contact names (clientByContact), looked up once by the intake that asks. */
    async attachIfAbout(
      message: NewTicket,
      client: ClientRow,
      receivedAt = new Date(),
    ): Promise<AttachedQuestion | undefined> {
      const { phone, email } = normalizedContact(message.client);
      const openTickets = await openTicketsOfClient(db, client.id);
      if (openTickets.length === 0) return undefined;
      const channel = message.channel ?? 'api';
      const category = await deps.categoryOf({
        subject: message.subject,
        description: message.description,
        channel,
        clientCategory: client.category,
        productGroup: message.productGroup,
        location: message.location,
      });
      const target = statusQuestionTarget({
        text: `${message.subject}\n${message.description}`,
        category,
        channel,
        openTickets,
      });
      if (!target) return undefined;
      const { article } = await deps.articles.attachArticle(
        {
          ticketId: target.ticketId,
          channel,
          direction: 'in',
          sender: email ?? phone ?? String(client.id),
          subject: message.subject,
          body: message.description,
          dedupeKey: `status-question:${dedupeKeyOf(message, client.id, receivedAt)}`,
        },
        { mayReopen: false },
      );
      await deps.temporal.workflow.start(answerStatusQuestionWorkflow, {
        // A retried request joins the answer under way; the outbox sends it once whatever runs again.
        workflowId: `${ticketWorkflowId(target.ticketId)}-status-${article.id}`,
        taskQueue: deps.taskQueue,
        args: [{ ticketId: target.ticketId, articleId: article.id }],
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
      deps.logger.info(
        { ticketId: target.ticketId, articleId: article.id, because: target.because },
        'status question attached to the ticket it asks about',
      );
      return { attachedTo: target.ticketId, articleId: article.id };
    },
  };
}

export type StatusQuestions = ReturnType<typeof createStatusQuestions>;
