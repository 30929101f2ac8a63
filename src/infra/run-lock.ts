import fs from 'node:fs';
import path from 'node:path';
import { commandLineOf, isAlive, readPidFile } from './processes';

/**
 * One desk per data directory: a second `npm start` on the same .data would fight the first
 * over its servers. Returns a release function; throws naming the running process.
 */
export function lockDataDir(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockFile = path.join(dataDir, 'desk.pid');
  const holder = readPidFile(lockFile);
  // The desk, or a backup or restore of its data directory (src/infra/backup.ts).
  if (
    holder &&
    holder !== process.pid &&
    isAlive(holder) &&
    /\b(main|backup|restore)\.ts\b/.test(commandLineOf(holder))
  ) {
    throw new Error(`another desk (pid ${holder}) is already running on ${dataDir}; stop it first, or set DATA_DIR`);
  }
  fs.writeFileSync(lockFile, `${process.pid}\n`);
  return () => {
    if (readPidFile(lockFile) === process.pid) fs.rmSync(lockFile, { force: true });
  };
}
