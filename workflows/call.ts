import {
  condition,
  defineSignal,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  startChild,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { createActivities } from '../activities';
import {
  callTicket,
  isMissedCall,
  mergeCallEvent,
  newCallFacts,
  type CallFacts,
  type CtiEvent,
} from '../src/domain/calls';
import { ticketWorkflowId } from '../src/domain/process';
import { ticketWorkflow } from './ticket';

/** Every event of the call, in the order the desk received them (the API signals with start). */
export const callEventSignal = defineSignal<[CtiEvent]>('callEvent');

export interface CallWorkflowInput {
  callId: string;
  /** The survey wait of a call-back ticket this call may start. */
  surveyTimeoutMs: number;
  /** How long after a hangup with no answer an answer overtaken by it still counts. */
  lateAnswerMs: number;
  /** A call that never hangs up (its hangup lost) is over for the desk after this long. */
  maxCallMs: number;
}

export interface CallOutcome {
  missed: boolean;
  /** The call-back ticket a missed call filed (or found filed by a click). */
  callBackTicketId?: number;
}

const calls = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

/**
 * One phone call: its events merged in whatever order and however often they come (each kind
 * counts once), the call written for the operators' page as each one arrives; a call to the
 * desk that ends unanswered files its call-back ticket. The ticket is a workflow of its own
 * (abandoned by this one when it ends) under the number reserved on the call, so a click on
 * the same call finds it rather than filing another.
 */
export async function callWorkflow(input: CallWorkflowInput): Promise<CallOutcome> {
  const pending: CtiEvent[] = [];
  setHandler(callEventSignal, (event) => void pending.push(event));
  let facts: CallFacts | undefined;
  const endBy = Date.now() + input.maxCallMs;

  for (;;) {
    const over = facts?.seen.includes('hangup') ?? false;
    const wait = over && !facts!.seen.includes('answer') ? input.lateAnswerMs : Math.max(0, endBy - Date.now());
    if (over && facts!.seen.includes('answer')) break;
    if (!(await condition(() => pending.length > 0, wait))) break;
    let changed = false;
    for (let event = pending.shift(); event; event = pending.shift()) {
      facts ??= newCallFacts(event);
      changed = mergeCallEvent(facts, event) || changed;
    }
    if (changed) await calls.recordCall(facts!);
  }

  if (!facts || !isMissedCall(facts)) return { missed: false };
  const ticket = callTicket(facts, 'call-back');
  if (!ticket) return { missed: true };
  const ticketId = await calls.reserveCallTicket(facts.callId);
  try {
    await startChild(ticketWorkflow, {
      workflowId: ticketWorkflowId(ticketId),
      args: [
        {
          intake: { ticketId, ...ticket, receivedAt: facts.endedAt ?? facts.startedAt },
          surveyTimeoutMs: input.surveyTimeoutMs,
        },
      ],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
  } catch (error) {
    // An operator's click on this call filed its ticket first: that one is the call-back.
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  return { missed: true, callBackTicketId: ticketId };
}
