import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { commandLineOf, isAlive, readPidFile, relative } from './processes';
import { lockDataDir } from './run-lock';

/**
 * A backup of the desk as `npm start` runs it on its own servers: the data directory with the
 * embedded PostgreSQL's files and the Temporal dev server's SQLite database, copied while
 * nothing runs on them (PostgreSQL's "file system level backup", which needs the server shut
 * down; SQLite's file copied with no connection open), so the desk's rows and Temporal's
 * histories are of the same moment. `manifest.json` lists every file with its SHA-256.
 */
export interface BackupManifest {
  format: 1;
  createdAt: string;
  /** Every directory, the empty ones included (PostgreSQL needs its empty pg_* directories). */
  directories: string[];
  files: Array<{ path: string; bytes: number; sha256: string }>;
}

const MANIFEST = 'manifest.json';

/** Left out: what only a running desk means (pid files, its lock) and logs. */
const leftOut = (name: string) => name.endsWith('.pid') || name.endsWith('.log') || name === 'postmaster.opts';

export class BackupError extends Error {}

/** Files and directories under `dir`, relative, sorted; `keep` decides on each name. */
function treeUnder(dir: string, keep: (name: string) => boolean = () => true) {
  const files: string[] = [];
  const directories: string[] = [];
  const walk = (sub: string) => {
    for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      if (!keep(entry.name)) continue;
      const rel = path.join(sub, entry.name);
      if (entry.isDirectory()) {
        directories.push(rel);
        walk(rel);
      } else if (entry.isFile()) files.push(rel);
    }
  };
  walk('');
  return { files: files.sort(), directories: directories.sort() };
}

/** In 1 MiB reads: PostgreSQL's segment files reach 1 GiB. */
function sha256Of(file: string): string {
  const hash = createHash('sha256');
  const buffer = Buffer.alloc(2 ** 20);
  const fd = fs.openSync(file, 'r');
  try {
    for (let read; (read = fs.readSync(fd, buffer, 0, buffer.length, null)) > 0;) hash.update(buffer.subarray(0, read));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

/**
 * A copy with the original's mode and, as root, its owner: the embedded PostgreSQL runs as the
 * `postgres` user when the desk runs as root (src/infra/postgres-server.ts) and must own its files.
 */
function copyKeepingOwner(from: string, to: string) {
  const stat = fs.statSync(from);
  if (stat.isDirectory()) fs.mkdirSync(to, { recursive: true });
  else fs.copyFileSync(from, to);
  fs.chmodSync(to, stat.mode & 0o7777);
  if (process.getuid?.() === 0) fs.chownSync(to, stat.uid, stat.gid);
}

const isEmptyOrAbsent = (dir: string) => !fs.existsSync(dir) || fs.readdirSync(dir).length === 0;

/** Refuses while a server still has the files open: its copy would not be of one moment. */
function assertServersStopped(dataDir: string) {
  const postmaster = readPidFile(path.join(dataDir, 'postgres', 'postmaster.pid'));
  if (postmaster && isAlive(postmaster)) {
    try {
      if (fs.realpathSync(`/proc/${postmaster}/cwd`) === fs.realpathSync(path.join(dataDir, 'postgres')))
        throw new BackupError(
          `PostgreSQL (pid ${postmaster}) still runs on ${relative(path.join(dataDir, 'postgres'))}: stop the desk first`,
        );
    } catch (error) {
      if (error instanceof BackupError) throw error;
    }
  }
  const temporalDb = path.resolve(dataDir, 'temporal.db');
  const temporal = readPidFile(`${temporalDb}.pid`);
  if (temporal && isAlive(temporal) && commandLineOf(temporal).includes(temporalDb))
    throw new BackupError(
      `the Temporal dev server (pid ${temporal}) still runs on ${relative(temporalDb)}: stop the desk first`,
    );
}

/**
 * Copies `dataDir` into `targetDir` (new or empty) while no desk runs on it (its run lock is
 * held meanwhile, so none starts) and its servers are stopped.
 */
export function backupDataDir(dataDir: string, targetDir: string): BackupManifest {
  if (!fs.existsSync(path.join(dataDir, 'postgres')) && !fs.existsSync(path.join(dataDir, 'temporal.db')))
    throw new BackupError(`${relative(dataDir)} holds no desk (no postgres/ and no temporal.db)`);
  if (!isEmptyOrAbsent(targetDir))
    throw new BackupError(`${relative(targetDir)} is not empty: back up into a new directory`);
  let release: () => void;
  try {
    release = lockDataDir(dataDir);
  } catch (error) {
    throw new BackupError(`${(error as Error).message.replace(/; stop it first.*/, '')}: stop it before backing up`);
  }
  try {
    assertServersStopped(dataDir);
    const { files, directories } = treeUnder(dataDir, (name) => !leftOut(name));
    const manifest: BackupManifest = { format: 1, createdAt: new Date().toISOString(), directories, files: [] };
    fs.mkdirSync(path.join(targetDir, 'data'), { recursive: true });
    for (const rel of directories) copyKeepingOwner(path.join(dataDir, rel), path.join(targetDir, 'data', rel));
    for (const rel of files) {
      const to = path.join(targetDir, 'data', rel);
      copyKeepingOwner(path.join(dataDir, rel), to);
      manifest.files.push({ path: rel, bytes: fs.statSync(to).size, sha256: sha256Of(to) });
    }
    // A file the servers changed during the copy would mean they were not stopped after all.
    for (const file of manifest.files)
      if (sha256Of(path.join(dataDir, file.path)) !== file.sha256)
        throw new BackupError(
          `${file.path} changed during the copy: is a server still running on ${relative(dataDir)}?`,
        );
    fs.writeFileSync(path.join(targetDir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    return manifest;
  } finally {
    release();
  }
}

/** Restores a backup into `dataDir`, which must be new or empty; every file is checked against the manifest first. */
export function restoreDataDir(backupDir: string, dataDir: string): BackupManifest {
  const manifestFile = path.join(backupDir, MANIFEST);
  if (!fs.existsSync(manifestFile)) throw new BackupError(`${relative(backupDir)} is not a backup (no ${MANIFEST})`);
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as BackupManifest;
  if (manifest.format !== 1)
    throw new BackupError(`${relative(manifestFile)}: unknown format ${String(manifest.format)}`);
  if (!isEmptyOrAbsent(dataDir))
    throw new BackupError(`${relative(dataDir)} is not empty: restore into a new DATA_DIR (move the old one aside)`);
  for (const file of manifest.files) {
    const copy = path.join(backupDir, 'data', file.path);
    if (!fs.existsSync(copy)) throw new BackupError(`the backup lacks ${file.path}`);
    if (sha256Of(copy) !== file.sha256)
      throw new BackupError(`${file.path} in the backup is damaged (its SHA-256 differs)`);
  }
  const listed = new Set(manifest.files.map((file) => file.path));
  const extra = treeUnder(path.join(backupDir, 'data')).files.filter((rel) => !listed.has(rel));
  if (extra.length) throw new BackupError(`the backup holds files its manifest does not list: ${extra.join(', ')}`);
  fs.mkdirSync(dataDir, { recursive: true });
  for (const rel of manifest.directories) copyKeepingOwner(path.join(backupDir, 'data', rel), path.join(dataDir, rel));
  for (const file of manifest.files)
    copyKeepingOwner(path.join(backupDir, 'data', file.path), path.join(dataDir, file.path));
  return manifest;
}
