import fastifyCookie from '@fastify/cookie';
import fastifyCsrfProtection from '@fastify/csrf-protection';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { levelNeeded, mayOnQueue, mayUse, missingQueueAccess, queueAccessOf, type Credential } from '../domain/access';
import { DeskError, notFound } from '../services/errors';
import type { IdentityService, OperatorIdentity } from '../services/identity-service';
import { accessKey, routeAccess } from './access-table';

declare module 'fastify' {
  interface FastifyRequest {
    /** The member of staff making the request, once the access hook has identified them. */
    operator?: OperatorIdentity;
    credential?: Credential;
  }
  interface FastifyInstance {
    /** Who is asking, for routes that sign in and out and for the test desk, which issues its staff tokens. */
    identity: IdentityService;
    sessionCookie: SessionCookieAtSignIn;
    /** The state of an OpenID Connect sign-in under way, held by the browser that started it. */
    ssoStateCookie: SessionCookie;
  }
}

export interface SessionCookie {
  name: string;
  set(reply: FastifyReply, sessionId: string): void;
  clear(reply: FastifyReply): void;
}

/** The session cookie at a sign-in: the session this browser had before, if any, ends with it. */
export interface SessionCookieAtSignIn extends SessionCookie {
  signedIn(request: FastifyRequest, reply: FastifyReply, sessionId: string): Promise<void>;
}

export interface AuthOptions {
  identity: IdentityService;
  /** Cookies get `Secure` (and the `__Host-` prefix, which requires it) when the desk is served over https. */
  secureCookies: boolean;
  /** Addresses of authenticating proxies whose identity header is believed; none by default. */
  trustedProxies: readonly string[];
  identityHeader: string;
  /** Where tickets and queues are, for the routes that need a level of queue access (the queue service). */
  places: QueuePlaces;
}

export interface QueuePlaces {
  placeOf(
    ticketId: number,
  ): Promise<{ queueId: number | null; queueCode: string | null; assigneeId: string | null } | undefined>;
  queueCode(queueId: number): Promise<string | undefined>;
}

/** As long as a sign-in at the provider may take (SSO_LOGIN_TTL_MS). */
const SSO_STATE_COOKIE_SECONDS = 600;

const METHODS_THAT_WRITE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * One hook decides every request from the access table (src/api/access-table.ts): it runs on
 * request, before the body is read, identifies the caller by bearer token, session cookie or a
 * trusted proxy's header, and refuses what the table does not allow. Cookie-authenticated writes
 * also need the CSRF token (`x-csrf-token`, from `GET /auth/session`).
 */
