import { describe, expect, it } from 'vitest';
import {
  isAssigneeOrManager,
  isAtLimit,
  isInQueueGroup,
  isManager,
  mayMove,
  maySeeDetails,
  missingCompetence,
} from '../../src/domain/access';

const operator = { id: 'ivanov', role: 'operator' as const, groupIds: [1, 2] };
const manager = { id: 'sidorova', role: 'manager' as const, groupIds: [] };

describe('access rules', () => {
  it('a manager is a manager, an operator is not', () => {
    expect(isManager(manager)).toBe(true);
    expect(isManager(operator)).toBe(false);
  });

  it('the assignee or a manager sees and acts; nobody is the assignee of an unassigned ticket', () => {
    expect(isAssigneeOrManager(operator, { assigneeId: 'ivanov' })).toBe(true);
    expect(isAssigneeOrManager(operator, { assigneeId: 'petrov' })).toBe(false);
    expect(isAssigneeOrManager(operator, { assigneeId: null })).toBe(false);
    expect(isAssigneeOrManager(manager, { assigneeId: null })).toBe(true);
    expect(maySeeDetails(operator, { assigneeId: undefined })).toBe(false);
  });

  it('queue groups: only a member takes work; a queue of no group is nobody’s', () => {
    expect(isInQueueGroup(operator, 2)).toBe(true);
    expect(isInQueueGroup(operator, 3)).toBe(false);
    expect(isInQueueGroup(operator, null)).toBe(false);
  });

  it('moves: the assignee, a manager, or the queue’s group while the ticket still waits', () => {
    const actor = { id: 'ivanov', isManager: false, groupIds: [1] };
    expect(mayMove(actor, { assigneeId: 'ivanov', queued: false, queueGroupId: 9 })).toBe(true);
    expect(mayMove(actor, { assigneeId: 'petrov', queued: false, queueGroupId: 1 })).toBe(false);
    expect(mayMove(actor, { assigneeId: undefined, queued: true, queueGroupId: 1 })).toBe(true);
    expect(mayMove(actor, { assigneeId: undefined, queued: true, queueGroupId: 2 })).toBe(false);
    expect(mayMove({ ...actor, isManager: true }, { assigneeId: 'petrov', queued: false, queueGroupId: 2 })).toBe(true);
  });

  it('competence: the one the service requires and the operator lacks, else null', () => {
    expect(missingCompetence('soldering', ['soldering', 'laptops'])).toBeNull();
    expect(missingCompetence('soldering', ['laptops'])).toBe('soldering');
    expect(missingCompetence(null, [])).toBeNull();
  });

  it('load: at the limit takes no more', () => {
    expect(isAtLimit(2, 3)).toBe(false);
    expect(isAtLimit(3, 3)).toBe(true);
  });
});
