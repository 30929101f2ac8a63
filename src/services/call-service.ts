import { createHash, timingSafeEqual } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Database } from '../db/client';
import type { Actor } from '../domain/access';
import { readZadarmaNotification } from '../channels/zadarma';
import { callTicket, callWorkflowId, readCtiEvent, type CallFacts } from '../domain/calls';
import { normalizePhone, type PhoneCountry } from '../domain/phone';
import { clientById } from '../repositories/clients';
import {
  CALL_NEWS_CHANNEL,
  callById,
  callsInProgress,
  earlierCallsOf,
  reserveCallTicket,
  storeCtiEvent,
} from '../repositories/calls';
import { callEventSignal, callWorkflow } from '../../workflows/call';
import { DeskError, notFound } from './errors';
import type { TicketReads } from './ticket-reads';
import type { TicketService } from './ticket-service';

type Viewer = Pick<Actor, 'id' | 'role'>;

export interface CtiOptions {
  /** The secret the PBX puts in the generic webhook's path (CTI_TOKEN); that webhook is off without it. */
  token?: string;
  /**
   * Zadarma's call notifications (ZADARMA_TOKEN, ZADARMA_SECRET): the secret of their webhook's path,
   * and the account's API secret their `Signature` is made with.
   */
  zadarma?: { token: string; secret: string };
  /** How long after an unanswered hangup a late answer still counts (default 5 s). */
  lateAnswerMs?: number;
  /** A call with no hangup is over for the desk after this long (default 4 h). */
  maxCallMs?: number;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();

/**
 * Phone calls: the CTI webhook's events stored once and handed to the call's workflow (signal
 * with start, keyed by the PBX's call id), the caller's card for the operators' page, and the
 * call's one ticket filed by a click.
 */
export function createCallService(deps: {
  db: Database;
  temporal: Client;
  taskQueue: string;
  surveyTimeoutMs: number;
  cti: CtiOptions;
  phoneCountry: PhoneCountry;
  tickets: Pick<TicketService, 'registerNumbered'>;
  reads: Pick<TicketReads, 'clientTickets'>;
  logger: Logger;
}) {
  const { db } = deps;
  const expected = deps.cti.token === undefined ? undefined : sha256(deps.cti.token);
  const zadarma = deps.cti.zadarma && { ...deps.cti.zadarma, expected: sha256(deps.cti.zadarma.token) };

  // One LISTEN per process, opened with the first page that subscribes; every page hears every call.
  const listeners = new Set<(callId: string) => void>();
  let listening: Promise<{ unlisten(): Promise<void> }> | undefined;
  const listen = () =>
    (listening ??= db.$client.listen(CALL_NEWS_CHANNEL, (callId) => {
      for (const listener of listeners) listener(callId);
    }));

  const factsOf = (row: NonNullable<Awaited<ReturnType<typeof callById>>>): CallFacts => ({
    callId: row.callId,
    seen: [],
    diagnostics: row.diagnostics,
    startedAt: (row.startedAt ?? row.createdAt).toISOString(),
    ...(row.fromNumber ? { from: row.fromNumber } : {}),
    ...(row.toNumber ? { to: row.toNumber } : {}),
    ...(row.answeredBy ? { answeredBy: row.answeredBy } : {}),
    ...(row.cause ? { cause: row.cause } : {}),
  });

  /**
   * Stores the event (once per call and kind), then hands it to the call's workflow. Every event
   * is signalled, a repeat too, so one whose signal failed is delivered by the PBX's retry; the
   * workflow counts each kind once. An event after the call's workflow ended is kept, not acted on.
   * `payload` is what the PBX sent, kept as sent (a connector's own fields).
   */
  async function receive(body: unknown, payload = body): Promise<{ stored: boolean }> {
    const read = readCtiEvent(body, new Date(), (text) => normalizePhone(text, deps.phoneCountry));
    if ('error' in read) throw new DeskError('VALIDATION', read.error);
    const { event } = read;
    const stored = await storeCtiEvent(db, event, payload as Record<string, unknown>);
    try {
      await deps.temporal.workflow.signalWithStart(callWorkflow, {
        workflowId: callWorkflowId(event.callId),
        taskQueue: deps.taskQueue,
        args: [
          {
            callId: event.callId,
            surveyTimeoutMs: deps.surveyTimeoutMs,
            lateAnswerMs: deps.cti.lateAnswerMs ?? 5_000,
            maxCallMs: deps.cti.maxCallMs ?? 4 * 3_600_000,
          },
        ],
        signal: callEventSignal,
        signalArgs: [event],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      deps.logger.info({ callId: event.callId, event: event.event }, 'CTI event after the call ended: kept only');
    }
    return { stored };
  }

  return {
    /** Which webhooks take calls: the generic CTI one (CTI_TOKEN), Zadarma's (ZADARMA_TOKEN). */
    connectors: { generic: expected !== undefined, zadarma: zadarma !== undefined },

    /** The PBX's secret, compared in constant time (as digests, so its length tells nothing either). */
    checkToken(given: string) {
      if (!expected || !timingSafeEqual(sha256(given), expected))
        throw new DeskError('BAD_CTI_TOKEN', 'this CTI webhook address is not the desk’s (check CTI_TOKEN)');
    },

    receive,

    /** The secret of Zadarma's webhook path, as checkToken compares CTI_TOKEN. */
    checkZadarmaToken(given: string) {
      if (!zadarma || !timingSafeEqual(sha256(given), zadarma.expected))
        throw new DeskError(
          'BAD_ZADARMA_TOKEN',
          'this Zadarma webhook address is not the desk’s (check ZADARMA_TOKEN)',
        );
    },

    /**
     * One of Zadarma's notifications: its signature checked before anything is stored, then each
     * generic event it stands for received as the CTI webhook's are, with Zadarma's form kept as
     * the payload. A notification of no call's course (a recording, an IVR's step) is answered and let be.
     */
    async receiveZadarma(fields: unknown, signature: string | undefined): Promise<{ stored: boolean }> {
      const read = readZadarmaNotification(fields, signature, zadarma!.secret);
      if ('error' in read)
        throw new DeskError(
          read.refusal === 'unsigned'
            ? 'ZADARMA_SIGNATURE_REQUIRED'
            : read.refusal === 'badSignature'
              ? 'BAD_ZADARMA_SIGNATURE'
              : 'VALIDATION',
          read.error,
        );
      if ('ignored' in read) return { stored: false };
      let stored = false;
      for (const event of read.events) stored = (await receive(event, fields)).stored || stored;
      return { stored };
    },

    /**
     * Who is calling, for one operator: the client with this number, their open tickets (as
     * that operator may see them: blind queues stay blind) and the number's earlier calls.
     */
    async card(viewer: Viewer, callId: string) {
      const row = await callById(db, callId);
      if (!row) throw notFound(`call ${callId}`);
      const client = row.clientId === null ? undefined : await clientById(db, row.clientId);
      const tickets = client ? await deps.reads.clientTickets(viewer, client.id, { limit: 20, offset: 0 }) : [];
      return {
        callId: row.callId,
        from: row.fromNumber,
        to: row.toNumber,
        direction: row.direction,
        state: row.endedAt
          ? row.answeredAt
            ? ('ended' as const)
            : ('missed' as const)
          : row.answeredAt
            ? ('answered' as const)
            : ('ringing' as const),
        startedAt: row.startedAt?.toISOString() ?? null,
        answeredBy: row.answeredBy,
        cause: row.cause,
        diagnostics: row.diagnostics,
        ticketId: row.ticketId,
        client: client
          ? { id: client.id, name: client.name, category: client.category, phone: client.phone, email: client.email }
          : null,
        openTickets: tickets.filter((t) => t.stage !== 'closed'),
        lastContacts: row.fromNumber
          ? (await earlierCallsOf(db, row.fromNumber, row.callId)).map((c) => ({
              ...c,
              at: c.at?.toISOString() ?? null,
            }))
          : [],
      };
    },

    /** The calls of the last minutes, for a page that has just opened. */
    recentCallIds: async () => (await callsInProgress(db)).map((c) => c.callId),

    /** Calls `listener` with the id of every call that changes, in any process; returns the unsubscribe. */
    async subscribe(listener: (callId: string) => void): Promise<() => void> {
      await listen();
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },

    /**
     * The call's one ticket: the caller as client, channel `phone`, the line called and what the
     * IVR sent. Its number is reserved on the call first, so a second click (or the missed call's
     * call-back, filed first) answers with the same ticket.
     */
    async fileTicket(callId: string): Promise<{ ticketId: number; created: boolean }> {
      const row = await callById(db, callId);
      if (!row) throw notFound(`call ${callId}`);
      const ticket = callTicket(factsOf(row), 'call');
      if (!ticket)
        throw new DeskError(
          'CALL_WITHOUT_NUMBER',
          `call ${callId} came from no phone number (${row.fromNumber ?? 'none'})`,
        );
      const ticketId = (await reserveCallTicket(db, callId))!;
      return deps.tickets.registerNumbered(ticketId, ticket);
    },

    async stop() {
      listeners.clear();
      const listened = listening;
      listening = undefined;
      if (listened) await (await listened).unlisten().catch(() => {});
    },
  };
}

export type CallService = ReturnType<typeof createCallService>;
