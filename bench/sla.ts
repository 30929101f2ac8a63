/**
 * SLA timer benchmark, standalone: `npm run bench:sla`.
 *
 * 1. Accuracy: SLA_BENCH_TICKETS tickets (1,000) with a response SLA of SLA_BENCH_DUE_S seconds
 *    on the around-the-clock calendar; nobody accepts them, so each one's warning and breach
 *    timers fire. Lag = when the breach was written (ticket_events.at, after the timer fired and
 *    the local activity ran: an upper bound of the timer's own lag) − the computed deadline.
 *    Breaches due while tickets were still being registered compete with that load; those due
 *    after it are reported apart ("quiet").
 * 2. Load: SLA_BENCH_OPEN tickets (10,000) left open with hour-long agreements, each with a
 *    running SLA timer; the worker's memory and CPU are sampled while they are created and while
 *    they sit idle for SLA_BENCH_IDLE_S seconds.
 *
 * Temporal (dev server) and PostgreSQL are started as for the tests unless TEMPORAL_ADDRESS /
 * DATABASE_URL are given. The worker runs in this process, so the figures are the whole desk's.
 */
import path from 'node:path';
import { and, eq, inArray } from 'drizzle-orm';
import pino from 'pino';
import { businessCalendars, catalogServices, slaAgreements, ticketEvents } from '../src/db/schema';
import { startDesk } from '../src/desk';
import { startScratchBackends } from '../src/infra/scratch-backends';

const int = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer`);
  return value;
};
const accuracyTickets = int('SLA_BENCH_TICKETS', 1000);
const openTickets = int('SLA_BENCH_OPEN', 10000);
const dueSeconds = int('SLA_BENCH_DUE_S', 60);
const idleSeconds = int('SLA_BENCH_IDLE_S', 30);
const concurrency = int('SLA_BENCH_CONCURRENCY', 16);

const log = (message: string) => console.log(`[bench:sla] ${message}`);
const mb = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`;
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;

async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/** CPU and memory of this process between two instants. */
function sampler() {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let peakRss = process.memoryUsage().rss;
  const timer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 250);
  return () => {
    clearInterval(timer);
    const cpu = process.cpuUsage(cpu0);
    const wall = (performance.now() - t0) / 1000;
    const memory = process.memoryUsage();
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    return {
      wallSeconds: wall,
      cpuSeconds,
      cpuShare: cpuSeconds / wall,
      rss: memory.rss,
      peakRss,
      heapUsed: memory.heapUsed,
    };
  };
}

