import path from 'node:path';
import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tickets } from '../src/db/schema';
import { ensureTemporal, type TemporalEndpoint } from '../src/infra/temporal-server';
import { startTestDesk } from './support/desk';
import { listen } from './support/http';

describe('when the workflow engine goes away', () => {
  let temporal: TemporalEndpoint;
  let desk: Awaited<ReturnType<typeof startTestDesk>>;
  let call: Awaited<ReturnType<typeof listen>>['call'];

  beforeAll(async () => {
    // A server of its own, so stopping it leaves the rest of the run alone.
    temporal = await ensureTemporal({
      toolsDir: path.resolve(__dirname, '..', '.tools'),
      dbFile: null,
      headless: true,
      namespace: 'default',
      log: () => {},
    });
    desk = await startTestDesk({ temporalAddress: temporal.address, intakeWaitMs: 3_000 });
    ({ call } = await listen(desk.app));
  });
  afterAll(async () => {
    await desk?.stop().catch(() => {});
    await temporal?.stop();
  });

  it('answers 503 with a message, stores nothing, and reads still work', async () => {
    const ok = await call('POST', '/tickets', {
      body: { subject: 'Счёт', description: 'Нужен счёт', client: { email: 'down@example.com' } },
    });
    expect(ok.status).toBe(201);
    const before = (await desk.db.select({ n: count() }).from(tickets))[0]!.n;
    await temporal.stop();

    const refused = await call('POST', '/tickets', {
      body: { subject: 'Счёт', description: 'Нужен ещё счёт', client: { email: 'down@example.com' } },
    });
    expect(refused.status).toBe(503);
    expect(refused.body.message).toMatch(/retry later/);
    const accept = await call('POST', `/tickets/${ok.body.id}/accept`, { operator: 'ivanova' });
    expect(accept.status).toBe(503);
    expect((await desk.db.select({ n: count() }).from(tickets))[0]!.n).toBe(before);
    // The database side of the desk still answers.
    const read = await call('GET', `/tickets/${ok.body.id}`, { operator: 'ivanova' });
    expect(read.body.stage).toBe('queued');
  }, 90_000);
});
