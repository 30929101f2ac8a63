import type { Client, Entry } from 'ldapts' with { 'resolution-mode': 'import' };
import type { Logger } from 'pino';
import type { Database } from '../db/client';
import { escapeDnValue } from '../domain/sign-on';
import * as sso from '../repositories/sso';
import { findOperator } from '../repositories/staff';
import { DeskError } from './errors';
import type { IdentityService } from './identity-service';

export interface LdapOptions {
  /** ldap://host:389 or ldaps://host:636 (LDAP_URL). */
  url: string;
  /** StartTLS on an ldap:// connection before any password goes over it. */
  startTls: boolean;
  /** The service account that searches (with `searchBase`); an anonymous search without it. */
  bindDn?: string;
  bindPassword?: string;
  /** Where people are searched for, by `loginAttribute`. */
  searchBase?: string;
  /** Without a search: the person's DN, `{login}` standing for the typed username (escaped). */
  userDnTemplate?: string;
  /** The attribute a username is: uid, or sAMAccountName on Active Directory. */
  loginAttribute: string;
  /** The staff account is the one whose login is the entry's `loginAttribute`, or whose e-mail is its `mail`. */
  mapBy: 'login' | 'mail';
  /** The directory's name on the sign-in page. */
  name: string;
  /** Each operation (connect, bind, search) waits this long before sign-in answers 503. */
  timeoutMs: number;
}

/** The person's entry, once their password is bound with. */
interface Person {
  dn: string;
  login?: string;
  mail?: string;
}

const first = (value: Entry[string] | undefined): string | undefined => {
  const one = Array.isArray(value) ? value[0] : value;
  return one === undefined ? undefined : one.toString();
};

/**
 * Staff sign in with their directory username and password (LDAP or Active Directory): the desk
 * finds their entry (a search as the service account, or the DN template), binds as them with
 * the password, and maps the entry to an enabled staff account (by login or by mail). Attempts
 * are limited like password sign-ins. The username reaches the directory only as an equality
 * filter's value (never parsed as filter text) or escaped into the DN.
 */
export function createLdapSignIn({
  db,
  identity,
  options,
  logger,
}: {
  db: Database;
  identity: IdentityService;
  options: LdapOptions;
  logger: Logger;
}) {
  const library = () => import('ldapts');

  const unavailable = (error: unknown) => {
    logger.warn({ err: error, url: options.url }, 'the directory does not answer');
    return new DeskError(
      'SSO_UNAVAILABLE',
      `the directory (${options.name}) does not answer; retry later or sign in with a desk password`,
    );
  };

  /** The person's entry if the password binds as it; undefined for an unknown username or a wrong password. */
  async function authenticate(client: Client, login: string, password: string): Promise<Person | undefined> {
    const ldap = await library();
    const attributes = [options.loginAttribute, 'mail'];
    const bindAsPerson = async (dn: string) => {
      try {
        await client.bind(dn, password);
        return true;
      } catch (error) {
        if (error instanceof ldap.ResultCodeError) return false;
        throw error;
      }
    };
    if (options.searchBase) {
      if (options.bindDn) await client.bind(options.bindDn, options.bindPassword);
      let found: Entry[];
      try {
        ({ searchEntries: found } = await client.search(options.searchBase, {
          scope: 'sub',
          filter: new ldap.EqualityFilter({ attribute: options.loginAttribute, value: login }),
          attributes,
          sizeLimit: 2,
        }));
      } catch (error) {
        // Two entries with one username: nobody is signed in as either.
        if (error instanceof ldap.SizeLimitExceededError) return undefined;
        throw error;
      }
      if (found.length !== 1) return undefined;
      const entry = found[0]!;
      if (!(await bindAsPerson(entry.dn))) return undefined;
      return { dn: entry.dn, login: first(entry[options.loginAttribute]), mail: first(entry.mail) };
    }
    const dn = options.userDnTemplate!.replaceAll('{login}', escapeDnValue(login));
    if (!(await bindAsPerson(dn))) return undefined;
    const { searchEntries } = await client.search(dn, { scope: 'base', attributes });
    const entry = searchEntries[0];
    return { dn, login: first(entry?.[options.loginAttribute]) ?? login, mail: first(entry?.mail) };
  }

  /** The directory's answer for this username and password, or 503 when it does not answer. */
  async function askDirectory(login: string, password: string): Promise<Person | undefined> {
    const ldap = await library();
    const client = new ldap.Client({
      url: options.url,
      timeout: options.timeoutMs,
      connectTimeout: options.timeoutMs,
    });
    try {
      if (options.startTls) await client.startTLS();
      return await authenticate(client, login, password);
    } catch (error) {
      throw unavailable(error);
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }

  async function signIn(login: string, password: string, address: string) {
    const keys = [`account:ldap:${login.toLowerCase()}`, `address:${address}`];
    await identity.countAttempt(keys, login, 'ldap', address);
    const wrong = async (reason: string) => {
      await identity.recordFailedSignIn(login, reason, 'ldap', address);
      return new DeskError('BAD_CREDENTIALS', `the username or the password is wrong (${options.name})`);
    };
    // An empty password binds anonymously on many servers ("unauthenticated bind"): never a sign-in.
    if (!password) throw await wrong('empty password');
    const person = await askDirectory(login, password);
    if (!person) throw await wrong('no such user or wrong password');
    const refuse = async (reason: string, message: string) => {
      await identity.recordFailedSignIn(login, reason, 'ldap', address);
      return new DeskError('SSO_NOT_LINKED', message);
    };
    let operatorId: string | undefined;
    if (options.mapBy === 'login') operatorId = person.login;
    else if (person.mail) {
      const accounts = await sso.accountsWithEmail(db, person.mail);
      if (accounts.length > 1)
        throw await refuse(
          'several staff accounts with this e-mail',
          `several staff accounts have the e-mail ${person.mail}; an administrator leaves it on one of them`,
        );
      operatorId = accounts[0]?.id;
    }
    const operator = operatorId ? await findOperator(db, operatorId) : undefined;
    if (!operator)
      throw await refuse(
        'no staff account for this directory entry',
        `no staff account is yours (${options.mapBy === 'login' ? `login ${person.login ?? '?'}` : `e-mail ${person.mail ?? '?'}`}); an administrator adds it first`,
      );
    if (operator.disabled) throw await refuse('account disabled', `the staff account ${operator.id} is disabled`);
    await identity.forgiveAttempt(keys);
    return identity.startSession(operator.id, address, 'ldap', { dn: person.dn });
  }

  return { name: options.name, signIn };
}

export type LdapSignIn = ReturnType<typeof createLdapSignIn>;
