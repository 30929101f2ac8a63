import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { accepting, freePort } from './ports';

const SLAPD = '/usr/sbin/slapd';
const SLAPADD = '/usr/sbin/slapadd';
export const SLAPD_SUFFIX = 'dc=desk,dc=test';
/** The service account the desk searches as, and its password. */
export const SLAPD_READER = { dn: `cn=reader,${SLAPD_SUFFIX}`, password: 'reader-password' };

export interface DirectoryPerson {
  uid: string;
  password: string;
  mail?: string;
}

/**
 * A real LDAP server (Debian's slapd, installed by scripts/ensure-slapd.sh) of the test's own:
 * its slapd.conf, port and database in a scratch folder, the people loaded with slapadd before it
 * starts. Files of the user running the test only, so the same runs as root or not; the system's
 * slapd is never used.
 */
export async function startSlapd(people: DirectoryPerson[]) {
  if (!fs.existsSync(SLAPD)) throw new Error('slapd is missing: run scripts/ensure-slapd.sh');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slapd-'));
  fs.mkdirSync(path.join(dir, 'db'));
  const conf = path.join(dir, 'slapd.conf');
  fs.writeFileSync(
    conf,
    [
      ...['core', 'cosine', 'inetorgperson', 'nis'].map((schema) => `include /etc/ldap/schema/${schema}.schema`),
      `pidfile ${dir}/slapd.pid`,
      `argsfile ${dir}/slapd.args`,
      'modulepath /usr/lib/ldap',
      'moduleload back_mdb',
      'database mdb',
      'maxsize 10485760',
      `suffix "${SLAPD_SUFFIX}"`,
      `rootdn "cn=admin,${SLAPD_SUFFIX}"`,
      `directory ${dir}/db`,
      // Passwords are only ever bound with; the reader and the people themselves read the rest.
      'access to attrs=userPassword by anonymous auth by * none',
      `access to * by dn.exact="${SLAPD_READER.dn}" read by self read by * none`,
      '',
    ].join('\n'),
  );
  const entries = [
    `dn: ${SLAPD_SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\ndc: desk\no: Desk test`,
    `dn: ou=people,${SLAPD_SUFFIX}\nobjectClass: organizationalUnit\nou: people`,
    `dn: ${SLAPD_READER.dn}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\ncn: reader\nuserPassword: ${SLAPD_READER.password}`,
    ...people.map((person) =>
      [
        `dn: uid=${person.uid},ou=people,${SLAPD_SUFFIX}`,
        'objectClass: inetOrgPerson',
        `uid: ${person.uid}`,
        `cn: ${person.uid}`,
        `sn: ${person.uid}`,
        ...(person.mail ? [`mail: ${person.mail}`] : []),
        `userPassword: ${person.password}`,
      ].join('\n'),
    ),
  ];
  fs.writeFileSync(path.join(dir, 'people.ldif'), `${entries.join('\n\n')}\n`);
  execFileSync(SLAPADD, ['-q', '-f', conf, '-l', path.join(dir, 'people.ldif')], { stdio: 'pipe' });
  const port = await freePort();
  let child: ChildProcess | undefined;
  let output = '';

  async function start() {
    // -d keeps slapd in the foreground (its own child, stopped with the test); 0: no debug output.
    child = spawn(SLAPD, ['-d', '0', '-f', conf, '-h', `ldap://127.0.0.1:${port}/`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await accepting(port, 'slapd', 10_000);
    } catch (error) {
      child.kill('SIGTERM');
      throw new Error(`${String(error)}\n${output}`, { cause: error });
    }
  }

  async function stop() {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }

  await start();
  return {
    url: `ldap://127.0.0.1:${port}`,
    suffix: SLAPD_SUFFIX,
    peopleBase: `ou=people,${SLAPD_SUFFIX}`,
    /** The directory goes away (a test of a directory that does not answer). */
    stop,
    /** Stopped, and its folder deleted. */
    async remove() {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
