import type { FastifyInstance } from 'fastify';
import { DeskError } from '../services/errors';

/**
 * The `Host` values the desk answers to: PUBLIC_URL's host, ALLOWED_HOSTS, and the loopback
 * names on the port it listens on. A page from another site whose name is made to resolve to the
 * desk (DNS rebinding) arrives with that site's name as Host and is refused.
 */
export function allowedHosts(options: { publicUrl?: string; extra: readonly string[]; port: number }): Set<string> {
  const hosts = new Set(options.extra.map((host) => host.toLowerCase()));
  if (options.publicUrl) hosts.add(new URL(options.publicUrl).host.toLowerCase());
  for (const name of ['localhost', '127.0.0.1', '[::1]']) {
    hosts.add(`${name}:${options.port}`);
    if (options.port === 80) hosts.add(name);
  }
  return hosts;
}

/**
 * Refuses with 421 a request whose Host is not allowed. The health probes stay open to any Host:
 * load balancers call them by address, and they tell nothing about tickets.
 */
export function refuseOtherHosts(app: FastifyInstance, hosts: ReadonlySet<string>): void {
  app.addHook('onRequest', async (request) => {
    const path = request.url.split('?')[0]!;
    if (path === '/health' || path.startsWith('/health/')) return;
    const host = (request.headers.host ?? '').toLowerCase();
    if (!hosts.has(host))
      throw new DeskError(
        'HOST_NOT_ALLOWED',
        `this desk does not answer to Host "${host}"; add it to ALLOWED_HOSTS (or set PUBLIC_URL) to allow it`,
      );
  });
}
