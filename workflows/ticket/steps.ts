import { condition } from '@temporalio/workflow';
import { isComplaint } from '../../src/domain/survey';
import type {
  ArticleNotice,
  ArticleTaken,
  ChangeSlaRequest,
  ComplaintResolution,
  EscalateRequest,
  IntakeOutcome,
  IntakeResult,
  MoveRequest,
  Moved,
  PauseRequest,
  ReassignRequest,
  ReopenRequest,
  ResolveRequest,
  TicketWorkflowInput,
  TransferRequest,
  WorkRequest,
} from '../types';
import { db } from './proxies';
import type { TicketVersion } from './patches';
import type { SlaClock } from './sla-clock';
import type { TicketState } from './state';

/** Register, classify and queue: in one local activity, or one by one for tickets started before that. */
export async function intakeTicket(
  intake: TicketWorkflowInput['intake'],
  version: TicketVersion,
  slaStartedAt: number,
): Promise<IntakeOutcome> {
  if (version.intakeWithSla) return db.intakeTicket(intake, { startedAt: new Date(slaStartedAt).toISOString() });
  if (version.intakeInOneStep) return db.intakeTicket(intake);
  const registered = await db.registerTicket(intake);
  const classified = await db.classifyTicket({
    ticketId: intake.ticketId,
    subject: intake.subject,
    description: intake.description,
    clientCategory: registered.clientCategory,
  });
  const queued = await db.enqueueTicket({ ticketId: intake.ticketId, category: classified.category });
  return { registered, classified, queued };
}

/**
 * What an operator, a manager or the client does to the ticket, once the validator let it
 * through: each writes through an activity in the clock's exclusive section, then moves the state.
 */
export class TicketSteps {
  constructor(
    private readonly ticket: TicketState,
    private readonly clock: SlaClock,
    private readonly version: TicketVersion,
  ) {}

  private get ticketId() {
    return this.ticket.ticketId;
  }

  /** The intake update answers once the ticket is queued. */
  async queued(): Promise<IntakeResult> {
    await condition(() => this.ticket.queued !== undefined);
    return this.ticket.queued!;
  }

  /** An operator accepts the ticket, or the queue auto-assigns it at intake: the same step. */
  async acceptBy(operatorId: string) {
    const acceptance = this.ticket.claim(operatorId);
    return this.clock.exclusive(async () => {
      const { ticketId } = this;
      const details = await db.acceptTicket(
        this.version.slaClocks ? { ticketId, operatorId, acceptance } : { ticketId, operatorId },
      );
      this.ticket.stage = 'in_work';
      await this.clock.accepted();
      return details;
    });
  }

  recordWork(request: WorkRequest) {
    return this.clock.exclusive(() => db.recordWork({ ticketId: this.ticketId, ...request }));
  }

  reassign(request: ReassignRequest) {
    const from = this.ticket.assigneeId!;
    this.ticket.assigneeId = request.toOperatorId;
    return this.move(() => db.reassignTicket({ ticketId: this.ticketId, from, ...request }));
  }

  returnToQueue(request: MoveRequest) {
    const from = this.ticket.assigneeId!;
    return this.move(
      () => db.returnTicketToQueue({ ticketId: this.ticketId, from, ...request }),
      () => this.ticket.requeued(),
    );
  }

  transfer(request: TransferRequest) {
    return this.move(
      () => db.transferTicket({ ticketId: this.ticketId, from: this.ticket.assigneeId ?? null, ...request }),
      (placed) => this.ticket.requeued(placed),
    );
  }

  /** Reassign, return and transfer: nothing else starts on the ticket while the move is written. */
  private async move<T>(write: () => Promise<T>, moved?: (written: T) => void): Promise<Moved> {
    this.ticket.moving = true;
    try {
      const written = await this.clock.exclusive(write);
      moved?.(written);
    } finally {
      this.ticket.moving = false;
    }
    return this.ticket.moved();
  }

