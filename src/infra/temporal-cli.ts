import fs from 'node:fs';
import path from 'node:path';
import { describeExit, exitOf, isAlive, relative, sleep, spawnLoggingTo, tailOf } from './processes';
import type { EnsureTemporalOptions } from './temporal-server';

export type CliSource = 'TEMPORAL_CLI' | 'PATH' | 'tools' | 'go-install';

export interface TemporalCli {
  path: string;
  source: CliSource;
}

export type CliLookup = Pick<EnsureTemporalOptions, 'cliPath' | 'toolsDir' | 'log'>;

const CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';
const PROGRESS_EVERY_MS = 10_000;
const STAGING_PREFIX = '.temporal-build-';

/**
 * Finds a `temporal` binary: TEMPORAL_CLI, then PATH, then <toolsDir>/bin, then a
 * one-off Go build into <toolsDir>/bin. Null means "let @temporalio/testing download one".
 */
export async function resolveTemporalCli(opts: CliLookup): Promise<TemporalCli | null> {
  if (opts.cliPath) {
    const cliPath = path.resolve(opts.cliPath);
    if (!isExecutableFile(cliPath)) throw new Error(`TEMPORAL_CLI=${opts.cliPath} is not an executable file`);
    return { path: cliPath, source: 'TEMPORAL_CLI' };
  }
  const onPath = findOnPath('temporal');
  if (onPath) return { path: onPath, source: 'PATH' };
  const toolsBinary = toolsCliPath(opts.toolsDir);
  if (isExecutableFile(toolsBinary)) return { path: toolsBinary, source: 'tools' };
  if (!findOnPath('go')) return null;
  const built = await buildCliWithGo(opts);
  return built ? { path: built, source: 'go-install' } : null;
}

// ---------------------------------------------------------------------------
// One-off Go build of the CLI into <toolsDir>/bin

function toolsCliPath(toolsDir: string): string {
  return path.resolve(toolsDir, 'bin', 'temporal');
}

/**
 * Builds the CLI once per machine. A lock file keeps parallel processes (e.g. test
 * workers) from building at the same time; the binary is built into a staging
 * directory and renamed into place, so nobody ever runs a half-written file.
 */
async function buildCliWithGo(opts: CliLookup): Promise<string | null> {
  const target = toolsCliPath(opts.toolsDir);
  const lockFile = path.resolve(opts.toolsDir, 'temporal-build.lock');
  fs.mkdirSync(path.dirname(target), { recursive: true });

  const gotLock = await withProgress(opts.log, 'waiting for another process building the Temporal CLI', () =>
    waitForBuildLock(lockFile, target),
  );
  if (!gotLock) return target;
  try {
    // The previous lock holder may have finished between our last look and our lock.
    if (isExecutableFile(target)) return target;
    return await withProgress(opts.log, 'building Temporal CLI with Go (first run only, ~3 min)', () =>
      goInstallCli(opts, target),
    );
  } finally {
    fs.rmSync(lockFile, { force: true });
  }
}

/** Resolves true once we hold the lock, false if someone else's build produced the binary meanwhile. */
async function waitForBuildLock(lockFile: string, target: string): Promise<boolean> {
  for (;;) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (isExecutableFile(target)) return false;
    if (!isLockHolderAlive(lockFile)) {
      // A killed build left its lock; take over.
      fs.rmSync(lockFile, { force: true });
      continue;
    }
    await sleep(1000);
  }
}

function isLockHolderAlive(lockFile: string): boolean {
  let contents: string;
  try {
    contents = fs.readFileSync(lockFile, 'utf8');
  } catch {
    // Released meanwhile: look again on the next round.
    return true;
  }
  // Empty means the holder has created the file but not yet written its pid.
  if (contents.trim() === '') return true;
  return isAlive(Number.parseInt(contents, 10));
}

async function goInstallCli(opts: CliLookup, target: string): Promise<string | null> {
  const binDir = path.dirname(target);
  removeAbandonedStagingDirs(binDir);
  // Named by pid so a later build can tell an abandoned directory from a live one.
  const stagingDir = path.join(binDir, `${STAGING_PREFIX}${process.pid}`);
  fs.mkdirSync(stagingDir, { recursive: true });
  const buildLog = path.resolve(opts.toolsDir, 'temporal-build.log');
  try {
    const child = spawnLoggingTo('go', ['install', CLI_MODULE], buildLog, { GOBIN: stagingDir });
    const exit = await exitOf(child);
    if (exit.code !== 0) {
      opts.log(
        `building the Temporal CLI failed (${describeExit(exit)}); last lines of ${relative(buildLog)}:\n${tailOf(buildLog)}`,
      );
      return null;
    }
    fs.renameSync(path.join(stagingDir, 'temporal'), target);
    opts.log(`built Temporal CLI into ${relative(target)}`);
    return target;
  } finally {
    fs.rmSync(stagingDir, { recursive: true, force: true });
  }
}

/** Builds killed half-way leave a ~250 MB staging directory behind. */
function removeAbandonedStagingDirs(binDir: string): void {
  for (const entry of fs.readdirSync(binDir)) {
    if (!entry.startsWith(STAGING_PREFIX)) continue;
    const builderPid = Number.parseInt(entry.slice(STAGING_PREFIX.length), 10);
    if (!isAlive(builderPid)) fs.rmSync(path.join(binDir, entry), { recursive: true, force: true });
  }
}

async function withProgress<T>(log: (msg: string) => void, activity: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const timer = setInterval(
    () => log(`${activity}… ${Math.round((Date.now() - started) / 1000)} s`),
    PROGRESS_EVERY_MS,
  );
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function findOnPath(command: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}
