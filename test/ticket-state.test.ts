import { describe, expect, it } from 'vitest';
import { TicketFailure } from '../workflows/types';
import { TicketState } from '../workflows/ticket/state';

/** A ticket waiting in queue Q1 of group 7, as intake leaves it. */
function queuedTicket(): TicketState {
  const ticket = new TicketState(42);
  ticket.queuedIn(
    { category: 'repair', priority: 'normal', serviceCode: null },
    { queueId: 1, queueCode: 'Q1', groupId: 7 },
  );
  return ticket;
}

const refusal = (guard: () => void) => {
  try {
    guard();
  } catch (error) {
    return (error as { type?: string }).type;
  }
  return undefined;
};

/** Queue access as the API sends it: grants per queue id, or a manager's every queue. */
const grants = (queueAccess: Record<number, 'overview' | 'take' | 'act' | 'manage'>) => ({
  seesAll: false,
  grants: queueAccess,
});
const manager = { seesAll: true, grants: {} };
const move = { moveId: 'm1', actorId: 'petrov', actorAccess: grants({}), reason: 'load' };

describe("the ticket's guards refuse with the desk's codes, before anything is written", () => {
  it('accept: only with `take` on the queue the ticket is in now, only once', () => {
    const ticket = queuedTicket();
    expect(refusal(() => ticket.mayAccept({ operatorId: 'ivanov', access: grants({ 1: 'overview', 2: 'act' }) }))).toBe(
      TicketFailure.noQueueAccess,
    );
    expect(refusal(() => ticket.mayAccept({ operatorId: 'ivanov', access: grants({ 1: 'take' }) }))).toBeUndefined();
    expect(ticket.claim('ivanov')).toBe(1);
    expect(refusal(() => ticket.claim('petrov'))).toBe(TicketFailure.alreadyAccepted);
  });

  it('work is the assignee’s while in work', () => {
    const ticket = queuedTicket();
    expect(refusal(() => ticket.mayWork('ivanov'))).toBe(TicketFailure.notInWork);
    ticket.claim('ivanov');
    ticket.stage = 'in_work';
    expect(refusal(() => ticket.mayWork('petrov'))).toBe(TicketFailure.notAssignee);
    expect(refusal(() => ticket.mayWork('ivanov'))).toBeUndefined();
  });

  it('moves: `act` triages a waiting ticket; once in work only the assignee or who manages the queue', () => {
    const ticket = queuedTicket();
    const member = { ...move, actorAccess: grants({ 1: 'act' }) };
    expect(refusal(() => ticket.mayTransfer({ ...move, actorAccess: grants({ 1: 'take' }), toQueueId: 2 }))).toBe(
      TicketFailure.noQueueAccess,
    );
    expect(refusal(() => ticket.mayTransfer({ ...member, toQueueId: 2 }))).toBeUndefined();
    expect(refusal(() => ticket.mayTransfer({ ...member, toQueueId: 1 }))).toBe(TicketFailure.invalidRequest);
    ticket.claim('ivanov');
    ticket.stage = 'in_work';
    expect(refusal(() => ticket.mayMove(member, ['in_work']))).toBe(TicketFailure.noQueueAccess);
    expect(
      refusal(() => ticket.mayMove({ ...move, actorAccess: grants({ 1: 'manage' }) }, ['in_work'])),
    ).toBeUndefined();
    expect(refusal(() => ticket.mayMove({ ...move, actorAccess: manager }, ['in_work']))).toBeUndefined();
    // The new assignee must be able to work the queue.
    const reassign = { ...move, actorAccess: manager, toOperatorId: 'sidorov' };
    expect(refusal(() => ticket.mayReassign({ ...reassign, toOperatorAccess: grants({ 1: 'take' }) }))).toBe(
      TicketFailure.noQueueAccess,
    );
    expect(refusal(() => ticket.mayReassign({ ...reassign, toOperatorAccess: grants({ 1: 'act' }) }))).toBeUndefined();
    expect(refusal(() => ticket.mayMove({ ...member, actorId: 'ivanov', reason: ' ' }, ['in_work']))).toBe(
      TicketFailure.invalidRequest,
    );
    ticket.moving = true;
    expect(refusal(() => ticket.mayMove({ ...move, actorId: 'ivanov' }, ['in_work']))).toBe(TicketFailure.notInWork);
  });

  it('escalation: the assignee or who manages the queue, with a reason, below the third line', () => {
    const ticket = queuedTicket();
    const request = { operatorId: 'petrov', access: grants({ 1: 'act' }), reason: 'needs soldering' };
    expect(refusal(() => ticket.mayEscalate(request, false))).toBe(TicketFailure.noSla);
    expect(refusal(() => ticket.mayEscalate(request, true))).toBe(TicketFailure.noQueueAccess);
    expect(refusal(() => ticket.mayEscalate({ ...request, access: grants({ 1: 'manage' }) }, true))).toBeUndefined();
    expect(refusal(() => ticket.mayEscalate({ ...request, access: manager }, true))).toBeUndefined();
    ticket.supportLine = 3;
    expect(refusal(() => ticket.mayEscalate({ ...request, access: manager }, true))).toBe(TicketFailure.topLine);
  });

  it('a resolution past its deadline needs the overdue reason', () => {
    const ticket = queuedTicket();
    ticket.claim('ivanov');
    ticket.stage = 'in_work';
    const request = { operatorId: 'ivanov', resolution: 'replaced the fuse' };
    expect(refusal(() => ticket.mayResolve(request, null))).toBeUndefined();
    expect(refusal(() => ticket.mayResolve(request, '2026-12-01T10:00:00.000Z'))).toBe(
      TicketFailure.overdueReasonRequired,
    );
    expect(refusal(() => ticket.mayResolve({ ...request, overdueReason: 'parts' }, 'breached'))).toBeUndefined();
  });

  it('reopen only while the survey waits, complaint resolution only when one is open', () => {
    const ticket = queuedTicket();
    expect(refusal(() => ticket.mayReopen('still broken'))).toBe(TicketFailure.notAwaitingSurvey);
    ticket.reopenable = true;
    ticket.stage = 'awaiting_survey';
    expect(refusal(() => ticket.mayReopen(''))).toBe(TicketFailure.invalidRequest);
    expect(refusal(() => ticket.mayReopen('still broken'))).toBeUndefined();
    expect(refusal(() => ticket.mayResolveComplaint('refund'))).toBe(TicketFailure.noOpenComplaint);
  });
});
