import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { tokenScopes } from '../../src/domain/enums';
import { DeskError } from '../../src/services/errors';

/**
 * A small JSON client over real HTTP to a listening app. `operator` calls as that member of
 * staff: with an API token of every scope the desk issues them once (a login that is not staff
 * gets a token that does not exist, so the desk answers as it would to a stranger).
 */
export async function listen(app: FastifyInstance) {
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const tokens = new Map<string, string>();
  const tokenOf = async (operator: string): Promise<string> => {
    const known = tokens.get(operator);
    if (known) return known;
    try {
      const { token } = await app.identity.issueStaffToken(operator, 'test desk', [...tokenScopes]);
      tokens.set(operator, token);
      return token;
    } catch (error) {
      // Not staff (yet): not remembered, so staff a test adds later get a real token.
      if (error instanceof DeskError && error.code === 'NOT_FOUND')
        return `sd_${randomBytes(32).toString('base64url')}`;
      throw error;
    }
  };
  const call = async (
    method: string,
    path: string,
    options: { body?: unknown; operator?: string; headers?: Record<string, string>; raw?: string } = {},
  ) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.operator) headers.authorization = `Bearer ${await tokenOf(options.operator)}`;
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
