import { describe, expect, it } from 'vitest';
import { ErrorStatus, isErrorCode } from '../../src/domain/errors';
import { TicketFailure } from '../../workflows/types';

describe('the error code list', () => {
  it('every workflow failure is a code of the list with a 4xx status', () => {
    for (const code of Object.values(TicketFailure)) {
      expect(isErrorCode(code), code).toBe(true);
      expect(ErrorStatus[code]).toBeGreaterThanOrEqual(400);
      expect(ErrorStatus[code]).toBeLessThan(500);
    }
  });

  it('a manager-only refusal has one code wherever it is decided', () => {
    expect(TicketFailure.notManager).toBe('NOT_MANAGER');
    expect(isErrorCode('OperatorNotManager')).toBe(false);
    expect(isErrorCode('toString')).toBe(false);
  });
});
