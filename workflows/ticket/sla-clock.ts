import { condition } from '@temporalio/workflow';
import {
  applyNewTerms,
  newTarget,
  nextAlarm,
  pausesWhileWaitingForClient,
  reopenTarget,
  slaStatus,
  targetKey,
  type SlaTarget,
} from '../sla';
import {
  TicketFailure,
  type ChangeSlaRequest,
  type Escalated,
  type SlaStart,
  type SlaStatus,
  type SlaTerms,
  type ContinuedTicket,
} from '../types';
import { channels, db, type StaffNoticeRequest } from './proxies';
import type { TicketVersion } from './patches';
import { fireAlarm } from './sla-alarms';
import { reject, type TicketState } from './state';

const now = () => new Date(Date.now()).toISOString();

/**
 * The ticket's SLA clock: one durable timer at a time, for the nearest alarm of any target.
 * Deadlines come from an activity on the business calendar; a pause, resume, accept or SLA
 * change bumps `version`, which wakes the clock to plan again from the time left.
 */
export class SlaClock {
  /** The agreement's terms; null without an agreement (or before the clock started). */
  terms: SlaTerms | null = null;
  readonly targets: SlaTarget[] = [];
  private version = 0;
  private pauses = 0;
  private changes = 0;
  /** The running clock: the first from intake, another after each reopening that resumes it. */
  running: Promise<void> | undefined;
  private busy = false;
  /** Staff notices in flight: sent alongside, awaited when the clock ends. */
  private readonly notices: Promise<unknown>[] = [];
  private noticesInFlight = 0;

  constructor(
    readonly ticket: TicketState,
    private readonly patches: TicketVersion,
  ) {}

  private get ticketId() {
    return this.ticket.ticketId;
  }

