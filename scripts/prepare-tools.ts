import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { resolveTemporalCli } from '../src/infra/temporal-server';

const CHROMIUM = '/usr/bin/chromium';
const DOVECOT = '/usr/sbin/dovecot';
const SLAPD = '/usr/sbin/slapd';

/**
 * The viewer's browser test drives Debian's chromium package. As root (CI on Debian) it is
 * installed here once; anyone else is told how, and the browser test is skipped outside CI.
 */
function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  if (process.getuid?.() !== 0) {
    console.log(`[prepare] no ${CHROMIUM}: the browser test will be skipped (as root: sh scripts/ensure-chromium.sh)`);
    return;
  }
  execFileSync('sh', [path.resolve(__dirname, 'ensure-chromium.sh')], { stdio: 'inherit' });
}

/** The mailbox-polling test's IMAP server, Debian's dovecot-imapd, the same way as Chromium. */
function ensureDovecot() {
  if (existsSync(DOVECOT)) return;
  if (process.getuid?.() !== 0) {
    console.log(`[prepare] no ${DOVECOT}: the IMAP test will be skipped (as root: sh scripts/ensure-dovecot.sh)`);
    return;
  }
  execFileSync('sh', [path.resolve(__dirname, 'ensure-dovecot.sh')], { stdio: 'inherit' });
}

/** The LDAP sign-in test's directory, Debian's slapd, the same way. */
function ensureSlapd() {
  if (existsSync(SLAPD)) return;
  if (process.getuid?.() !== 0) {
    console.log(`[prepare] no ${SLAPD}: the LDAP sign-in test will be skipped (as root: sh scripts/ensure-slapd.sh)`);
    return;
  }
  execFileSync('sh', [path.resolve(__dirname, 'ensure-slapd.sh')], { stdio: 'inherit' });
}

/**
 * Runs before `npm test`: makes sure headless Chromium, dovecot, slapd and a Temporal CLI are at hand (TEMPORAL_CLI, PATH,
 * .tools/bin, or a one-off Go build into .tools/bin that takes a few minutes), so the
 * tests' set-up never waits on a build. Nothing to do when TEMPORAL_ADDRESS is set.
 */
async function main() {
  ensureChromium();
  ensureDovecot();
  ensureSlapd();
  if (process.env.TEMPORAL_ADDRESS) return;
  const cli = await resolveTemporalCli({
    cliPath: process.env.TEMPORAL_CLI || undefined,
    toolsDir: path.resolve(__dirname, '..', '.tools'),
    log: (message) => console.log(`[prepare] ${message}`),
  });
  console.log(
    cli
      ? `[prepare] Temporal CLI: ${cli.path} (${cli.source})`
      : '[prepare] no Temporal CLI and no Go: the tests will let the SDK download one',
  );
}

main().catch((error) => {
  console.error(`[prepare] ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
