import { createHash, timingSafeEqual } from 'node:crypto';
import type { Configuration, IDToken } from 'openid-client' with { 'resolution-mode': 'import' };
import type { Logger } from 'pino';
import type { Database } from '../db/client';
import { returnPath } from '../domain/sign-on';
import { recordAudit } from '../repositories/audit-log';
import * as sso from '../repositories/sso';
import { findOperator } from '../repositories/staff';
import { DeskError } from './errors';
import type { IdentityService } from './identity-service';

export interface OidcOptions {
  /** The provider's issuer URL (OIDC_ISSUER): its discovery document is read from there. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Where the provider sends people back: PUBLIC_URL/auth/oidc/callback, registered at the provider. */
  redirectUri: string;
  /** Space-separated; `openid` and `email` among them. */
  scopes: string;
  /** "Sign in with <providerName>". */
  providerName: string;
  /**
   * The boolean claim that says the provider verified the e-mail: `email_verified` (OpenID
   * Connect's); Entra ID sends none for work accounts and offers `xms_edov` (the tenant owns the domain).
   */
  emailVerifiedClaim?: string;
}

/** How long a person has at the provider between leaving the desk and coming back. */
export const SSO_LOGIN_TTL_MS = 10 * 60_000;
/** The provider's discovery, token and userinfo requests wait this long (openid-client counts seconds). */
const PROVIDER_TIMEOUT_SECONDS = 10;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const sameText = (a: string, b: string) => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

const isLoopbackIssuer = (issuer: string) => {
  const { protocol, hostname } = new URL(issuer);
  return protocol === 'http:' && (hostname === 'localhost' || hostname === '[::1]' || hostname.startsWith('127.'));
};

/**
 * Staff sign in at an OpenID Connect provider (Keycloak, Entra ID, …) with the authorization
 * code flow, PKCE (S256), state and nonce. State, nonce and verifier are kept server-side
 * (sso_logins) and the state also in a cookie of the browser that started, so a callback with
 * another browser's state, or the same state twice, is refused. A person is let in only as an
 * enabled staff account: the one linked to their subject at this issuer, or, the first time, the
 * one whose e-mail the provider says it verified (`email_verified: true`). Nothing is created.
 */
