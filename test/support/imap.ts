import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { accepting, freePort } from './ports';

const DOVECOT = '/usr/sbin/dovecot';

/**
 * A real IMAP server (Debian's dovecot-imapd, installed by scripts/ensure-dovecot.sh) of the
 * test's own: its configuration, port, users and maildirs in a scratch folder. As root, mail is
 * kept by `nobody`; otherwise by the user running the test.
 */
export async function startDovecot(users: Record<string, string>) {
  if (!fs.existsSync(DOVECOT)) throw new Error('dovecot is missing: run scripts/ensure-dovecot.sh');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dovecot-'));
  fs.chmodSync(dir, 0o755);
  const asRoot = process.getuid?.() === 0;
  const me = os.userInfo();
  const [uid, gid] = asRoot ? [65534, 65534] : [me.uid, me.gid];
  fs.mkdirSync(path.join(dir, 'mail'));
  if (asRoot) fs.chownSync(path.join(dir, 'mail'), uid, gid);
  fs.writeFileSync(
    path.join(dir, 'users'),
    Object.entries(users)
      .map(([user, password]) => `${user}:{PLAIN}${password}::::::`)
      .join('\n') + '\n',
  );
  const port = await freePort();
  const conf = path.join(dir, 'dovecot.conf');
  fs.writeFileSync(
    conf,
    [
      'protocols = imap',
      'listen = 127.0.0.1',
      `base_dir = ${dir}/run`,
      `state_dir = ${dir}/state`,
      `instance_name = dovecot-test-${port}`,
      `log_path = ${dir}/dovecot.log`,
      'ssl = no',
      'disable_plaintext_auth = no',
      'auth_mechanisms = plain login',
      ...(asRoot ? [] : [`default_internal_user = ${me.username}`, `default_login_user = ${me.username}`]),
      `first_valid_uid = ${Math.min(uid, 500)}`,
      `mail_location = maildir:${dir}/mail/%u`,
      `passdb {\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u ${dir}/users\n}`,
      `userdb {\n  driver = static\n  args = uid=${uid} gid=${gid} home=${dir}/mail/%u\n}`,
      `service imap-login {\n  inet_listener imap {\n    address = 127.0.0.1\n    port = ${port}\n  }\n  inet_listener imaps {\n    port = 0\n  }\n}`,
      'service anvil {\n  chroot =\n}',
      'service imap-login {\n  chroot =\n}',
      '',
    ].join('\n'),
  );
  const child = spawn(DOVECOT, ['-F', '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    await accepting(port, 'dovecot', 10_000);
  } catch (error) {
    child.kill('SIGTERM');
    const log = fs.existsSync(path.join(dir, 'dovecot.log'))
      ? fs.readFileSync(path.join(dir, 'dovecot.log'), 'utf8')
      : '';
    throw new Error(`${String(error)}\n${output}\n${log}`, { cause: error });
  }
  return {
    port,
    logFile: path.join(dir, 'dovecot.log'),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
