import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { tokenScopes } from '../../src/domain/enums';
import { DeskError } from '../../src/services/errors';

const tokensByApp = new WeakMap<FastifyInstance, Map<string, string>>();

/**
 * The headers that make a request come from that member of staff, for real HTTP here and for
 * `app.inject` (test/fuzz.test.ts): an API token of every scope the desk issues them once (a
 * login that is not staff gets a token that does not exist, so the desk answers as it would to
 * a stranger).
 */
export async function operatorHeaders(
  app: FastifyInstance,
  operator: string | undefined,
): Promise<Record<string, string>> {
  if (!operator) return {};
  const tokens = tokensByApp.get(app) ?? new Map<string, string>();
  tokensByApp.set(app, tokens);
  const known = tokens.get(operator);
  if (known) return { authorization: `Bearer ${known}` };
  try {
    const { token } = await app.identity.issueStaffToken(operator, 'test desk', [...tokenScopes]);
    tokens.set(operator, token);
    return { authorization: `Bearer ${token}` };
  } catch (error) {
    // Not staff (yet): not remembered, so staff a test adds later get a real token.
    if (error instanceof DeskError && error.code === 'NOT_FOUND')
      return { authorization: `Bearer sd_${randomBytes(32).toString('base64url')}` };
    throw error;
  }
}

/** A small JSON client over real HTTP to a listening app; `operator` calls as that member of staff. */
export async function listen(app: FastifyInstance) {
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const call = async (
    method: string,
    path: string,
    options: { body?: unknown; operator?: string; headers?: Record<string, string>; raw?: string } = {},
  ) => {
    const headers: Record<string, string> = { ...options.headers, ...(await operatorHeaders(app, options.operator)) };
    let body: string | undefined = options.raw;
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    const response = await fetch(`${address}${path}`, { method, headers, body });
    const text = await response.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, body: json, text };
  };
  return { address, call };
}
