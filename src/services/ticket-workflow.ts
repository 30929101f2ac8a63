import { randomUUID } from 'node:crypto';
import {
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  ServiceError,
  isGrpcServiceError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from 'pino';
import { isErrorCode } from '../domain/errors';
import { ticketWorkflowId } from '../domain/process';
import { intakeUpdate, slaQuery, ticketWorkflow } from '../../workflows/ticket';
import type { IntakeResult, SlaStatus, TicketWorkflowInput } from '../../workflows/types';
import type { NewTicket } from '../api/schemas/tickets';
import { boundedReads } from './bounded-reads';
import { DeskError, notFound } from './errors';

/** A ticket a channel registers: the intake's fields, and the catalog service the channel asks for (a missed call's call-back). */
export type ChannelTicket = NewTicket & { serviceCode?: string };

export type Registration = IntakeResult | { ticketId: number; stage: 'registering' };

/** How the ticket service talks to a ticket's workflow: start it, and run an update whose refusal becomes a DeskError. */
export function createTicketWorkflows(deps: {
  temporal: Client;
  taskQueue: string;
  surveyTimeoutMs: number;
  /** Continue a ticket as new at this many history events; Temporal's own suggestion when absent. */
  ticketHistoryLimit?: number;
  /** How long registration waits for the ticket to be queued before answering 202. */
  intakeWaitMs: number;
  logger: Logger;
}) {
  const { temporal } = deps;

  const handleOf = (ticketId: number): WorkflowHandle<typeof ticketWorkflow> =>
    temporal.workflow.getHandle(ticketWorkflowId(ticketId));

  /** Turns what the workflow refused into the caller's 4xx; anything else stays a server error. */
  const asDeskError = (error: unknown, ticketId: number): unknown => {
    if (error instanceof WorkflowNotFoundError) return notFound(`ticket ${ticketId}`);
    if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
      return new DeskError(
        'ENGINE_TIMEOUT',
        `ticket ${ticketId} did not answer in time; the action may still complete: read the ticket before retrying`,
      );
    }
    if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
      if (isErrorCode(error.cause.type)) return new DeskError(error.cause.type, error.cause.message);
    }
    return error;
  };

  /**
   * Runs `run` on the ticket's workflow. An update the engine refuses for now — the workflow's
   * task failed (a worker died mid-task: the update it carried was aborted, and new ones are
   * refused until a task completes) — is sent again, with the same update id, for up to
   * `UPDATE_RETRY_MS`: the handler may have written before its task was lost, and only the update
   * landing makes the workflow agree with what was written (the chaos run of dc1d4e9 had tickets
   * whose accept was written, its update lost, and every later step refused as "queued").
   */
  const onWorkflow = async <T>(
    ticketId: number,
    run: (handle: WorkflowHandle<typeof ticketWorkflow>) => Promise<T>,
  ): Promise<T> => {
    const handle = withUpdateId(handleOf(ticketId), randomUUID());
    const deadline = Date.now() + UPDATE_RETRY_MS;
    for (let pause = 250; ; pause = Math.min(2_000, pause * 2)) {
      try {
        return await run(handle);
      } catch (error) {
        if (!isRefusedForNow(error)) throw asDeskError(error, ticketId);
        if (Date.now() + pause > deadline) {
          deps.logger.warn({ err: error, ticketId }, 'update refused while the workflow task is failing');
          throw new DeskError(
            'ENGINE_UNAVAILABLE',
            `ticket ${ticketId}'s workflow is recovering from a failed task and did not take the action (the ticket may show it already): send it again in a few seconds`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
  };

  const slaReads = boundedReads<number, SlaStatus>({
    ...SLA_READS,
    onBusy: () =>
      new DeskError(
        'ENGINE_BUSY',
        `more than ${SLA_READS.maxInFlight} tickets' SLA clocks are being read from their workflows at once: retry in a second`,
      ),
  });

  /** An update to the ticket's workflow; the SLA clocks read before it are not reused after it. */
  const update: typeof onWorkflow = (ticketId, run) =>
    onWorkflow(ticketId, run).finally(() => slaReads.forget(ticketId));

  /**
   * The ticket's SLA clocks as its workflow holds them: a query, so bounded (services/bounded-reads.ts)
   * — shared by the callers asking at once and reused for a second, the desk's own changes excepted.
   */
  const readSla = (ticketId: number) => slaReads.read(ticketId, () => onWorkflow(ticketId, (h) => h.query(slaQuery)));

  /**
   * Whether the ticket's workflow exists, asked until the engine answers or `forMs` has passed
   * (undefined: it did not answer).
   */
  const workflowExists = async (ticketId: number, forMs: number): Promise<boolean | undefined> => {
    const deadline = Date.now() + forMs;
    for (;;) {
      try {
        await handleOf(ticketId).describe();
        return true;
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return false;
        if (Date.now() > deadline) return undefined;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  };

  /** True when the ticket's workflow was started by this filing (its memo names it). */
  const isThisFiling = async (ticketId: number, filing: string): Promise<boolean> => {
    try {
      const { memo } = await handleOf(ticketId).describe();
      return memo?.filing === filing;
    } catch {
      return false;
    }
  };

  /**
   * The start (with the intake update) is given `intakeWaitMs` and then abandoned, so it cannot
   * land later; then the engine is asked whether it took the ticket before anything is answered.
   * A "retry later" is only said of a ticket the engine does not have: said of one it started
   * after all, the client's retry would register a second ticket.
   */
  /**
   * `identifiedBy`: the member of staff who filed the ticket or identified its filer; `filing`: what
   * names this filing (an Idempotency-Key's hash, the same when the request is sent again), else a new id.
   */
  const start = async (
    ticketId: number,
    ticket: ChannelTicket,
    identifiedBy?: string,
    filing: string = randomUUID(),
  ): Promise<Registration> => {
    const workflowId = ticketWorkflowId(ticketId);
    const intake = {
      ticketId,
      ...ticket,
      receivedAt: new Date().toISOString(),
      ...(identifiedBy ? { identifiedBy } : {}),
    };
    // Names this very request: a start whose answer was lost and retried finds its own workflow, not another's.
    const options = {
      workflowId,
      taskQueue: deps.taskQueue,
      memo: { filing },
      args: [
        {
          intake,
          surveyTimeoutMs: deps.surveyTimeoutMs,
          ...(deps.ticketHistoryLimit ? { historyLimit: deps.ticketHistoryLimit } : {}),
        },
      ] as [TicketWorkflowInput],
      workflowIdConflictPolicy: 'FAIL' as const,
      workflowIdReusePolicy: 'REJECT_DUPLICATE' as const,
    };
    /**
     * Not found after the abandoned start: that start may still land (it was on its way), so the
     * ticket is started here, once: whichever start lands, the other finds it taken. Answers true
     * when the ticket's workflow exists now, undefined when the engine did not say.
     */
    const startOnce = async (): Promise<true | undefined> => {
      try {
        await temporal.connection.withDeadline(Date.now() + deps.intakeWaitMs, () =>
          temporal.workflow.start(ticketWorkflow, options),
        );
        return true;
      } catch (error) {
        if (error instanceof WorkflowExecutionAlreadyStartedError) return true;
        return (await workflowExists(ticketId, deps.intakeWaitMs)) || undefined;
      }
    };
    try {
      return await temporal.connection.withDeadline(Date.now() + deps.intakeWaitMs, () =>
        temporal.workflow.executeUpdateWithStart(intakeUpdate, {
          startWorkflowOperation: new WithStartWorkflowOperation(ticketWorkflow, options),
        }),
      );
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) {
        // The start's answer was lost and the call retried: the workflow there may be this filing's own.
        if (await isThisFiling(ticketId, filing)) return { ticketId, stage: 'registering' };
        throw error;
      }
      // Not answered in time, or the engine failed on the way: did the start land? If the engine
      // says no, it is started here, so a caller is never told "nothing was registered" of a
      // ticket an in-flight start registers a moment later (the chaos run found one).
      let exists = await workflowExists(ticketId, deps.intakeWaitMs);
      if (exists === false) exists = await startOnce();
      if (exists) {
        deps.logger.warn(
          { ticketId, workflowId, err: error },
          'intake not answered in time; the ticket is registering',
        );
        return { ticketId, stage: 'registering' };
      }
      deps.logger.warn({ ticketId, workflowId, err: error }, 'intake not taken; the engine does not answer');
      throw new DeskError(
        'ENGINE_UNAVAILABLE',
        `the workflow engine does not answer; ticket ${ticketId} may still be registered: retry later`,
      );
    }
  };

  return { update, readSla, start };
}

/** How long an update refused for now (the workflow's task failing) is sent again before the caller gets a 503. */
export type TicketWorkflows = ReturnType<typeof createTicketWorkflows>;

const UPDATE_RETRY_MS = 15_000;

/**
 * How an API process bounds its reads of the SLA clocks from the tickets' workflows: a second's
 * reuse of an answer (a timer's warning or breach shows at most that late; an update this process
 * sends is seen at once), 8 queries in flight, 5 s of waiting for a place before a 503.
 */
export const SLA_READS = { freshForMs: 1_000, maxInFlight: 8, waitMs: 5_000 } as const;

/** The handle with every update it sends carrying `updateId`, so sending one again is the same update to the engine. */
export function withUpdateId<W extends WorkflowHandle<typeof ticketWorkflow>>(handle: W, updateId: string): W {
  const stable = Object.create(handle) as W;
  stable.executeUpdate = ((definition: never, options?: { updateId?: string }) =>
    handle.executeUpdate(definition, { updateId, ...options } as never)) as W['executeUpdate'];
  return stable;
}

/**
 * The engine's "not now" to an update: refused while the workflow's task is in a failed state
 * (FAILED_PRECONDITION), or aborted with the task that carried it (ABORTED); gRPC status codes.
 */
const FAILED_PRECONDITION = 9;
const ABORTED = 10;

export function isRefusedForNow(error: unknown): boolean {
  if (!(error instanceof ServiceError)) return false;
  const cause = error.cause;
  if (!isGrpcServiceError(cause)) return false;
  return (
    (cause.code === FAILED_PRECONDITION && /workflow task in failed state/i.test(cause.details ?? '')) ||
    cause.code === ABORTED
  );
}
