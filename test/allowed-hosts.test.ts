/** DNS rebinding: the desk answers only to the Host names it is configured for (PUBLIC_URL, ALLOWED_HOSTS, loopback). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowedHosts } from '../src/api/allowed-hosts';
import { startTestDesk } from './support/desk';

describe('allowed hosts', () => {
  const hosts = allowedHosts({ publicUrl: 'https://desk.example.com', extra: ['Desk.Internal:8080'], port: 3000 });
  let desk: Awaited<ReturnType<typeof startTestDesk>>;

  beforeAll(async () => {
    desk = await startTestDesk({ allowedHosts: hosts, requestTimeoutMs: 5_000 });
  });
  afterAll(() => desk?.stop());

  const get = (url: string, host: string) => desk.app.inject({ method: 'GET', url, headers: { host } });

  it('are PUBLIC_URL’s host, ALLOWED_HOSTS and the loopback names on the listening port', () => {
    expect([...hosts].sort()).toEqual(
      ['127.0.0.1:3000', '[::1]:3000', 'desk.example.com', 'desk.internal:8080', 'localhost:3000'].sort(),
    );
    expect(allowedHosts({ extra: [], port: 80 })).toContain('localhost');
  });

  it.each([
    'desk.example.com',
    'DESK.example.com',
    'desk.internal:8080',
    'localhost:3000',
    '127.0.0.1:3000',
    '[::1]:3000',
  ])('answers to Host %s', async (host) => {
    expect((await get('/catalog/services', host)).statusCode).not.toBe(421);
  });

  it.each(['attacker.example', 'localhost:3001', 'desk.example.com.attacker.example', 'desk.internal', ''])(
    'refuses Host "%s" with 421 naming ALLOWED_HOSTS',
    async (host) => {
      const response = await get('/catalog/services', host);
      expect(response.statusCode).toBe(421);
      expect(response.json()).toMatchObject({
        code: 'HOST_NOT_ALLOWED',
        message: expect.stringContaining('ALLOWED_HOSTS'),
      });
    },
  );

  it('leaves the health probes open to any Host, for load balancers that call by address', async () => {
    expect((await get('/health', 'attacker.example')).statusCode).toBe(200);
    expect((await get('/health/live', '10.1.2.3:3000')).statusCode).toBe(200);
  });

  it('sets the request timeout from REQUEST_TIMEOUT', () => {
    expect(desk.app.initialConfig).toMatchObject({ requestTimeout: 5_000, connectionTimeout: 5_000 });
  });

  it('hold for a worker process too: its /metrics answers only allowed hosts, its probes any', async () => {
    const worker = await startTestDesk({ role: 'worker', allowedHosts: hosts });
    try {
      const at = (url: string, host: string) => worker.app.inject({ method: 'GET', url, headers: { host } });
      expect((await at('/metrics', 'attacker.example')).statusCode).toBe(421);
      expect((await at('/metrics', 'desk.example.com')).statusCode).toBe(200);
      expect((await at('/health/live', 'attacker.example')).statusCode).toBe(200);
    } finally {
      await worker.stop();
    }
  });
});
