import { describe, expect, it } from 'vitest';
import {
  higherLevel,
  levelNeeded,
  mayOnQueue,
  missingQueueAccess,
  queueAccessOf,
  queueLevel,
} from '../../src/domain/access';
import { queueAccessLevels } from '../../src/domain/enums';

/** An operator whose groups overview queue 1, take from 2, work 3 and lead 4; queue 5 is not theirs. */
const operator = {
  id: 'ivanov',
  role: 'operator' as const,
  groupIds: [7],
  queueAccess: { 1: 'overview', 2: 'take', 3: 'act', 4: 'manage' } as const,
};
const access = queueAccessOf(operator);

describe('access per queue: overview, take, act, manage', () => {
  it('each level includes the ones before it; no grant is no access', () => {
    const allowed = (queueId: number) => queueAccessLevels.filter((level) => mayOnQueue(access, queueId, level));
    expect(allowed(1)).toEqual(['overview']);
    expect(allowed(2)).toEqual(['overview', 'take']);
    expect(allowed(3)).toEqual(['overview', 'take', 'act']);
    expect(allowed(4)).toEqual(['overview', 'take', 'act', 'manage']);
    expect(allowed(5)).toEqual([]);
  });

  it('a ticket in no queue yet is nobody’s but a manager’s', () => {
    expect(queueLevel(access, null)).toBeNull();
    expect(mayOnQueue(access, undefined, 'overview')).toBe(false);
    expect(mayOnQueue(queueAccessOf({ role: 'manager' }), null, 'overview')).toBe(false);
  });

  it('managers and administrators manage every queue, without grants; line leads only where granted', () => {
    for (const role of ['manager', 'administrator'] as const)
      expect(mayOnQueue(queueAccessOf({ role }), 5, 'manage')).toBe(true);
    expect(mayOnQueue(queueAccessOf({ role: 'line_lead', queueAccess: { 5: 'manage' } }), 5, 'manage')).toBe(true);
    expect(mayOnQueue(queueAccessOf({ role: 'line_lead' }), 5, 'overview')).toBe(false);
    expect(mayOnQueue(queueAccessOf({ role: 'process_designer' }), 5, 'overview')).toBe(false);
  });

  it('a member of several groups holds the highest of their levels', () => {
    expect(higherLevel('take', 'overview')).toBe('take');
    expect(higherLevel('overview', 'manage')).toBe('manage');
    expect(higherLevel(null, 'act')).toBe('act');
    expect(higherLevel('act', null)).toBe('act');
  });

  it('moving: one’s own or a waiting ticket is `act`, someone else’s is `manage`; escalating: the holder’s `act`', () => {
    expect(levelNeeded('move', 'ivanov', { assigneeId: 'ivanov' })).toBe('act');
    expect(levelNeeded('move', 'ivanov', { assigneeId: null })).toBe('act');
    expect(levelNeeded('move', 'ivanov', { assigneeId: 'petrov' })).toBe('manage');
    expect(levelNeeded('steer', 'ivanov', { assigneeId: 'ivanov' })).toBe('act');
    expect(levelNeeded('steer', 'ivanov', { assigneeId: null })).toBe('manage');
    expect(levelNeeded('steer', 'ivanov', { assigneeId: 'petrov' })).toBe('manage');
    for (const level of queueAccessLevels) expect(levelNeeded(level, 'ivanov', { assigneeId: 'petrov' })).toBe(level);
    // Working on what one took needs only take; on a waiting ticket or another's, the route's level.
    expect(levelNeeded('act', 'ivanov', { assigneeId: 'ivanov' })).toBe('take');
    expect(levelNeeded('act', 'ivanov', { assigneeId: null })).toBe('act');
    expect(levelNeeded('manage', 'ivanov', { assigneeId: 'ivanov' })).toBe('manage');
  });

  it('a refusal names the level held and the level needed, and the queue', () => {
    expect(missingQueueAccess('ivanov', access, { id: 1, code: 'general' }, 'take')).toBe(
      'ivanov has "overview" access to queue general and needs "take"',
    );
    expect(missingQueueAccess('ivanov', access, { id: 5 }, 'overview')).toBe(
      'ivanov has no access to queue 5 and needs "overview"',
    );
  });
});
