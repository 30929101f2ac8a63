import { patched } from '@temporalio/workflow';

/**
 * Changes to the ticket's commands; tickets started before a change replay the code they ran.
 * Patches only accumulate: a ticket with a newer one has every older one it implies.
 */
export const TicketPatch = {
  /** SLA clocks: the agreement's response and resolution targets, their warnings, breaches and escalations. */
  slaTimers: 'sla-timers',
  /** Queues set to auto-assign hand a new ticket to the least-loaded competent operator at intake. */
  autoAssignLeastLoad: 'auto-assign-least-load',
  /** Reopen while the survey waits, and the complaint step after a low score or a complaint. */
  reopenAndComplaint: 'reopen-and-complaint',
  /** Register, classify and queue in one local activity (one round trip, fewer history events). */
  intakeInOneStep: 'intake-in-one-step',
  /** An SLA change arms again the warning and breach the time used has not reached under the new terms. */
  slaChangeRearms: 'sla-change-rearms',
  /** Resolving stops the resolution clock; a reopening runs it again with the time used, its alarms per round. */
  slaReopenRounds: 'sla-reopen-rounds',
  /**
   * That local activity also starts the SLA clock and plans its first deadlines: the first
   * timer starts in the workflow task that answers the intake, with no SLA local activities.
   * Implies 'sla-timers', 'intake-in-one-step' and 'auto-assign-least-load', which are then not asked.
   */
  intakeWithSla: 'intake-with-sla',
  /** Articles (e-mail and other channels) are told to the workflow; a client's reply reopens a resolved ticket. */
  clientArticles: 'client-articles',
  /**
   * A ticket whose history grows long continues as new with its state. Read at start, in place of
   * 'intake-with-sla', which it implies: new tickets still record one marker at start.
   */
  continueAsNew: 'continue-as-new',
  /**
   * A warning or breach whose instant passed before the target was met fires then, first: its
   * timer can come in the same workflow task as the accept or the resolution (a worker was down).
   */
  slaLateAlarms: 'sla-late-alarms',
  /**
   * Sections of the clock's exclusive turn that wake together (two updates delivered in one
   * workflow task, both waiting for the turn) take it one after the other: before it, both ran,
   * and their local activities in flight at once made histories that do not replay.
   */
  exclusiveInTurn: 'exclusive-in-turn',
} as const;

/**
 * Which code this ticket runs: the one place the workflow asks its patches. A patch is asked
 * where it decides, never earlier, because a marker sits at its place in the history: the two
 * read at start are read here at once; the others are asked on first use, each at the step it
 * changes. The SDK keeps each decision once made; a "no" while replaying is not final (a worker
 * upgraded mid-ticket records the marker later), so it is asked again rather than kept here.
 */
export class TicketVersion {
  /** Tickets recorded before it never continue as new (their recorded waits have no way out). */
  readonly continuesAsNew = patched(TicketPatch.continueAsNew);
  /** New tickets record one marker (and one search-attribute upsert) at start instead of one per patch. */
  readonly intakeWithSla = this.continuesAsNew || patched(TicketPatch.intakeWithSla);
  /** Tickets started before SLA clocks existed replay without them. */
  readonly slaClocks = this.intakeWithSla || patched(TicketPatch.slaTimers);

  /** Asked just before intake, only by tickets that do not start their clock at intake. */
  get intakeInOneStep(): boolean {
    return patched(TicketPatch.intakeInOneStep);
  }
  /** Asked only when the queue named an assignee, so tickets recorded before it never reach it. */
  get autoAssign(): boolean {
    return this.intakeWithSla || patched(TicketPatch.autoAssignLeastLoad);
  }
  /** Asked once the client has been told of the resolution. */
  get reopenAndComplaint(): boolean {
    return patched(TicketPatch.reopenAndComplaint);
  }
  /** Asked when the new agreement is known. */
  get slaChangeRearms(): boolean {
    return patched(TicketPatch.slaChangeRearms);
  }
  /** Asked when an article is told to the ticket, at the step it may change. */
  get clientArticles(): boolean {
    return patched(TicketPatch.clientArticles);
  }
  /** Asked only when a target is met with a warning or breach due and not fired. */
  get slaLateAlarms(): boolean {
    return patched(TicketPatch.slaLateAlarms);
  }
  /** Asked only when a section woke for the clock's turn another had just taken. */
  get exclusiveInTurn(): boolean {
    return patched(TicketPatch.exclusiveInTurn);
  }
  /** Asked at a resolution that stops a running clock, and at a reopening of a clock so stopped. */
  get slaReopenRounds(): boolean {
    return patched(TicketPatch.slaReopenRounds);
  }
}