  async resolve({ operatorId, resolution, overdueReason, overdueNote }: ResolveRequest) {
    // Set before the first await, so the validator of a second resolve sent meanwhile refuses it:
    // the full chaos run had three accepted at once (a client retrying while the worker was down).
    // Validators do not run on replay, so histories with such updates replay as they ran.
    this.ticket.resolving = true;
    try {
      return await this.resolveNow({ operatorId, resolution, overdueReason, overdueNote });
    } finally {
      this.ticket.resolving = false;
    }
  }

  private async resolveNow({ operatorId, resolution, overdueReason, overdueNote }: ResolveRequest) {
    return this.clock.exclusive(async () => {
      const result = await db.resolveTicket({
        ticketId: this.ticketId,
        operatorId,
        resolution,
        round: this.ticket.round,
        ...(this.version.slaClocks ? { overdueReason, overdueNote } : {}),
      });
      this.ticket.resolved = true;
      await this.clock.resolved();
      return result;
    });
  }

  async waitForClient({ operatorId, reason }: PauseRequest) {
    return this.clock.exclusive(async () => {
      this.ticket.stage = 'waiting_for_client';
      return this.clock.pause(operatorId, reason);
    });
  }

  async resume({ operatorId }: { operatorId: string }) {
    return this.clock.exclusive(async () => {
      this.ticket.stage = 'in_work';
      return this.clock.resume(operatorId);
    });
  }

  async escalate({ operatorId, reason }: EscalateRequest) {
    return this.clock.exclusive(async () => {
      const moved = await db.escalateTicket({
        ticketId: this.ticketId,
        level: null,
        actor: operatorId,
        reason: reason.trim(),
        dedupeKey: `sla:escalated:manual:${++this.ticket.manualEscalations}`,
      });
      this.clock.escalated(moved);
      return moved;
    });
  }

  changeSla(request: ChangeSlaRequest) {
    return this.clock.exclusive(() => this.clock.changeTerms(request));
  }

  /** Back to work in the next round; the resolution clock runs again if it was stopped at the resolution. */
  async reopen({ by, reason }: ReopenRequest) {
    this.ticket.reopening = true;
    try {
      const reopened = await this.clock.exclusive(async () => {
        const round = this.ticket.round + 1;
        const done = await db.reopenTicket({ ticketId: this.ticketId, round, by, reason: reason.trim() });
        await this.clock.reopenRound(round);
        return done;
      });
      this.ticket.reopened();
      return reopened;
    } finally {
      this.ticket.reopening = false;
    }
  }

  /** A message on the ticket: a client's reply in the reopen window brings the ticket back to work. */
  async takeArticle(notice: ArticleNotice): Promise<ArticleTaken> {
    const reopens = this.version.clientArticles && this.ticket.reopensOnReply(notice);
    if (reopens) await this.reopen({ by: 'client', reason: `the client replied (article ${notice.articleId})` });
    return { ticketId: this.ticketId, stage: this.ticket.stage, reopened: reopens, round: this.ticket.round };
  }

  async resolveComplaint({ operatorId, resolution }: ComplaintResolution) {
    this.ticket.complaint = 'resolving';
    const result = await this.clock.exclusive(() =>
      db.resolveComplaint({ ticketId: this.ticketId, operatorId, resolution: resolution.trim() }),
    );
    this.ticket.complaint = 'resolved';
    return result;
  }

  /** The client answered the survey: a low score or a complaint waits for a manager's resolution. */
  async takeSurveyAnswer(): Promise<void> {
    const survey = this.ticket.answer!;
    const opensComplaint = isComplaint(survey);
    if (opensComplaint) this.ticket.stage = 'complaint';
    await db.takeSurveyAnswer({ ticketId: this.ticketId, survey, opensComplaint });
    if (!opensComplaint) return;
    this.ticket.complaint = 'open';
    await condition(() => this.ticket.complaint === 'resolved');
  }
}
