import { allHandlersFinished, condition, continueAsNew, workflowInfo } from '@temporalio/workflow';
import type { ContinuedTicket, TicketWorkflowInput } from '../types';
import type { TicketVersion } from './patches';
import type { SlaClock } from './sla-clock';
import type { TicketState } from './state';

/**
 * A long-lived ticket continues as new before Temporal's history limits: when the server
 * suggests it, or at the desk's own limit. It happens only while the ticket waits (in work, or
 * for its survey) and nothing is in flight: no update being handled, no activity of the clock,
 * no staff notice on its way. The next run starts from the saved state, without intake.
 */
export class Continuation {
  constructor(
    private readonly input: TicketWorkflowInput,
    private readonly ticket: TicketState,
    private readonly clock: SlaClock,
    private readonly version: TicketVersion,
  ) {}

  /** The history is long enough to start again (never for tickets recorded before continuing existed). */
  private get due(): boolean {
    if (!this.version.continuesAsNew) return false;
    const { continueAsNewSuggested, historyLength } = workflowInfo();
    return continueAsNewSuggested || (!!this.input.historyLimit && historyLength >= this.input.historyLimit);
  }

  /**
   * Waits until `done`, or the deadline `until` (workflow time) passes; true if done. When the
   * history is due for a new run meanwhile, continues as new in `phase` once nothing is in flight.
   */
  async waitFor(done: () => boolean, phase: ContinuedTicket['phase'], until?: number): Promise<boolean> {
    const timeout = until === undefined ? undefined : Math.max(1, until - Date.now());
    const ended = () => done() || this.due;
    const met = timeout === undefined ? await condition(ended).then(() => true) : await condition(ended, timeout);
    if (!met) return false;
    if (done()) return true;
    await condition(() => done() || (allHandlersFinished() && this.clock.quiet));
    if (done()) return true;
    return continueAsNew<(input: TicketWorkflowInput) => Promise<unknown>>({
      ...this.input,
      continued: { phase, surveyUntil: until, ticket: this.ticket.saved(), clock: this.clock.saved() },
    });
  }
}
