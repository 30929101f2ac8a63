import { describe, expect, it } from 'vitest';
import { csvCell, csvLines, flatten } from '../../src/domain/figure-tables';

describe('figures as CSV tables', () => {
  it('names nested figures by their path and leaves lists out', () => {
    expect(flatten({ registered: 2, firstResponse: { medianMs: 5, p90Ms: null }, overdueByReason: [1] })).toEqual({
      registered: 2,
      'firstResponse.medianMs': 5,
      'firstResponse.p90Ms': null,
    });
  });

  it('quotes as RFC 4180 and keeps spreadsheet formulas from running', () => {
    expect([csvCell('a,b'), csvCell('say "hi"'), csvCell(null), csvCell(-1.5), csvCell('=SUM(A1)')]).toEqual([
      '"a,b"',
      '"say ""hi"""',
      '',
      '-1.5',
      "'=SUM(A1)",
    ]);
    expect([
      ...csvLines([
        { a: 1, b: 'x' },
        { a: 2, b: null },
      ]),
    ]).toEqual(['a,b\r\n', '1,x\r\n', '2,\r\n']);
    expect([...csvLines([])]).toEqual([]);
  });
});
