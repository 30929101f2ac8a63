/** Rules of single sign-on that need no I/O: where a sign-in may return to, and LDAP's escaping. */

/** How a person signed in, as the audit log records it. */
export const signInMethods = ['password', 'oidc', 'ldap'] as const;
export type SignInMethod = (typeof signInMethods)[number];

const DEFAULT_PAGE = '/processes.html';

/**
 * The desk's page a sign-in returns to: a path of this site only (`/…`, not `//host` or
 * `/\host`, which browsers read as another site), so a crafted link cannot send a person away.
 */
export function returnPath(next: string | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return DEFAULT_PAGE;
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (next.length > 500 || /[\u0000-\u001f\u007f]/.test(next)) return DEFAULT_PAGE;
  return next;
}

/**
 * A value put into a DN (RFC 4514 §2.4): `,+"\<>;=` and NUL escaped, and a leading `#` or space
 * and a trailing space, so a username cannot add an RDN or leave its place in LDAP_USER_DN_TEMPLATE.
 */
export function escapeDnValue(value: string): string {
  // eslint-disable-next-line no-control-regex -- NUL is one of the characters RFC 4514 escapes
  let escaped = value.replace(/[\\,+"<>;=\u0000]/g, (c) => (c === '\u0000' ? '\\00' : `\\${c}`));
  if (escaped.startsWith('#') || escaped.startsWith(' ')) escaped = `\\${escaped}`;
  if (escaped.endsWith(' ') && !escaped.endsWith('\\ ')) escaped = `${escaped.slice(0, -1)}\\ `;
  return escaped;
}
