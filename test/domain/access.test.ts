import { describe, expect, it } from 'vitest';
import type { OperatorRole } from '../../src/domain/enums';
import {
  capabilities,
  hasCapability,
  mayManageTokensOf,
  mayUse,
  isAssigneeOrManager,
  isAtLimit,
  isManager,
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

  it('who manages the ticket’s queue sees its contents and acts as its holder', () => {
    const lead = { ...operator, queueAccess: { 3: 'manage' as const, 4: 'act' as const } };
    expect(maySeeDetails(lead, { assigneeId: 'petrov', queueId: 3 })).toBe(true);
    expect(maySeeDetails(lead, { assigneeId: 'petrov', queueId: 4 })).toBe(false);
    expect(maySeeDetails(lead, { assigneeId: 'petrov' })).toBe(false);
    expect(isAssigneeOrManager(manager, { assigneeId: 'petrov', queueId: 4 })).toBe(true);
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

describe('roles bundle capabilities; tokens are limited by their scopes', () => {
  const as = (role: OperatorRole) => ({ id: role, role, groupIds: [] });

  it('each role holds what it needs and nothing of its neighbours', () => {
    expect(hasCapability(as('operator'), 'act_on_ticket')).toBe(true);
    expect(hasCapability(as('operator'), 'manage_catalog')).toBe(false);
    expect(hasCapability(as('line_lead'), 'assign')).toBe(true);
    expect(hasCapability(as('line_lead'), 'see_all_tickets')).toBe(false);
    expect(hasCapability(as('manager'), 'manage_rules')).toBe(true);
    expect(hasCapability(as('manager'), 'manage_staff')).toBe(false);
    expect(hasCapability(as('process_designer'), 'design_processes')).toBe(true);
    expect(hasCapability(as('process_designer'), 'act_on_ticket')).toBe(false);
    for (const capability of capabilities) expect(hasCapability(as('administrator'), capability)).toBe(true);
    expect(isManager(as('administrator'))).toBe(true);
    expect(isManager(as('line_lead'))).toBe(false);
  });

  it('a session may use all its role allows; a token only what its scopes cover', () => {
    const manager = as('manager');
    expect(mayUse(manager, { kind: 'session' }, 'manage_catalog')).toEqual({ ok: true });
    expect(mayUse(manager, { kind: 'token', scopes: ['read', 'act'] }, 'manage_catalog')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('"manage" scope'),
    });
    expect(mayUse(manager, { kind: 'token', scopes: ['read'] }, 'read_ticket')).toEqual({ ok: true });
    expect(mayUse(as('operator'), { kind: 'token', scopes: ['manage'] }, 'manage_rules')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('may not manage rules'),
    });
  });

  it('anyone manages their own tokens; only who manages staff manages others’', () => {
    expect(mayManageTokensOf(as('operator'), 'operator')).toBe(true);
    expect(mayManageTokensOf(as('manager'), 'ivanova')).toBe(false);
    expect(mayManageTokensOf(as('administrator'), 'ivanova')).toBe(true);
  });
});
