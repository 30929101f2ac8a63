import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { NewTicket } from '../api/schemas/tickets';
import type { Database } from '../db/client';
import { mayUse, type Credential } from '../domain/access';
import { needsConfirmationLink } from '../domain/client-confirmation';
import { normalizeEmail, normalizePhone, normalizedContact } from '../domain/contacts';
import { intakeKeyOf } from '../domain/idempotency';
import { DEFAULT_PHONE_COUNTRY, type PhoneCountry } from '../domain/phone';
import { ticketWorkflowId } from '../domain/process';
import type { ClientRow } from '../repositories/client-profiles';
import { clientByContact } from '../repositories/clients';
import type { OperatorIdentity } from '../repositories/staff';
import { claimIntakeKey, nextTicketNumber, registrationOf, ticketExists } from '../repositories/tickets';
import { askClientConfirmationWorkflow } from '../../workflows/client-confirmation';
import { DeskError } from './errors';
import type { AttachedQuestion, StatusQuestions } from './status-questions';
import type { ChannelTicket, Registration, TicketWorkflows } from './ticket-workflow';

/**
 * Filing a ticket (`POST /tickets`, and the channels' intake): the contact checked, a status
 * question attached to the client's open ticket instead, the ticket started under a new number (or
 * the one its Idempotency-Key or its channel reserved), and an anonymous filer's ticket of a known
 * client confirmed through the contact on file. Part of the ticket service (./ticket-service.ts).
 */
