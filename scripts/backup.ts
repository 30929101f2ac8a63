/**
 * `npm run backup -- DIR` and `npm run restore -- DIR` (the same script, its verb first): a cold
 * backup of the desk as `npm start` runs it on its own servers (DATA_DIR, `.data` by default),
 * taken while the desk is stopped, and its restore into a new, empty DATA_DIR. A desk on servers
 * of its own (DATABASE_URL, TEMPORAL_ADDRESS) is backed up with its databases' tools instead:
 * README, "Backup and restore".
 */
import path from 'node:path';
import { loadConfig } from '../src/config';
import { backupDataDir, BackupError, restoreDataDir } from '../src/infra/backup';

const [verb, dir, ...rest] = process.argv.slice(2);
const fail = (message: string): never => {
  console.error(message);
  process.exit(2);
};
if ((verb !== 'backup' && verb !== 'restore') || !dir || rest.length)
  fail(
    'usage: npm run backup -- DIR   |   npm run restore -- DIR   (DATA_DIR: the desk’s data directory, .data by default)',
  );
const config = loadConfig(process.env, path.resolve(__dirname, '..'), []);
const external = [config.DATABASE_URL && 'DATABASE_URL', config.TEMPORAL_ADDRESS && 'TEMPORAL_ADDRESS'].filter(Boolean);
if (external.length)
  fail(
    `${external.join(' and ')} ${external.length > 1 ? 'are' : 'is'} set: this desk's data is on servers of its own, not in ${config.dataDir}; back those up with their tools (README, "Backup and restore")`,
  );
try {
  const manifest =
    verb === 'backup'
      ? backupDataDir(config.dataDir, path.resolve(dir!))
      : restoreDataDir(path.resolve(dir!), config.dataDir);
  const bytes = manifest.files.reduce((sum, file) => sum + file.bytes, 0);
  console.log(
    verb === 'backup'
      ? `backed up ${config.dataDir} into ${path.resolve(dir!)}: ${manifest.files.length} files, ${(bytes / 2 ** 20).toFixed(1)} MiB`
      : `restored ${path.resolve(dir!)} (taken ${manifest.createdAt}) into ${config.dataDir}: ${manifest.files.length} files checked; npm start runs it`,
  );
} catch (error) {
  if (error instanceof BackupError) fail(error.message);
  throw error;
}