async function main() {
  const backends = await startScratchBackends({
    rootDir: path.resolve(__dirname, '..'),
    databasePrefix: 'desk_bench_sla',
    log,
  });
  const { temporal, databaseUrl, scratchDir: scratch } = backends;
  const desk = await startDesk({
    databaseUrl,
    temporalAddress: temporal.address,
    namespace: 'default',
    taskQueue: `bench-sla-${process.pid}`,
    logger: pino({ level: 'warn' }),
    publicUrl: 'http://bench.local',
    mailFrom: 'Desk <desk@bench.local>',
    mailDropDir: path.join(scratch, 'mail'),
    surveyTimeoutMs: 60_000,
    intakeWaitMs: 60_000,
    seedDemo: true,
  });

  /** A service only the benchmark's tickets get, with the given SLA for one-time clients. */
  const benchService = async (code: string, responseSeconds: number, resolutionSeconds: number) => {
    const [calendar] = await desk.db
      .select({ id: businessCalendars.id })
      .from(businessCalendars)
      .where(eq(businessCalendars.code, '24x7'));
    const [service] = await desk.db
      .insert(catalogServices)
      .values({
        code,
        nameRu: 'Бенчмарк',
        nameEn: 'Benchmark',
        category: 'general',
        price: '0.00',
        normHours: '1',
        keywords: [code],
      })
      .returning();
    await desk.db.insert(slaAgreements).values({
      serviceId: service!.id,
      clientCategory: 'one_time',
      responseSeconds,
      resolutionSeconds,
      warningShare: '0.50',
      calendarId: calendar!.id,
    });
  };
  const register = async (keyword: string, n: number) => {
    const ids: number[] = [];
    await inParallel([...Array(n).keys()], concurrency, async (i) => {
      const registered = await desk.tickets.register({
        channel: 'api',
        subject: `Bench ${keyword} ${i}`,
        description: `Benchmark ticket ${keyword}`,
        client: { email: `bench-${keyword}-${i}@bench.local` },
      });
      if ('attachedTo' in registered) throw new Error(`bench ticket ${i} was taken for a status question`);
      ids.push(registered.ticketId);
    });
    return ids;
  };

  try {
    if (accuracyTickets > 0) {
      await benchService('zqbenchaccuracy', dueSeconds, 3600);
      log(`accuracy: registering ${accuracyTickets} tickets with a ${dueSeconds} s response SLA…`);
      const load = sampler();
      const ids = await register('zqbenchaccuracy', accuracyTickets);
      const registeredAt = Date.now();
      log(`registered in ${load().wallSeconds.toFixed(1)} s; waiting for their breaches…`);
      const deadline = Date.now() + (dueSeconds + 120) * 1000;
      let breaches: { at: Date; data: Record<string, unknown> }[] = [];
      while (Date.now() < deadline) {
        breaches = await desk.db
          .select({ at: ticketEvents.at, data: ticketEvents.data })
          .from(ticketEvents)
          .where(and(inArray(ticketEvents.ticketId, ids), eq(ticketEvents.action, 'sla_breached')));
        if (breaches.length >= ids.length) break;
        await new Promise((r) => setTimeout(r, 1000));
      }
      const lagOf = (b: (typeof breaches)[number]) => b.at.getTime() - Date.parse(String(b.data.dueAt));
      const lags = breaches.map(lagOf).sort((a, b) => a - b);
      const quiet = breaches
        .filter((b) => Date.parse(String(b.data.dueAt)) > registeredAt)
        .map(lagOf)
        .sort((a, b) => a - b);
      const early = lags.filter((l) => l < 0).length;
      const summary = (sorted: number[]) =>
        sorted.length
          ? { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) }
          : { n: 0 };
      log(`breaches recorded: ${breaches.length}/${ids.length}; fired early: ${early}`);
      if (lags.length > 0) {
        console.log(
          JSON.stringify({
            scenario: 'sla-timer-accuracy',
            tickets: ids.length,
            recorded: lags.length,
            dueSeconds,
            early,
            lagMs: summary(lags),
            quietLagMs: summary(quiet),
          }),
        );
      }
    }

    if (openTickets > 0) {
      await benchService('zqbenchopen', 3600, 8 * 3600);
      const before = process.memoryUsage();
      log(`load: registering ${openTickets} open tickets with running SLA timers…`);
      const creating = sampler();
      await register('zqbenchopen', openTickets);
      const created = creating();
      log(`registered in ${created.wallSeconds.toFixed(1)} s; idling ${idleSeconds} s with their timers running…`);
      const idling = sampler();
      await new Promise((r) => setTimeout(r, idleSeconds * 1000));
      const idle = idling();
      console.log(
        JSON.stringify({
          scenario: 'sla-open-tickets',
          tickets: openTickets,
          rssBefore: mb(before.rss),
          creating: {
            seconds: +created.wallSeconds.toFixed(1),
            ticketsPerSecond: +(openTickets / created.wallSeconds).toFixed(1),
            cpuShare: +created.cpuShare.toFixed(2),
            peakRss: mb(created.peakRss),
          },
          idle: {
            seconds: idleSeconds,
            cpuShare: +idle.cpuShare.toFixed(3),
            rss: mb(idle.rss),
            heapUsed: mb(idle.heapUsed),
          },
        }),
      );
    }
  } finally {
    await desk.stop();
    await backends.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
