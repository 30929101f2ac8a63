import type { FastifyInstance } from 'fastify';

/** The headers that name the acting operator: one place, for real HTTP here and for `app.inject` (test/fuzz.test.ts). */
export function operatorHeaders(operator: string | undefined): Record<string, string> {
  return operator ? { 'x-operator-id': operator } : {};
}

/** A small JSON client over real HTTP to a listening app. */
export async function listen(app: FastifyInstance) {
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const call = async (
    method: string,
    path: string,
    options: { body?: unknown; operator?: string; headers?: Record<string, string>; raw?: string } = {},
  ) => {
    const headers: Record<string, string> = { ...options.headers, ...operatorHeaders(options.operator) };
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
