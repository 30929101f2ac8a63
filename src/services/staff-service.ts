import type { Database } from '../db/client';
import { findOperator } from '../repositories/staff';

export type { OperatorIdentity } from '../repositories/staff';
import { DeskError } from './errors';

/** Who is asking: the X-Operator-Id header names a known operator. */
export function createStaffService({ db }: { db: Database }) {
  return {
    async identify(operatorId: string | undefined) {
      if (!operatorId)
        throw new DeskError('NO_OPERATOR', 'the X-Operator-Id header is required: it names the acting operator');
      const operator = await findOperator(db, operatorId);
      if (!operator) throw new DeskError('UNKNOWN_OPERATOR', `X-Operator-Id "${operatorId}" is not a known operator`);
      return operator;
    },
  };
}

export type StaffService = ReturnType<typeof createStaffService>;
