/**
 * The figures as flat tables (CSV export): one column per number, nested figures named by their
 * path (`firstResponse.medianMs`, `backlogAgeing.under1d`); the overdue reasons are a table of their own.
 */
type Cell = string | number | boolean | null | undefined;

/** Flattens an object of numbers into path → value; arrays are left out (tables of their own). */
export function flatten(value: object, prefix = ''): Record<string, Cell> {
  const flat: Record<string, Cell> = {};
  for (const [key, v] of Object.entries(value)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (Array.isArray(v)) continue;
    if (v !== null && typeof v === 'object') Object.assign(flat, flatten(v, name));
    else flat[name] = v as Cell;
  }
  return flat;
}

/** A cell as RFC 4180 wants it; a text starting with = + - @ is prefixed with ' so a spreadsheet does not run it. */
export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The lines of a CSV table (CRLF-ended), the header from the first row's columns. */
export function* csvLines(rows: Iterable<Record<string, Cell>>): Generator<string> {
  let columns: string[] | undefined;
  for (const row of rows) {
    if (!columns) {
      columns = Object.keys(row);
      yield `${columns.map(csvCell).join(',')}\r\n`;
    }
    yield `${columns.map((c) => csvCell(row[c])).join(',')}\r\n`;
  }
}
