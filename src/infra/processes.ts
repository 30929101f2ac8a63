import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The command line of a live process, or '' when it is gone or cannot be read. */
export function commandLineOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

export function readPidFile(file: string): number | undefined {
  try {
    const pid = Number.parseInt(fs.readFileSync(file, 'utf8').split('\n')[0] ?? '', 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Sends `signal`, then SIGKILL if the process is still there after `graceMs`. */
export async function stopProcess(pid: number, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  try {
    process.kill(pid, signal);
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  if (isAlive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone in the meantime.
    }
  }
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

export function spawnLoggingTo(
  command: string,
  args: string[],
  logFile: string,
  env: NodeJS.ProcessEnv = {},
): ChildProcess {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const out = fs.openSync(logFile, 'a');
  try {
    fs.writeSync(out, `\n--- ${new Date().toISOString()} ${command} ${args.join(' ')}\n`);
    return spawn(command, args, { stdio: ['ignore', out, out], env: { ...process.env, ...env } });
  } finally {
    fs.closeSync(out);
  }
}

export function exitOf(child: ChildProcess): Promise<ExitInfo> {
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    // A failed spawn (e.g. EACCES) emits 'error' and may never emit 'exit'.
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
  });
}

export function describeExit(exit: ExitInfo): string {
  if (exit.error) return exit.error.message;
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
}

/** The last lines of a log file, for error messages. */
export function tailOf(file: string, lines = 15): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no output)';
  }
}

/** Paths inside the project read better relative to it; others stay absolute. */
export function relative(p: string): string {
  const rel = path.relative(process.cwd(), path.resolve(p));
  return rel === '' ? '.' : rel.startsWith('..') ? path.resolve(p) : rel;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Polls `answers` until it resolves, for a server this process started: its exit during start-up,
 * or no answer within `timeoutMs`, is an error naming `what` with the last lines of its log.
 */
export async function waitUntilAnswering(
  what: string,
  server: { address: string; exited: Promise<ExitInfo>; logFile: string },
  answers: () => Promise<unknown>,
  { timeoutMs, intervalMs }: { timeoutMs: number; intervalMs: number },
): Promise<void> {
  let exit: ExitInfo | undefined;
  void server.exited.then((info) => (exit = info));
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (exit)
      throw new Error(
        `${what} exited during start-up (${describeExit(exit)}); last lines of ${relative(server.logFile)}:\n${tailOf(server.logFile)}`,
      );
    try {
      await answers();
      return;
    } catch (error) {
      lastError = error;
    }
    await sleep(intervalMs);
  }
  throw new Error(
    `${what} did not answer on ${server.address} within ${timeoutMs / 1000} s (${errorMessage(lastError)}); last lines of ${relative(server.logFile)}:\n${tailOf(server.logFile)}`,
  );
}