const auth: FastifyPluginAsync<AuthOptions> = async (app, options) => {
  const { identity } = options;
  const name = options.secureCookies ? '__Host-desk-session' : 'desk-session';
  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'lax', secure: options.secureCookies } as const;
  await app.register(fastifyCookie);
  await app.register(fastifyCsrfProtection, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: options.secureCookies ? '__Host-desk-csrf' : 'desk-csrf',
    cookieOpts: cookieOptions,
  });

  app.decorate('identity', identity);
  const setSession = (reply: FastifyReply, sessionId: string) => void reply.setCookie(name, sessionId, cookieOptions);
  app.decorate('sessionCookie', {
    name,
    set: setSession,
    clear: (reply) => void reply.clearCookie(name, cookieOptions),
    async signedIn(request, reply, sessionId) {
      const before = request.cookies[name];
      if (before && before !== sessionId) await identity.signOut(before);
      setSession(reply, sessionId);
    },
  } satisfies SessionCookieAtSignIn);
  // SameSite=Lax: the provider's redirect back is a top-level GET from another site, which Lax lets carry it.
  const stateName = options.secureCookies ? '__Host-desk-sso-state' : 'desk-sso-state';
  app.decorate('ssoStateCookie', {
    name: stateName,
    set: (reply, state) =>
      void reply.setCookie(stateName, state, { ...cookieOptions, maxAge: SSO_STATE_COOKIE_SECONDS }),
    clear: (reply) => void reply.clearCookie(stateName, cookieOptions),
  } satisfies SessionCookie);
  app.decorateRequest('operator', undefined);
  app.decorateRequest('credential', undefined);

  app.addHook('onRoute', (route) => {
    const methods = [route.method].flat().filter((method) => method !== 'HEAD' && method !== 'OPTIONS');
    for (const method of methods)
      if (!routeAccess[accessKey(method, route.url)])
        throw new Error(`route ${method} ${route.url} has no entry in src/api/access-table.ts: say who may call it`);
    // The OpenAPI document says so of a public route: it needs no credential (the document's default asks for one).
    const entries = methods.map((method) => routeAccess[accessKey(method, route.url)]!);
    if (route.schema && entries.length > 0 && entries.every((entry) => 'public' in entry)) route.schema.security = [];
  });

  /** `tokenOnly`: a cookie (or proxy) is not enough, e.g. where a page sends the request as the client. */
  async function identify(
    request: FastifyRequest,
    tokenOnly = false,
  ): Promise<{ operator: OperatorIdentity; credential: Credential } | 'none'> {
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const bearer = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
      const found = bearer ? await identity.fromToken(bearer) : undefined;
      if (!found) throw new DeskError('NOT_SIGNED_IN', 'the API token is wrong, expired or revoked');
      return { operator: found.operator, credential: { kind: 'token', scopes: found.scopes } };
    }
    if (tokenOnly) return 'none';
    const sessionId = request.cookies[name];
    if (sessionId) {
      const operator = await identity.fromSession(sessionId);
      if (!operator) throw new DeskError('NOT_SIGNED_IN', 'the session has ended; sign in again');
      return { operator, credential: { kind: 'session' } };
    }
    const proxied = request.headers[options.identityHeader];
    if (typeof proxied === 'string' && options.trustedProxies.includes(request.socket.remoteAddress ?? '')) {
      const operator = await identity.fromTrustedLogin(proxied);
      if (!operator) throw new DeskError('NOT_SIGNED_IN', `the proxy names ${proxied}, who is not enabled staff`);
      return { operator, credential: { kind: 'session' } };
    }
    return 'none';
  }

  app.addHook('onRequest', async (request) => {
    const url = request.routeOptions.url;
    if (url === undefined) return; // no such route: the not-found handler answers
    const access = routeAccess[accessKey(request.method, url)];
    if (!access) throw new Error(`route ${request.method} ${url} has no access entry`);
    if ('public' in access) {
      // A public route that acts for staff when they show a token; a stale token is no reason to refuse
      // there (the caller is then anonymous), and a staff member's cookie does not turn the client's
      // survey page into a staff request.
      const caller = access.identifies ? await identify(request, true).catch(() => 'none' as const) : 'none';
      if (caller !== 'none') Object.assign(request, caller);
      return;
    }
    const caller = await identify(request);
    if (caller === 'none')
      throw new DeskError(
        'NOT_SIGNED_IN',
        'sign in (POST /auth/sign-in) or send an API token: Authorization: Bearer sd_…',
      );
    const decision = mayUse(caller.operator, caller.credential, access.capability);
    if (!decision.ok) throw new DeskError('NOT_PERMITTED', decision.reason);
    Object.assign(request, caller);
  });

  // The queue access a route needs (the table's `queue` or `ticketQueue`), once `:id` is validated.
  // A ticket the caller may not even overview gets the answer of a ticket that does not exist.
  app.addHook('preHandler', async (request) => {
    const access = routeAccess[accessKey(request.method, request.routeOptions.url ?? '')];
    if (!access || 'public' in access || !request.operator) return;
    if (access.queue === undefined && access.ticketQueue === undefined) return;
    const { operator } = request;
    const id = (request.params as { id: number }).id;
    const held = queueAccessOf(operator);
    if (access.queue !== undefined) {
      const code = await options.places.queueCode(id);
      if (code === undefined) throw notFound(`queue ${id}`);
      if (!mayOnQueue(held, id, access.queue))
        throw new DeskError('NO_QUEUE_ACCESS', missingQueueAccess(operator.id, held, { id, code }, access.queue));
    }
    if (access.ticketQueue !== undefined) {
      const place = await options.places.placeOf(id);
      if (!place) throw notFound(`ticket ${id}`);
      // Not in a queue yet (registering): blind to all staff as before, and the workflow refuses every action.
      if (place.queueId === null) return;
      if (place.assigneeId !== operator.id && !mayOnQueue(held, place.queueId, 'overview'))
        throw notFound(`ticket ${id}`);
      const needed = levelNeeded(access.ticketQueue, operator.id, place);
      if (!mayOnQueue(held, place.queueId, needed))
        throw new DeskError(
          'NO_QUEUE_ACCESS',
          missingQueueAccess(operator.id, held, { id: place.queueId, code: place.queueCode ?? undefined }, needed),
        );
    }
  });

  // A browser sends the cookie (or passes the proxy) with any request a page elsewhere makes: a write
  // made with a session needs the CSRF token too. A bearer token is never sent by the browser on its own.
  app.addHook('onRequest', (request, reply, done) => {
    if (request.credential?.kind === 'session' && METHODS_THAT_WRITE.has(request.method))
      app.csrfProtection(request, reply, done);
    else done();
  });
};

export const authPlugin = fp(auth, { name: 'auth' });