  /**
   * Local activities of handlers and of the clock never run at the same time: two in flight
   * may complete in either order, and replay could then order the commands after them differently.
   */
  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (!this.patches.slaClocks) return work();
    await condition(() => !this.busy);
    // Every waiter whose condition held woke in the same pass: the first to run took the turn,
    // the others wait for the next one (tickets recorded before that ran them all at once).
    while (this.busy && this.patches.exclusiveInTurn) await condition(() => !this.busy);
    this.busy = true;
    try {
      return await work();
    } finally {
      this.busy = false;
    }
  }

  target(kind: 'response' | 'resolution'): SlaTarget | undefined {
    return this.targets.find((t) => t.kind === kind);
  }

  status(): SlaStatus {
    return slaStatus(this.terms?.agreementId ?? null, this.ticket.supportLine, this.targets);
  }

  /** The resolution deadline if it has passed (the clock's breach, or its timer not fired yet); null if in time. */
  overdueAt(): string | null {
    const t = this.target('resolution');
    const overdue =
      !!t && (t.breached || (t.runningSince !== null && !!t.plan && Date.now() >= Date.parse(t.plan.dueAt)));
    return this.patches.slaClocks && overdue ? (t!.plan?.dueAt ?? 'breached') : null;
  }

  /** Starts the clock: as intake started and planned it (`startedByIntake`, null without an agreement), or by looking the agreement up now. */
  start(startedAt: number, startedByIntake?: SlaStart | null): void {
    this.running = this.run(startedAt, startedByIntake);
  }

  private async run(startedAt: number, startedByIntake?: SlaStart | null) {
    const started =
      startedByIntake !== undefined
        ? this.startedByIntake(startedAt, startedByIntake)
        : await this.exclusive(async () => {
            this.terms = await db.startSla({ ticketId: this.ticketId });
            if (!this.terms) return false;
            this.targets.push(
              newTarget('response', this.terms.responseMs, startedAt, this.terms),
              newTarget('resolution', this.terms.resolutionMs, startedAt, this.terms),
            );
            // An accept (or even the resolution) that came while the agreement was being looked up.
            if (this.ticket.acceptances > 0) await this.meet(this.target('response')!);
            if (this.ticket.resolved) await this.meet(this.target('resolution')!);
            return true;
          });
    if (!started) return;
    await this.untilMet(startedByIntake !== undefined);
  }

  /** Intake planned both targets: nothing can have been accepted before intake answered. */
  private startedByIntake(startedAt: number, start: SlaStart | null) {
    if (!start) return false;
    this.terms = start.terms;
    this.targets.push(
      { ...newTarget('response', start.terms.responseMs, startedAt, start.terms), plan: start.plans.response },
      { ...newTarget('resolution', start.terms.resolutionMs, startedAt, start.terms), plan: start.plans.resolution },
    );
    return true;
  }

  /** The clock runs until every target is met; the notices it sent are awaited before the client is told. */
  private async untilMet(planned = false) {
    try {
      await this.loop(planned);
    } finally {
      await Promise.all(this.notices);
    }
  }

  /** `planned`: intake planned both targets, so the first pass plans nothing and needs no turn in the exclusive section. */
  private async loop(planned = false) {
    for (let first = true; ; first = false) {
      const open = this.targets.filter((t) => !t.met);
      if (open.length === 0) return;
      const seen = this.version;
      if (!(planned && first)) await this.exclusive(() => this.plan(open, seen));
      if (this.version !== seen) continue;
      const alarm = nextAlarm(open);
      // Workflow time stands still while local activities run in one workflow task, and the
      // timer starts only when that task completes: count from the planner's clock when later.
      const clock = Math.max(Date.now(), ...open.map((t) => (t.plan?.computedAt ? Date.parse(t.plan.computedAt) : 0)));
      const changed = alarm
        ? await condition(() => this.version !== seen, Math.max(1, alarm.at - clock))
        : await condition(() => this.version !== seen).then(() => true);
      if (!changed && alarm) await this.exclusive(() => fireAlarm(alarm, this));
    }
  }

  /** Plans the running targets that have no plan, unless something changed meanwhile. */
  private async plan(open: SlaTarget[], seen: number) {
    for (const t of open) {
      if (t.runningSince === null || t.plan || this.version !== seen) continue;
      t.plan = await db.planSlaTarget({
        ticketId: this.ticketId,
        agreementId: t.kind === 'handover' ? null : this.terms!.agreementId,
        target: t.kind,
        from: new Date(t.runningSince).toISOString(),
        budgetMs: t.budgetMs,
        usedMs: t.usedMs,
        warningShare: t.warningShare,
        escalationAfterMs: t.escalationAfterMs,
        ...(t.breached && t.breachedAtUsedMs !== undefined ? { breachedAtUsedMs: t.breachedAtUsedMs } : {}),
      });
    }
  }

  /** Staff notices are not awaited: a mail server down for a while holds up neither the next timer nor an operator. */
  notify(notice: StaffNoticeRequest) {
    this.noticesInFlight++;
    const sent = channels.notifyStaff(notice);
    this.notices.push(sent);
    void sent.finally(() => this.noticesInFlight--).catch(() => {});
  }

  /** No activity of the clock's runs or waits, and no staff notice in flight: the run may end here. */
  get quiet(): boolean {
    return !this.busy && this.noticesInFlight === 0;
  }

  /** What the next run needs: the targets keep their plans (absolute deadlines) and alarms already fired. */
  saved(): ContinuedTicket['clock'] {
    return { terms: this.terms, targets: this.targets, pauses: this.pauses, changes: this.changes };
  }

  /** The previous run's clock, in a run that continued as new: it runs on until every target is met. */
  restore(saved: ContinuedTicket['clock']): void {
    this.terms = saved.terms;
    this.targets.push(...saved.targets);
    this.pauses = saved.pauses;
    this.changes = saved.changes;
    this.running = this.untilMet();
  }

  /** The ticket moved up a line (by the clock or a person): that line's OLA starts. */
  escalated(moved: Escalated): void {
    if (!moved.moved) return;
    this.ticket.escalated(moved);
    if (moved.handover) {
      const index = this.targets.filter((t) => t.kind === 'handover').length + 1;
      this.targets.push(
        newTarget('handover', moved.handover.ms, Date.now(), {
          warningShare: this.terms?.warningShare ?? 0.8,
          recipients: moved.handover.recipients,
          index,
        }),
      );
    }
    this.version++;
  }

  /** Stops a target's clock, adding the business time it ran to what it has used. */
  private async stop(t: SlaTarget, agreementId: number | null) {
    if (t.runningSince === null) return;
    const since = t.runningSince;
    t.runningSince = null;
    t.plan = undefined;
    t.usedMs += await db.measureSlaTime({
      ticketId: this.ticketId,
      agreementId,
      from: new Date(since).toISOString(),
      to: now(),
    });
  }

  /** A target is met: its clock stops for good and the record says whether it was in time. */
  private async meet(t: SlaTarget) {
    if (t.met) return;
    t.met = true;
    await db.recordSlaEvent({
      ticketId: this.ticketId,
      action: 'sla_met',
      target: t.kind,
      data: {
        late: t.breached,
        handover: t.kind === 'handover' ? t.index : undefined,
        ...((t.round ?? 1) > 1 ? { round: t.round } : {}),
      },
      dedupeKey: `sla:met:${targetKey(t)}`,
    });
  }

  /**
   * The warning and breach of a target whose instants passed before it is met, their timer not
   * fired yet: a worker down past a deadline gets that timer in the same workflow task as the
   * accept or resolution sent meanwhile, whose handler runs first. They fire now, late, as the
   * timer would have; escalation levels do not (the ticket is being taken or resolved).
   */
  private async fireDueAlarms(t: SlaTarget) {
    for (;;) {
      const alarm = nextAlarm([t]);
      if (!alarm || alarm.kind === 'escalate' || alarm.at > Date.now() || !this.patches.slaLateAlarms) return;
      await fireAlarm(alarm, this);
    }
  }

  /** Accepting meets the response and any handover that waits for the ticket to be taken. */
  async accepted(): Promise<void> {
    if (this.patches.slaClocks)
      for (const t of this.targets.filter((t) => !t.met && (t.kind === 'response' || t.kind === 'handover'))) {
        await this.fireDueAlarms(t);
        await this.meet(t);
      }
    this.version++;
  }

  /** The resolution meets its target; the time used is kept for a reopening, so the clock stops and is measured. */
  async resolved(): Promise<void> {
    const t = this.target('resolution');
    if (t && !t.met) await this.fireDueAlarms(t);
    if (t && !t.met && t.runningSince !== null && this.patches.slaReopenRounds)
      await this.stop(t, this.terms!.agreementId);
    if (t) await this.meet(t);
    this.version++;
  }

  /** Waiting for the client stops the clocks the client's delay must not count against. */
  async pause(operatorId: string, reason: string): Promise<SlaStatus> {
    this.pauses++;
    for (const paused of this.targets.filter((t) => pausesWhileWaitingForClient(t.kind)))
      await this.stop(paused, this.terms!.agreementId);
    await db.recordSlaEvent({
      ticketId: this.ticketId,
      action: 'sla_paused',
      target: 'resolution',
      actor: operatorId,
      data: { reason, usedMs: this.target('resolution')?.usedMs ?? null },
      dedupeKey: `sla:paused:${this.pauses}`,
    });
    this.version++;
    return this.status();
  }

  async resume(operatorId: string): Promise<SlaStatus> {
    for (const paused of this.targets.filter((t) => pausesWhileWaitingForClient(t.kind) && !t.met))
      paused.runningSince = Date.now();
    await db.recordSlaEvent({
      ticketId: this.ticketId,
      action: 'sla_resumed',
      target: 'resolution',
      actor: operatorId,
      data: { usedMs: this.target('resolution')?.usedMs ?? null },
      dedupeKey: `sla:resumed:${this.pauses}`,
    });
    this.version++;
    return this.status();
  }

  /**
   * A manager moves the ticket to another agreement; time already used stays used. A warning or
   * breach not reached under the new terms is armed again (see applyNewTerms).
   */
  async changeTerms({ operatorId, agreementId }: ChangeSlaRequest): Promise<SlaStatus> {
    const { ticketId } = this;
    this.changes++;
    const change = this.changes;
    const previous = this.terms!.agreementId;
    const next: SlaTerms | null = await db.changeSla({ ticketId, agreementId, actor: operatorId, change });
    if (!next) throw reject(TicketFailure.invalidRequest, `agreement ${agreementId} does not exist`);
    const rearms = this.patches.slaChangeRearms;
    const rearmed: SlaTarget[] = [];
    // Time used so far is measured on the old agreement's calendar and kept; the terms change.
    for (const t of this.targets.filter((t) => !t.met && t.kind !== 'handover')) {
      const running = t.runningSince !== null;
      await this.stop(t, previous);
      if (running) t.runningSince = Date.now();
      const newTerms = {
        budgetMs: t.kind === 'response' ? next.responseMs : next.resolutionMs,
        warningShare: next.warningShare,
        escalationAfterMs: next.escalationAfterMs,
      };
      if (rearms) {
        if (applyNewTerms(t, newTerms, change)) rearmed.push(t);
      } else {
        Object.assign(t, newTerms);
        t.plan = undefined;
      }
    }
    this.terms = next;
    if (rearmed.length > 0) {
      await db.recordSlaEvent({
        ticketId,
        action: 'sla_rearmed',
        actor: operatorId,
        data: {
          agreementId: next.agreementId,
          targets: rearmed.map((t) => ({
            target: t.kind,
            usedMs: t.usedMs,
            budgetMs: t.budgetMs,
            warned: t.warned,
            breached: t.breached,
          })),
        },
        dedupeKey: `sla:rearmed:${change}`,
        clearBreach: !this.targets.some((t) => t.kind !== 'handover' && t.breached),
      });
    }
    this.version++;
    return this.status();
  }

  /**
   * A reopening runs the resolution clock again in `round` with the time it had used, if it was
   * stopped and measured at the resolution (tickets resolved before that keep no clock after a reopening).
   */
  async reopenRound(round: number): Promise<void> {
    const t = this.target('resolution');
    if (!(t?.met && t.runningSince === null && this.patches.slaReopenRounds)) return;
    reopenTarget(t, round, Date.now());
    await db.recordSlaEvent({
      ticketId: this.ticketId,
      action: 'sla_restarted',
      target: 'resolution',
      data: { round, usedMs: t.usedMs, budgetMs: t.budgetMs },
      dedupeKey: `sla:restarted:${round}`,
    });
    this.version++;
    // After a reopening: the clock of the new round, awaited like the first.
    this.running = this.untilMet();
  }
}
