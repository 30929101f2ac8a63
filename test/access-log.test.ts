import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestDesk } from './support/desk';

type Desk = Awaited<ReturnType<typeof startTestDesk>>;

/** The access log: one line per answered request, secrets redacted, at the level a desk chooses. */
describe('access log', () => {
  const desks: Desk[] = [];
  afterAll(async () => Promise.all(desks.map((d) => d.stop())));
  const linesOf = (desk: Desk) =>
    fs
      .readFileSync(desk.logFile, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .filter((l) => l.msg === 'request' || l.msg === 'incoming request' || l.msg === 'request completed');

  it('writes one line per request with its status and time, never a link secret', async () => {
    const desk = await startTestDesk();
    desks.push(desk);
    await desk.app.inject({ method: 'GET', url: '/health' });
    await desk.app.inject({ method: 'GET', url: '/survey/12?token=s3cret-value' });
    await desk.app.inject({ method: 'GET', url: '/no/such/route' });
    // A webhook's secret is its path (configured or not, answered or not).
    await desk.app.inject({ method: 'POST', url: '/channels/cti/s3cret-cti', payload: {} });
    await desk.app.inject({ method: 'POST', url: '/channels/sms/s3cret-sms/status?x=1', payload: {} });
    const lines = linesOf(desk);
    expect(lines.map((l) => [l.msg, l.req.method, l.req.url])).toEqual([
      ['request', 'GET', '/health'],
      ['request', 'GET', '/survey/12?token=[redacted]'],
      ['request', 'GET', '/no/such/route'],
      ['request', 'POST', '/channels/cti/[redacted]'],
      ['request', 'POST', '/channels/sms/[redacted]/status?x=1'],
    ]);
    expect(lines.slice(0, 3).map((l) => l.res.statusCode)).toEqual([200, 404, 404]);
    expect(lines.every((l) => l.level === 30 && typeof l.responseTime === 'number' && l.reqId)).toBe(true);
    const log = fs.readFileSync(desk.logFile, 'utf8');
    for (const secret of ['s3cret-value', 's3cret-cti', 's3cret-sms']) expect(log).not.toContain(secret);
  });

  it('writes none with ACCESS_LOG=off, and at debug with ACCESS_LOG=debug', async () => {
    const off = await startTestDesk({ accessLog: 'off' });
    const debug = await startTestDesk({ accessLog: 'debug' });
    desks.push(off, debug);
    for (const desk of [off, debug]) await desk.app.inject({ method: 'GET', url: '/health' });
    expect(linesOf(off)).toEqual([]);
    expect(linesOf(debug).map((l) => [l.level, l.req.url])).toEqual([[20, '/health']]);
  });
});