export function createTicketRegistration(deps: {
  db: Database;
  temporal: Client;
  taskQueue: string;
  logger: Logger;
  start: TicketWorkflows['start'];
  statusQuestions?: StatusQuestions;
  phoneCountry?: PhoneCountry;
}) {
  const { db, start } = deps;

  /** The client's phone in E.164 from here on (read in the desk's country), so the workflow's input reads the same anywhere. */
  const withContactChecked = <T extends NewTicket>(ticket: T): T => {
    const { client } = ticket;
    if (!client.phone && !client.email) throw new DeskError('VALIDATION', 'body.client needs a phone or an email');
    const phone = client.phone ? normalizePhone(client.phone, deps.phoneCountry ?? DEFAULT_PHONE_COUNTRY) : undefined;
    if (client.phone && !phone)
      throw new DeskError('VALIDATION', `body.client.phone "${client.phone}" is not a phone number`);
    if (client.email && !normalizeEmail(client.email))
      throw new DeskError('VALIDATION', `body.client.email "${client.email}" is not an e-mail address`);
    return phone ? { ...ticket, client: { ...client, phone } } : ticket;
  };

  /**
   * Someone filed a ticket anonymously with a known client's contact: the client is asked, at the
   * contact on file, to confirm it (a workflow of its own, so the mail survives the mail server
   * being down). The ticket is registered whatever happens here.
   */
  const askConfirmationIfKnown = async (ticketId: number, client: ClientRow) => {
    try {
      if (!needsConfirmationLink({ clientConfirmed: false }, client)) return;
      await deps.temporal.workflow.start(askClientConfirmationWorkflow, {
        workflowId: `${ticketWorkflowId(ticketId)}-client-confirmation`,
        taskQueue: deps.taskQueue,
        args: [{ ticketId }],
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
    } catch (error) {
      deps.logger.error({ err: error, ticketId }, 'the client could not be asked to confirm the ticket');
    }
  };

  /** A filing with an Idempotency-Key (register): under the number its key stands for, started once. */
  const registerKeyed = async (
    ticket: NewTicket,
    identifiedBy: string | undefined,
    known: ClientRow | undefined,
    idempotencyKey: string,
  ): Promise<Registration | (Registration & { replayed: true })> => {
    const { key, requestHash } = intakeKeyOf(ticket, identifiedBy, idempotencyKey);
    const claim = await claimIntakeKey(db, key, requestHash);
    if (claim === 'reused')
      throw new DeskError(
        'IDEMPOTENCY_KEY_REUSED',
        `Idempotency-Key ${JSON.stringify(idempotencyKey)} was sent with another ticket; use a new key for a new ticket`,
      );
    const { ticketId, fresh } = claim;
    if (!fresh) {
      // Sent again: the ticket the first request filed, as its row says; or, if its start never
      // landed (the engine was away), started now under its number.
      const registered = await registrationOf(db, ticketId);
      if (registered) return { ...registered, replayed: true };
    }
    try {
      const registration = await start(ticketId, ticket, identifiedBy, key);
      if (fresh && !identifiedBy && known) await askConfirmationIfKnown(ticketId, known);
      return fresh ? registration : { ...registration, replayed: true };
    } catch (error) {
      // Temporal holds a ticket of this number the database does not (its data was reset).
      if (error instanceof WorkflowExecutionAlreadyStartedError)
        throw new DeskError('DUPLICATE', `ticket ${ticketId} already exists; send the ticket again with a new key`);
      throw error;
    }
  };

  return {
    /**
     * Starts the ticket's workflow and answers once it is queued (or 202 if that takes longer);
     * a status question about the client's open ticket is attached to that ticket instead.
     * `filedBy`: staff who file the ticket (or identify the filer) confirm its client, if they may
     * act on tickets; anyone else's ticket runs as a one-time client's until the client confirms
     * it through the link sent to the contact on file.
     * `idempotencyKey`: the filing's Idempotency-Key. The same key again with the same request (a
     * client whose answer was lost) files nothing more and answers with the ticket the first filed
     * (`replayed`); with another request, 409. Keys are the filer's own: the client's contact, or
     * the member of staff who files.
     */
    async register(
      received: NewTicket,
      filedBy?: { operator: OperatorIdentity; credential: Credential },
      idempotencyKey?: string,
    ): Promise<Registration | (Registration & { replayed: true }) | AttachedQuestion> {
      const ticket = withContactChecked(received);
      const identifiedBy =
        filedBy && mayUse(filedBy.operator, filedBy.credential, 'act_on_ticket').ok ? filedBy.operator.id : undefined;
      // The client the contact names before this ticket, if any, looked up once: a status question
      // about their open ticket, or the confirmation an anonymous filer's ticket needs. A client this
      // ticket's own intake creates needs neither (it has no other ticket, and no one to ask).
      const known = await clientByContact(db, normalizedContact(ticket.client));
      const attached = known && (await deps.statusQuestions?.attachIfAbout(ticket, known));
      if (attached) return attached;
      if (idempotencyKey !== undefined) return registerKeyed(ticket, identifiedBy, known, idempotencyKey);
      for (let attempt = 1; ; attempt++) {
        const ticketId = await nextTicketNumber(db);
        try {
          const registration = await start(ticketId, ticket, identifiedBy);
          if (!identifiedBy && known) await askConfirmationIfKnown(ticketId, known);
          return registration;
        } catch (error) {
          if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
          if ((await ticketExists(db, ticketId)) || attempt >= 3)
            throw new DeskError('DUPLICATE', `ticket ${ticketId} already exists`);
          // Temporal remembers a ticket this database does not (its data was reset): take the next number.
          deps.logger.warn(
            { ticketId, workflowId: ticketWorkflowId(ticketId) },
            'workflow id taken by a ticket unknown to the database; skipping the number',
          );
        }
      }
    },

    /**
     * A ticket under the number a channel reserved for it (one per call): starting it again finds
     * the one started first, so a second click or a retry never makes a second ticket.
     */
    async registerNumbered(ticketId: number, ticket: ChannelTicket): Promise<{ ticketId: number; created: boolean }> {
      try {
        await start(ticketId, withContactChecked(ticket));
        return { ticketId, created: true };
      } catch (error) {
        if (error instanceof WorkflowExecutionAlreadyStartedError) return { ticketId, created: false };
        throw error;
      }
    },
  };
}
