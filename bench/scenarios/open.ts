import fs from 'node:fs';
import { sql } from 'drizzle-orm';
import type { BenchEnvironment } from '../env';
import { seededRandom, ticketGenerator } from '../generator';
import { callApi, Outcomes } from '../http';
import type { BenchOptions } from '../options';
import { elapsedMs, runClosedLoop, summarize, type LatencySummary } from '../stats';
import { round } from './floor';
import { countQueued } from './throughput';

export interface OpenResult {
  n: number;
  creationSeconds: number;
  createdPerSecond: number;
  created: ReturnType<Outcomes['toJSON']>;
  /** Of this scenario's tickets, those the database shows waiting (must equal n). */
  queued: number;
  /** Every ticket waiting in the desk's queues, earlier scenarios' included. */
  waitingInDesk: number;
  memory: {
    /** Worker, API and load generator share this process (the worker runs in-process, as with `npm start`). */
    processRssMiB: number;
    heapUsedMiB: number;
    heapTotalMiB: number;
    externalMiB: number;
    /** Of the RSS: anonymous memory (heaps of every thread, the native engine's, malloc) and mapped files (code). */
    rssAnonMiB: number | null;
    rssFileMiB: number | null;
    /** The highest RSS seen, sampled every 250 ms while tickets were filed (not after a collection). */
    peakRssMiB: number;
    /** The Temporal dev server child; null when the server was not started here. */
    temporalServerRssMiB: number | null;
    databaseMiB: number;
  };
  /** Memory every tenth of the way: whether it levels off (bounded worker cache) or keeps growing. */
  growth: Array<{ filed: number; processRssMiB: number; temporalServerRssMiB: number | null }>;
  accepts: { n: number; outcomes: ReturnType<Outcomes['toJSON']>; latencyMs: LatencySummary };
}

const mib = (bytes: number) => round(bytes / 2 ** 20, 1);

/**
 * Memory after a full collection when `npm run bench` exposes gc (--expose-gc): what is
 * retained, not what the collector has yet to free.
 */
function settledMemory(): NodeJS.MemoryUsage {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage();
}

/** N tickets left waiting; memory and size with them open; then some accepted, to show they are alive. */
export async function runOpen(env: BenchEnvironment, options: BenchOptions): Promise<OpenResult> {
  const serverRss = () => (env.temporal.pid ? residentMiB(env.temporal.pid) : null);
  const next = ticketGenerator(options.seed, 3);
  const created = new Outcomes();
  const ids: number[] = [];
  const progress = env.progress('open: filing', options.open);
  const growth: OpenResult['growth'] = [];
  const sampleEvery = Math.max(1, Math.ceil(options.open / 10));
  let filed = 0;
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 250);
  const started = process.hrtime.bigint();
  await runClosedLoop(options.open, options.inFlight, async () => {
    try {
      const { status, body } = await callApi(env.baseUrl, 'POST', '/tickets', { body: next() });
      created.record(status, body);
      if (typeof body?.id === 'number') ids.push(body.id);
    } catch (error) {
      created.record('error', error);
    }
    if (++filed % sampleEvery === 0)
      growth.push({ filed, processRssMiB: mib(settledMemory().rss), temporalServerRssMiB: serverRss() });
    progress.tick();
  });
  const creationSeconds = elapsedMs(started) / 1000;
  clearInterval(sampler);
  progress.done();

  const queued = await countQueued(env, ids);
  const [{ waiting }] = (await env.desk.db.execute(
    sql`select count(*)::int as waiting from tickets where stage = 'queued'`,
  )) as unknown as [{ waiting: number }];
  const [{ bytes }] = (await env.desk.db.execute(
    sql`select pg_database_size(current_database())::bigint as bytes`,
  )) as unknown as [{ bytes: string }];
  const usage = settledMemory();
  const rssParts = ownStatus();

  // Accept tickets spread over all those filed: most have left the worker's cache and are replayed.
  const random = seededRandom(options.seed);
  const chosen = Array.from(
    { length: Math.min(options.accepts, ids.length) },
    () => ids.splice(Math.floor(random() * ids.length), 1)[0]!,
  );
  const acceptOutcomes = new Outcomes();
  const latencies: number[] = [];
  const acceptProgress = env.progress('open: accepting', chosen.length);
  for (const id of chosen) {
    const t = process.hrtime.bigint();
    try {
      const { status, body } = await callApi(env.baseUrl, 'POST', `/tickets/${id}/accept`, { operator: 'sidorova' });
      acceptOutcomes.record(status, body);
      if (status === 200) latencies.push(elapsedMs(t));
    } catch (error) {
      acceptOutcomes.record('error', error);
    }
    acceptProgress.tick();
  }
  acceptProgress.done();

  return {
    n: options.open,
    creationSeconds: round(creationSeconds),
    createdPerSecond: round(created.count(201) / creationSeconds),
    created: created.toJSON(),
    queued,
    waitingInDesk: waiting,
    memory: {
      processRssMiB: mib(usage.rss),
      heapUsedMiB: mib(usage.heapUsed),
      heapTotalMiB: mib(usage.heapTotal),
      externalMiB: mib(usage.external),
      rssAnonMiB: rssParts.RssAnon ?? null,
      rssFileMiB: rssParts.RssFile ?? null,
      peakRssMiB: mib(peakRss),
      temporalServerRssMiB: serverRss(),
      databaseMiB: mib(Number(bytes)),
    },
    growth,
    accepts: { n: chosen.length, outcomes: acceptOutcomes.toJSON(), latencyMs: summarize(latencies) },
  };
}

/** This process's memory lines of /proc/self/status, in MiB (Linux; empty elsewhere). */
function ownStatus(): Record<string, number> {
  try {
    const lines = fs.readFileSync('/proc/self/status', 'utf8').matchAll(/^(\w+):\s+(\d+)\s+kB$/gm);
    return Object.fromEntries([...lines].map(([, key, kb]) => [key!, round(Number(kb) / 1024, 1)]));
  } catch {
    return {};
  }
}

/** VmRSS of a process, from /proc (Linux). */
function residentMiB(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? round(Number(match[1]) / 1024, 1) : null;
  } catch {
    return null;
  }
}
