/** A plain JSON call to the desk's HTTP API, as any client would make it. */
export async function callApi(
  baseUrl: string,
  method: string,
  path: string,
  options: { body?: unknown; operator?: string } = {},
) {
  const headers: Record<string, string> = {};
  if (options.operator) headers['x-operator-id'] = options.operator;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  let body: any;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return { status: response.status, body };
}

/** Counts answers by HTTP status and keeps the first few failures to show. */
export class Outcomes {
  readonly byStatus: Record<string, number> = {};
  readonly failures: string[] = [];

  record(status: number | 'error', detail?: unknown) {
    this.byStatus[status] = (this.byStatus[status] ?? 0) + 1;
    if ((status === 'error' || status >= 300) && this.failures.length < 5)
      this.failures.push(`${status}: ${describe(detail)}`);
  }

  count(status: number): number {
    return this.byStatus[status] ?? 0;
  }

  toJSON() {
    return { byStatus: this.byStatus, failures: this.failures };
  }
}

function describe(detail: unknown): string {
  if (detail instanceof Error) return detail.message;
  if (typeof detail === 'object' && detail && 'message' in detail)
    return String((detail as { message: unknown }).message);
  return JSON.stringify(detail)?.slice(0, 200) ?? String(detail);
}
