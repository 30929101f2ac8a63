import { describe, expect, it } from 'vitest';
import { COMPLAINT_CSAT_AT_MOST, isComplaint } from '../../src/domain/survey';

describe('isComplaint', () => {
  it('takes a score of 1 or 2 as a complaint, 3 to 5 not', () => {
    expect(COMPLAINT_CSAT_AT_MOST).toBe(2);
    expect([1, 2, 3, 4, 5].map((csat) => isComplaint({ csat }))).toEqual([true, true, false, false, false]);
  });

  it('takes an explicit complaint whatever the score', () => {
    expect(isComplaint({ csat: 5, complaint: true })).toBe(true);
    expect(isComplaint({ csat: 4, complaint: false })).toBe(false);
  });
});
