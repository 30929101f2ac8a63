import {
  WithStartWorkflowOperation,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from 'pino';
import { isErrorCode } from '../domain/errors';
import { ticketWorkflowId } from '../domain/process';
import { intakeUpdate, ticketWorkflow } from '../../workflows/ticket';
import type { IntakeResult } from '../../workflows/types';
import type { NewTicket } from '../api/schemas/tickets';
import { DeskError, notFound } from './errors';

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

  const update = async <T>(
    ticketId: number,
    run: (handle: WorkflowHandle<typeof ticketWorkflow>) => Promise<T>,
  ): Promise<T> => {
    try {
      return await run(handleOf(ticketId));
    } catch (error) {
      throw asDeskError(error, ticketId);
    }
  };

  const start = async (ticketId: number, ticket: NewTicket): Promise<Registration> => {
    const workflowId = ticketWorkflowId(ticketId);
    const intake = { ticketId, ...ticket, receivedAt: new Date().toISOString() };
    const queued = temporal.workflow.executeUpdateWithStart(intakeUpdate, {
      startWorkflowOperation: new WithStartWorkflowOperation(ticketWorkflow, {
        workflowId,
        taskQueue: deps.taskQueue,
        args: [
          {
            intake,
            surveyTimeoutMs: deps.surveyTimeoutMs,
            ...(deps.ticketHistoryLimit ? { historyLimit: deps.ticketHistoryLimit } : {}),
          },
        ],
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      }),
    });
    let timer: NodeJS.Timeout | undefined;
    const stillRegistering = new Promise<'waiting'>((resolve) => {
      timer = setTimeout(() => resolve('waiting'), deps.intakeWaitMs);
    });
    try {
      const outcome = await Promise.race([queued, stillRegistering]);
      if (outcome !== 'waiting') return outcome;
    } finally {
      clearTimeout(timer);
    }
    queued.catch((error) =>
      deps.logger.warn({ ticketId, workflowId, err: error }, 'intake finished after the caller was answered'),
    );
    // The answer took too long; the ticket is durable only if its workflow exists.
    await handleOf(ticketId)
      .describe()
      .catch(() => {
        throw new DeskError('ENGINE_UNAVAILABLE', 'the workflow engine did not take the ticket in time; retry later');
      });
    return { ticketId, stage: 'registering' };
  };

  return { update, start };
}
