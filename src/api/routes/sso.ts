import type { LdapSignIn } from '../../services/ldap-sign-in';
import type { OidcSignIn } from '../../services/oidc-sign-in';
import type { RoutePlugin } from '../type-provider';
import { errorResponses } from '../schemas/common';
import {
  ldapSignInBody,
  oidcCallbackQuery,
  oidcStartQuery,
  sessionSchema,
  signInMethodsSchema,
} from '../schemas/identity';

/**
 * `/auth/methods`, `/auth/oidc/*`, `/auth/ldap/*`: single sign-on, each method only when it is
 * configured. Whichever vouched for the person, they get the desk's own session (routes/auth.ts).
 */
export const ssoRoutes: RoutePlugin<{ oidc?: OidcSignIn; ldap?: LdapSignIn }> = async (app, { oidc, ldap }) => {
  const { sessionCookie, ssoStateCookie } = app;

  app.get(
    '/auth/methods',
    {
      schema: {
        tags: ['auth'],
        summary: 'How staff may sign in here: the sign-in page shows only these',
        security: [],
        response: { 200: signInMethodsSchema },
      },
    },
    async () => ({
      password: true,
      oidc: oidc ? { name: oidc.providerName, start: '/auth/oidc/start' } : null,
      ldap: ldap ? { name: ldap.name, signIn: '/auth/ldap/sign-in' } : null,
    }),
  );

  if (oidc) {
    app.get(
      '/auth/oidc/start',
      {
        schema: {
          tags: ['auth'],
          summary: 'Sign in at the OpenID Connect provider: a redirect there',
          description:
            'Opened in the browser. The state travels in a short-lived cookie and is kept server-side with the nonce and the PKCE verifier.',
          security: [],
          querystring: oidcStartQuery,
          response: { 302: { type: 'null' }, ...errorResponses(400, 503) },
        },
      },
      async (request, reply) => {
        const { url, state } = await oidc.start(request.query.next);
        ssoStateCookie.set(reply, state);
        return reply.redirect(url, 302);
      },
    );

    app.get(
      '/auth/oidc/callback',
      {
        schema: {
          tags: ['auth'],
          summary: 'Where the provider sends the person back: a session cookie, then the page they asked for',
          description:
            'A state that is missing, another browser’s, used already or expired gets 400 SSO_STATE_INVALID; a person the desk does not let in (no verified e-mail of an enabled staff account) 403 SSO_NOT_LINKED.',
          security: [],
          querystring: oidcCallbackQuery,
          response: { 303: { type: 'null' }, ...errorResponses(400, 401, 403, 503) },
        },
      },
      async (request, reply) => {
        const stateCookie = request.cookies[ssoStateCookie.name];
        // The cookie is spent whatever happens: the state it holds works once.
        ssoStateCookie.clear(reply);
        const { sessionId, next } = await oidc.finish(request.query as Record<string, string>, stateCookie, request.ip);
        await sessionCookie.signedIn(request, reply, sessionId);
        return reply.redirect(next, 303);
      },
    );
  }

  if (ldap) {
    app.post(
      '/auth/ldap/sign-in',
      {
        schema: {
          tags: ['auth'],
          summary: 'Sign in with the directory’s (LDAP/AD) username and password: a session cookie',
          description:
            'Failed attempts are limited per account and per address like password sign-ins (429 beyond the limit); 503 when the directory does not answer.',
          security: [],
          body: ldapSignInBody,
          response: { 200: sessionSchema, ...errorResponses(400, 401, 403, 429, 503) },
        },
      },
      async (request, reply) => {
        const { sessionId, operator } = await ldap.signIn(request.body.login, request.body.password, request.ip);
        await sessionCookie.signedIn(request, reply, sessionId);
        return { operator, csrfToken: reply.generateCsrf() };
      },
    );
  }
};
