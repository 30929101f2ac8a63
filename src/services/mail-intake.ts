import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { parseInboundMail, type InboundMail } from '../channels/inbound-mail';
import type { Database } from '../db/client';
import { normalizeEmail } from '../domain/contacts';
import { automaticKind, failedRecipients, type AutomaticKind } from '../domain/mail-guard';
import { normalizeSubject, ticketNumberInSubject } from '../domain/mail-text';
import { findThread, type Thread } from '../domain/mail-threading';
import {
  loadInbound,
  markInbound,
  markUndeliverable,
  pendingInboundIds,
  storeInbound,
  threadingSecretOf,
  ticketOfEmailArticle,
  underMessageLock,
  type InboundMessage,
} from '../repositories/inbound-mail';
import { addressesOfTicket, ticketByMessageId } from '../repositories/ticket-articles';
import { recordBounced } from '../repositories/outbox';
import type { ArticleService } from './article-service';
import type { TicketService } from './ticket-service';
import { createDrain } from './drain';

/** The desk's own mail: where it receives, and what marks mail it sent itself. */
export interface DeskMailbox {
  /** Domains of the desk's addresses: mail from them is the desk's own coming back. */
  ownDomains: string[];
  /** The X-Loop value the desk writes on its mail. */
  loopMarker: string;
}

const SUBJECT_MAX = 300;
const DESCRIPTION_MAX = 20_000;

export type InboundOutcome =
  | { status: 'attached'; ticketId: number; by: Thread['by'] | 'duplicate'; automatic: AutomaticKind | null }
  | { status: 'ignored'; reason: string };

/**
 * One pipeline for every e-mail transport (the SMTP receiver, a polled mailbox): `receive`
 * stores the raw message and nothing else, so a transport acknowledges only what is kept; then
 * each stored message is parsed, guarded, threaded and attached — to its ticket as an article,
 * or through the same intake as POST /tickets as a new ticket. Messages are processed one at a
 * time, so two deliveries of one message never both become tickets.
 */
