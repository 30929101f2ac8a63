import { DEMO_PASSWORD } from '../src/db/seed';

const tokens = new Map<string, Promise<string>>();

/** A demo operator's API token, as a script gets one: sign in with the demo password, then create a token. */
function tokenOf(baseUrl: string, operator: string): Promise<string> {
  const key = `${baseUrl} ${operator}`;
  let token = tokens.get(key);
  if (!token) {
    token = (async () => {
      const signIn = await fetch(`${baseUrl}/auth/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login: operator, password: DEMO_PASSWORD }),
      });
      if (!signIn.ok) throw new Error(`${operator} could not sign in: ${signIn.status} ${await signIn.text()}`);
      const { csrfToken } = (await signIn.json()) as { csrfToken: string };
      const cookie = signIn.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      const created = await fetch(`${baseUrl}/auth/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
        body: JSON.stringify({ name: 'bench', scopes: ['read', 'act'] }),
      });
      if (created.status !== 201)
        throw new Error(`no token for ${operator}: ${created.status} ${await created.text()}`);
      return ((await created.json()) as { token: string }).token;
    })();
    tokens.set(key, token);
  }
  return token;
}

/** A plain JSON call to the desk's HTTP API, as any client would make it (staff with a token). */
export async function callApi(
  baseUrl: string,
  method: string,
  path: string,
  options: { body?: unknown; operator?: string } = {},
) {
  const headers: Record<string, string> = {};
  if (options.operator) headers.authorization = `Bearer ${await tokenOf(baseUrl, options.operator)}`;
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
