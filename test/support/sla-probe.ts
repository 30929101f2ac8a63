import { expect } from 'vitest';
import type { listen } from './http';

type Call = Awaited<ReturnType<typeof listen>>['call'];
export type TicketEvent = {
  elementId: string;
  action: string;
  at: string;
  actor: string | null;
  data: Record<string, any>;
};

/** Letters unique to one run of a test file, for codes and keywords no other run has. */
export const runId = () =>
  Math.random()
    .toString(36)
    .replace(/[^a-z]/g, '')
    .slice(0, 6);

/**
 * Catalog services and tickets only one test file's run gets: each service's keyword (the
 * run's own `prefix` and a letter) routes that file's tickets to it, under an agreement in
 * seconds on the around-the-clock calendar.
 */
export function slaProbe(callOf: () => Call, prefix: string, service: { price?: string; normHours?: number } = {}) {
  let serial = 0;
  // The file's desk starts in its beforeAll, after the probe is made: `call` is looked up at each use.
  const call: Call = (...args) => callOf()(...args);

  /** A catalog service with the given SLA for one-time clients. */
  async function serviceWithSla(agreement: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    const keyword = `${prefix}${'abcdefghij'[serial++]}`;
    const code = `sla-${keyword}`;
    const created = await call('POST', '/catalog/services', {
      operator: 'sidorova',
      body: {
        code,
        nameRu: 'Проверка SLA',
        nameEn: 'SLA probe',
        category: 'general',
        price: service.price ?? '750.00',
        normHours: service.normHours ?? 1.5,
        supportLine: 1,
        keywords: [keyword],
        ...extra,
      },
    });
    expect(created.status).toBe(201);
    const sla = await call('PUT', `/catalog/services/${code}/sla/one_time`, {
      operator: 'sidorova',
      body: { calendarCode: '24x7', ...agreement },
    });
    expect(sla.status).toBe(200);
    return { code, keyword, agreementId: sla.body.id as number };
  }

  /** A one-time client's ticket that the keyword routes to its service, queued in `general`. */
  async function register(keyword: string) {
    const registered = await call('POST', '/tickets', {
      body: {
        subject: `Вопрос ${keyword}`,
        description: `Нужна консультация ${keyword}`,
        client: { email: `client-${keyword}-${serial}@example.com` },
      },
    });
    expect(registered.status).toBe(201);
    expect(registered.body.queue.code).toBe('general');
    return registered.body.id as number;
  }

  const events = async (id: number): Promise<TicketEvent[]> =>
    (await call('GET', `/tickets/${id}/events`, { operator: 'sidorova' })).body;
  const sla = async (id: number) => (await call('GET', `/tickets/${id}/sla`, { operator: 'sidorova' })).body;
  const waitForEvents = async (id: number, match: (e: TicketEvent) => boolean, count = 1, timeout = 20_000) => {
    await expect
      .poll(async () => (await events(id)).filter(match).length, { timeout, interval: 150 })
      .toBeGreaterThanOrEqual(count);
    return (await events(id)).filter(match);
  };
  const waitForEvent = async (id: number, match: (e: TicketEvent) => boolean, timeout = 20_000) =>
    (await waitForEvents(id, match, 1, timeout))[0]!;

  return { serviceWithSla, register, events, sla, waitForEvent, waitForEvents };
}