export function createOidcSignIn({
  db,
  identity,
  options,
  logger,
}: {
  db: Database;
  identity: IdentityService;
  options: OidcOptions;
  logger: Logger;
}) {
  // Discovered at the first sign-in, not at start-up: a provider away then does not stop the desk.
  let configuration: Promise<Configuration> | undefined;
  const library = () => import('openid-client');
  const verifiedClaim = options.emailVerifiedClaim ?? 'email_verified';

  const unavailable = (error: unknown) => {
    logger.warn({ err: error, issuer: options.issuer }, 'the OpenID provider does not answer');
    return new DeskError(
      'SSO_UNAVAILABLE',
      `${options.providerName} does not answer; retry later or sign in with a password`,
    );
  };

  async function provider(): Promise<Configuration> {
    configuration ??= (async () => {
      const oidc = await library();
      return oidc.discovery(new URL(options.issuer), options.clientId, options.clientSecret, undefined, {
        // Plain http only for a provider on this machine (config.ts refuses it elsewhere).
        execute: isLoopbackIssuer(options.issuer) ? [oidc.allowInsecureRequests] : [],
        timeout: PROVIDER_TIMEOUT_SECONDS,
      });
    })();
    try {
      return await configuration;
    } catch (error) {
      configuration = undefined;
      throw unavailable(error);
    }
  }

  /** The provider's sign-in page for a new attempt, and the state the browser keeps in a cookie. */
  async function start(next: string | undefined): Promise<{ url: string; state: string }> {
    const config = await provider();
    const oidc = await library();
    await sso.sweepSsoLogins(db, SSO_LOGIN_TTL_MS);
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    await sso.insertSsoLogin(db, sha256(state), { nonce, codeVerifier, next: returnPath(next) });
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: options.redirectUri,
      scope: options.scopes,
      state,
      nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url: url.href, state };
  }

  const refuse = async (reason: string, target: string, address: string, message: string) => {
    await identity.recordFailedSignIn(target, reason, 'oidc', address);
    return new DeskError('SSO_NOT_LINKED', message);
  };

  /** The enabled staff account this person is, by their link or (the first time) their verified e-mail. */
  async function accountOf(issuer: string, claims: Claims, address: string): Promise<string> {
    const target = claims.email ?? `${issuer} ${claims.sub}`;
    const linked = await sso.linkedOperator(db, issuer, claims.sub);
    if (linked) {
      const operator = await findOperator(db, linked);
      if (!operator || operator.disabled)
        throw await refuse('account disabled', linked, address, `the staff account ${linked} is disabled`);
      return linked;
    }
    if (!claims.email)
      throw await refuse(
        'no e-mail',
        target,
        address,
        `${options.providerName} sent no e-mail address: the desk links accounts by e-mail (scope email)`,
      );
    if (claims.emailVerified !== true)
      throw await refuse(
        'e-mail not verified',
        target,
        address,
        `${options.providerName} has not verified the e-mail ${claims.email}: the desk links a staff account only on a verified e-mail`,
      );
    const accounts = await sso.accountsWithEmail(db, claims.email);
    if (accounts.length === 0)
      throw await refuse(
        'no staff account with this e-mail',
        target,
        address,
        `no staff account has the e-mail ${claims.email}; an administrator gives it to your account first`,
      );
    if (accounts.length > 1)
      throw await refuse(
        'several staff accounts with this e-mail',
        target,
        address,
        `several staff accounts have the e-mail ${claims.email}; an administrator leaves it on one of them`,
      );
    const account = accounts[0]!;
    if (account.disabled)
      throw await refuse('account disabled', account.id, address, `the staff account ${account.id} is disabled`);
    // The account's link at this issuer is to another subject: a reused address is not the same person.
    if (
      (await sso.isLinkedAt(db, issuer, account.id)) ||
      !(await sso.insertLink(db, { issuer, subject: claims.sub, operatorId: account.id, email: claims.email }))
    ) {
      if ((await sso.linkedOperator(db, issuer, claims.sub)) === account.id) return account.id;
      throw await refuse(
        'account linked to another identity',
        account.id,
        address,
        `the staff account ${account.id} is linked to another ${options.providerName} identity`,
      );
    }
    await recordAudit(db, {
      actorId: account.id,
      action: 'sso_linked',
      target: account.id,
      details: { method: 'oidc', issuer, subject: claims.sub, email: claims.email },
      address,
    });
    return account.id;
  }

  /**
   * The provider sent the person back (`query`: the callback's parameters; `stateCookie`: the
   * state this browser was given at start). A session for their staff account, and where to go.
   */
  async function finish(query: Record<string, string>, stateCookie: string | undefined, address: string) {
    const state = query.state;
    if (!state)
      throw new DeskError(
        'SSO_STATE_INVALID',
        'the callback has no state; start the sign-in again at /auth/oidc/start',
      );
    if (!stateCookie || !sameText(state, stateCookie))
      throw new DeskError(
        'SSO_STATE_INVALID',
        'this sign-in was not started in this browser (its state is not the one in the cookie); start again at /auth/oidc/start',
      );
    const pending = await sso.takeSsoLogin(db, sha256(state));
    if (!pending || Date.now() - pending.createdAt.getTime() > SSO_LOGIN_TTL_MS)
      throw new DeskError(
        'SSO_STATE_INVALID',
        'this sign-in’s state was used already or has expired; start again at /auth/oidc/start',
      );
    const config = await provider();
    const oidc = await library();
    const callbackUrl = new URL(options.redirectUri);
    callbackUrl.search = new URLSearchParams(query).toString();
    let claims: Claims;
    try {
      const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      const idToken = tokens.claims()!;
      claims = claimsOf(idToken, verifiedClaim);
      // Providers that keep the e-mail out of the ID token (it is in their userinfo) are asked there.
      if (claims.email === undefined || claims.emailVerified === undefined) {
        const info = await oidc.fetchUserInfo(config, tokens.access_token, idToken.sub);
        claims = { ...claimsOf(info, verifiedClaim), ...definedOf(claims) };
      }
    } catch (error) {
      if (error instanceof DeskError) throw error;
      if (isNetworkError(error)) throw unavailable(error);
      const reason = providerReason(error);
      await identity.recordFailedSignIn(options.issuer, reason, 'oidc', address);
      throw new DeskError('SSO_FAILED', `${options.providerName} did not sign you in: ${reason}`);
    }
    const issuer = config.serverMetadata().issuer;
    const operatorId = await accountOf(issuer, claims, address);
    const session = await identity.startSession(operatorId, address, 'oidc', { issuer });
    return { ...session, next: pending.next };
  }

  return { providerName: options.providerName, start, finish };
}

export type OidcSignIn = ReturnType<typeof createOidcSignIn>;

interface Claims {
  sub: string;
  email?: string;
  emailVerified?: boolean;
}

function claimsOf(source: IDToken | { sub: string; email?: unknown }, verifiedClaim: string): Claims {
  const verified = (source as Record<string, unknown>)[verifiedClaim];
  return {
    sub: source.sub,
    email: typeof source.email === 'string' && source.email ? source.email : undefined,
    // Only the boolean true is a verification (not "true", not a missing claim).
    emailVerified: verified === undefined ? undefined : verified === true,
  };
}

const definedOf = (claims: Claims): Partial<Claims> =>
  Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined));

/** openid-client's message, with the provider's own error code and description when it sent one. */
function providerReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { error: code, error_description: description } = error as { error?: unknown; error_description?: unknown };
  if (typeof code !== 'string') return error.message;
  return `${error.message} (${code}${typeof description === 'string' && description ? `: ${description}` : ''})`;
}

/** fetch's failures (refused, reset, timed out), not an answer of the provider's. */
function isNetworkError(error: unknown): boolean {
  for (
    let cause = error as { name?: string; cause?: unknown } | undefined;
    cause;
    cause = cause.cause as typeof cause
  ) {
    if (cause.name === 'TimeoutError' || cause.name === 'AbortError') return true;
    if (cause instanceof TypeError && /fetch failed/i.test(cause.message)) return true;
  }
  return false;
}