export function createMailIntake(deps: {
  db: Database;
  tickets: Pick<TicketService, 'register'>;
  articles: ArticleService;
  mailbox: DeskMailbox;
  logger: Logger;
  /** A client notice's e-mail came back: sent on by the client's next channel (activities/undelivered-notices.ts). */
  onUndelivered?: (copy: { ticketId: number; purpose: string }) => Promise<void>;
}) {
  const { db, logger } = deps;
  const threadingSecret = threadingSecretOf(db);
  const lookup = {
    ticketByMessageId: (ids: string[]) => ticketByMessageId(db, ids),
    addressesOf: (ticketId: number) => addressesOfTicket(db, ticketId),
  };

  async function registerTicket(row: InboundMessage, mail: InboundMail): Promise<number> {
    // A crash after registering leaves the ticket on the row: processing it again does not register twice.
    if (row.ticketId !== null) return row.ticketId;
    const subject = normalizeSubject(mail.subject).slice(0, SUBJECT_MAX) || '(no subject)';
    const registration = await deps.tickets.register({
      channel: 'email',
      subject,
      description: (mail.text || subject).slice(0, DESCRIPTION_MAX),
      client: { email: mail.from, ...(mail.fromName ? { name: mail.fromName.slice(0, 200) } : {}) },
    });
    const ticketId = 'attachedTo' in registration ? registration.attachedTo : registration.ticketId;
    await markInbound(db, row.id, { status: 'received', ticketId });
    return ticketId;
  }

  async function processMessage(row: InboundMessage, mail: InboundMail, dedupeKey: string): Promise<InboundOutcome> {
    const known = await ticketOfEmailArticle(db, dedupeKey);
    if (known !== null) return { status: 'attached', ticketId: known, by: 'duplicate', automatic: null };

    const automatic = automaticKind(mail, deps.mailbox);
    if (automatic === 'bounce') {
      for (const failed of failedRecipients(mail.text)) await markUndeliverable(db, failed, row.id);
      const returned = mail.returnedMessageId && (await recordBounced(db, mail.returnedMessageId));
      // In the background, as an SMS's report: the mailbox is not held up by the notice's next channel.
      if (returned && deps.onUndelivered)
        void deps
          .onUndelivered(returned)
          .catch((error: unknown) =>
            logger.warn({ err: error, ticketId: returned.ticketId }, 'bounced notice not sent on yet'),
          );
    }
    const thread = await findThread(
      {
        references: [...mail.references, ...(mail.returnedMessageId ? [mail.returnedMessageId] : [])],
        recipients: [...row.envelopeTo, ...mail.recipients],
        subjectNumber: ticketNumberInSubject(mail.subject),
        sender: mail.from,
      },
      await threadingSecret(),
      lookup,
    );
    if (thread.ticketId === null && automatic)
      return { status: 'ignored', reason: `automatic (${automatic}) and about no ticket` };
    if (thread.ticketId === null && !normalizeEmail(mail.from))
      return { status: 'ignored', reason: 'no sender address to register a ticket for' };
    const ticketId = thread.ticketId ?? (await registerTicket(row, mail));
    await deps.articles.attachArticle(
      {
        ticketId,
        channel: 'email',
        direction: 'in',
        sender: mail.from || row.envelopeFrom || 'unknown',
        subject: mail.subject,
        body: mail.text,
        public: automatic === null,
        automatic,
        messageId: mail.messageId,
        attachments: mail.attachments,
        inboundMessageId: row.id,
        dedupeKey,
      },
      // The first message of a new ticket is its description, never a reply to reopen anything.
      { mayReopen: automatic === null && thread.ticketId !== null },
    );
    return { status: 'attached', ticketId, by: thread.by, automatic };
  }

  const settled = (row: InboundMessage | undefined) => !row || row.status === 'attached' || row.status === 'ignored';

  /** Parses and attaches one stored message; a failure leaves it `failed`, to be processed again. */
  async function processInbound(id: number): Promise<InboundOutcome | undefined> {
    const stored = await loadInbound(db, id);
    if (!stored || settled(stored)) return undefined;
    try {
      const mail = await parseInboundMail(stored.raw);
      const dedupeKey = mail.messageId ?? `sha256:${stored.sha256}`;
      // One delivery of a Message-ID at a time, in every process: a second one waits, then finds the first's article.
      return await underMessageLock(db, dedupeKey, async () => {
        const row = await loadInbound(db, id);
        if (!row || settled(row)) return undefined;
        const outcome = await processMessage(row, mail, dedupeKey);
        if (outcome.status === 'attached')
          await markInbound(db, id, { status: 'attached', ticketId: outcome.ticketId, note: outcome.by });
        else await markInbound(db, id, { status: 'ignored', note: outcome.reason });
        logger.info({ inboundMessageId: id, ...outcome }, 'inbound e-mail processed');
        return outcome;
      });
    } catch (error) {
      logger.error({ err: error, inboundMessageId: id }, 'inbound e-mail could not be processed; kept to retry');
      await markInbound(db, id, { status: 'failed', note: String(error).slice(0, 1000) });
      return undefined;
    }
  }

  const pending = createDrain(
    async (stopped) => {
      // Each pending message once per pass, oldest first, past the last one tried: a message that keeps
      // failing waits for the next pass (the next kick or start) without stopping the ones behind it.
      // (Comparing the pending count with the batch's stopped a pass whenever more than a batch was waiting:
      // in `npm run bench -- channels`, 500 mails received in 5 s left 298 unprocessed until the next one came.)
      for (let ids = await pendingInboundIds(db, 'email'); ids.length > 0;) {
        for (const id of ids) {
          if (stopped()) return;
          await processInbound(id);
        }
        ids = await pendingInboundIds(db, 'email', ids.at(-1));
      }
    },
    (error) => logger.error({ err: error }, 'inbound e-mail processing stopped'),
  );

  return {
    /** Stores the raw message; only then may the transport say it has it. */
    async receive(message: { raw: Buffer; envelopeFrom: string | null; envelopeTo: string[] }) {
      const sha256 = createHash('sha256').update(message.raw).digest('hex');
      return storeInbound(db, { channel: 'email', sha256, ...message });
    },
    processInbound,
    /** Processes what is stored and not yet attached; resolves when nothing is left to do. */
    processPending: pending.run,
    /** Finishes the message in hand; what is left stays stored for the next start. */
    stop: pending.stop,
  };
}

export type MailIntake = ReturnType<typeof createMailIntake>;
