import { randomBytes } from 'node:crypto';
import { needsConfirmationLink } from '../src/domain/client-confirmation';
import { linkTokenHash } from '../src/domain/client-link';
import { clientConfirmationNotice } from '../src/domain/notices';
import { confirmationFactsOf, issueConfirmationToken } from '../src/repositories/clients';
import { threadingSecretOf } from '../src/repositories/inbound-mail';
import { clientMessageId, enqueueOnce, redactLinkTokens, sendOnce } from '../src/repositories/outbox';
import type { ClientConfirmationAsked } from '../workflows/types';
import { ticketLogger, type ActivityDependencies } from './context';

const PURPOSE = 'client-confirmation';

/** The link that lets a known client confirm a ticket filed with their contact, sent to the contact on file. */
export function createClientConfirmationActivities({ db, mailer, logger, publicUrl }: ActivityDependencies) {
  const ticketLog = ticketLogger(logger);
  const threadingSecret = threadingSecretOf(db);
  return {
    /**
     * Sent once per ticket, to the address the desk has for the client, never to the filer. The
     * link's secret is issued in the transaction that puts the message in the outbox (a retry sends
     * the stored one) and blanked in the outbox's copy once sent. Capped like every automatic mail:
     * filing tickets with someone's address cannot flood their mailbox.
     */
    async askClientConfirmation(input: { ticketId: number }): Promise<ClientConfirmationAsked> {
      const log = ticketLog(input.ticketId);
      const facts = await confirmationFactsOf(db, input.ticketId);
      if (!facts) throw new Error(`ticket ${input.ticketId} is not registered`);
      if (!needsConfirmationLink(facts, facts) || facts.stage === 'closed') return { status: 'not_needed' };
      const token = randomBytes(18).toString('base64url');
      const link = new URL(`/confirm-client.html#ticket=${input.ticketId}&token=${token}`, publicUrl).toString();
      const notice = clientConfirmationNotice(facts, link);
      const host = new URL(publicUrl).hostname || 'localhost';
      const message = {
        ticketId: input.ticketId,
        purpose: PURPOSE,
        recipient: facts.email!,
        subject: notice.subject,
        body: notice.text,
        messageId: clientMessageId(input.ticketId, PURPOSE, host, await threadingSecret()),
      };
      await db.transaction(async (tx) => {
        if (await enqueueOnce(tx, message)) await issueConfirmationToken(tx, input.ticketId, linkTokenHash(token));
      });
      const sent = await sendOnce(db, mailer, message, (tx) => redactLinkTokens(tx, input.ticketId, PURPOSE), {
        capped: true,
        consent: true,
      });
      if (typeof sent === 'object') {
        log.warn({ reason: sent.skipped }, 'client confirmation not sent');
        return { status: 'skipped', reason: sent.skipped };
      }
      log.info({ sent }, 'client asked to confirm the ticket');
      return { status: sent };
    },
  };
}
