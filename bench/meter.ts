import fs from 'node:fs';
import inspector from 'node:inspector';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import type { BenchEnvironment } from './env';

/** What one timed phase cost: CPU of every process that served it, and this process's pauses. */
export interface PhaseCost {
  /** CPU milliseconds: this process (load generator, API, workers), the Temporal server, our database backends. */
  cpuMs: { process: number; temporal: number | null; postgres: number; total: number };
  /** Garbage-collection pauses in this process. */
  gc: { pauses: number; totalMs: number; maxMs: number };
  /** Event-loop delay of this process, ms. */
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  /** One-minute load average when the phase started and when it ended. */
  loadAverage: [number, number];
}

const ticksPerSecond = 100; // USER_HZ on Linux

/** utime + stime of a process from /proc, ms; null when it is gone or not ours to read. */
function processCpuMs(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, inside parentheses): utime is the 12th, stime the 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  } catch {
    return null;
  }
}

/** The server processes of the desk's own database connections (not other users' of a shared server). */
async function backendPids(env: BenchEnvironment): Promise<number[]> {
  const rows = await env.desk.db.execute<{ pid: number }>(
    sql`select pid from pg_stat_activity where datname = current_database()`,
  );
  return [...rows].map((r) => r.pid);
}

/** A CPU profile of this process over one phase, written to `file` when it stops (inspect it in Chrome's DevTools). */
export async function startProfile(file: string): Promise<() => Promise<void>> {
  const session = new inspector.Session();
  session.connect();
  const post = <T>(method: string, params?: object) =>
    new Promise<T>((resolve, reject) =>
      session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result as T))),
    );
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 500 });
  await post('Profiler.start');
  return async () => {
    const { profile } = await post<{ profile: object }>('Profiler.stop');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  };
}

/** Measures one phase: call it before the phase and the function it gives after. `profile`: a .cpuprofile to write. */
export async function meterPhase(env: BenchEnvironment, profile?: string) {
  const stopProfile = profile ? await startProfile(profile) : undefined;
  const pids = await backendPids(env);
  const backendsBefore = new Map(pids.map((pid) => [pid, processCpuMs(pid) ?? 0]));
  const temporalBefore = env.temporal.pid ? processCpuMs(env.temporal.pid) : null;
  const cpuBefore = process.cpuUsage();
  const loadBefore = os.loadavg()[0]!;
  const delay = monitorEventLoopDelay({ resolution: 10 });
  const pauses: number[] = [];
  const gc = new PerformanceObserver((list) => pauses.push(...list.getEntries().map((e) => e.duration)));
  gc.observe({ entryTypes: ['gc'] });
  delay.enable();

  return async function stop(): Promise<PhaseCost> {
    await stopProfile?.();
    delay.disable();
    gc.disconnect();
    const cpu = process.cpuUsage(cpuBefore);
    const processMs = (cpu.user + cpu.system) / 1000;
    const temporalAfter = env.temporal.pid ? processCpuMs(env.temporal.pid) : null;
    const temporal = temporalBefore !== null && temporalAfter !== null ? temporalAfter - temporalBefore : null;
    let postgres = 0;
    // Backends opened during the phase count from zero; those closed during it are lost (the pools keep theirs).
    for (const pid of await backendPids(env)) {
      const after = processCpuMs(pid);
      if (after !== null) postgres += after - (backendsBefore.get(pid) ?? 0);
    }
    const ms = (ns: number) => Math.round(ns / 1e4) / 100;
    return {
      cpuMs: {
        process: Math.round(processMs),
        temporal: temporal === null ? null : Math.round(temporal),
        postgres: Math.round(postgres),
        total: Math.round(processMs + (temporal ?? 0) + postgres),
      },
      gc: {
        pauses: pauses.length,
        totalMs: Math.round(pauses.reduce((a, b) => a + b, 0) * 10) / 10,
        maxMs: Math.round(Math.max(0, ...pauses) * 10) / 10,
      },
      eventLoopDelayMs: { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max) },
      loadAverage: [Math.round(loadBefore * 100) / 100, Math.round(os.loadavg()[0]! * 100) / 100],
    };
  };
}
