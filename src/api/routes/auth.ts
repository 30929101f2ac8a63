import { DeskError } from '../../services/errors';
import type { RoutePlugin } from '../type-provider';
import { errorResponses, idParams } from '../schemas/common';
import {
  newTokenBody,
  newTokenSchema,
  passwordChangeBody,
  passwordChangedSchema,
  sessionSchema,
  signedOut,
  signInBody,
  tokenListQuery,
  tokenSchema,
} from '../schemas/identity';

/** `/auth/*`: signing in and out, and one's API tokens (staff accounts are `/staff`, routes/staff.ts). */
export const authRoutes: RoutePlugin<object> = async (app) => {
  const { identity, sessionCookie } = app;

  app.post(
    '/auth/sign-in',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in with a login and password: a session cookie',
        description: 'Failed attempts are limited per account and per address (429 beyond the limit).',
        security: [],
        body: signInBody,
        response: { 200: sessionSchema, ...errorResponses(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const { sessionId, operator } = await identity.signIn(request.body.login, request.body.password, request.ip);
      await sessionCookie.signedIn(request, reply, sessionId);
      return { operator, csrfToken: reply.generateCsrf() };
    },
  );

  app.post(
    '/auth/sign-out',
    {
      schema: {
        tags: ['auth'],
        summary: 'End this session',
        security: [],
        response: { 200: signedOut },
      },
    },
    async (request, reply) => {
      const sessionId = request.cookies[sessionCookie.name];
      if (sessionId) await identity.signOut(sessionId);
      sessionCookie.clear(reply);
      return { signedOut: sessionId ? 1 : 0 };
    },
  );

  app.post(
    '/auth/sign-out-everywhere',
    {
      schema: {
        tags: ['auth'],
        summary: 'End every session of the caller, on every device',
        response: { 200: signedOut, ...errorResponses(401, 403) },
      },
    },
    async (request, reply) => {
      sessionCookie.clear(reply);
      return { signedOut: await identity.signOutEverywhere(request.operator!.id) };
    },
  );

  app.post(
    '/auth/password',
    {
      schema: {
        tags: ['auth'],
        summary: 'Change your password: the current one first; your other sessions end',
        description:
          'Only from a signed-in session (not with an API token or through a proxy). A wrong current password counts as a failed sign-in (429 beyond the limit).',
        body: passwordChangeBody,
        response: { 200: passwordChangedSchema, ...errorResponses(400, 401, 403, 429) },
      },
    },
    async (request) => {
      const sessionId = request.cookies[sessionCookie.name];
      if (request.credential?.kind !== 'session' || !sessionId)
        throw new DeskError(
          'NOT_PERMITTED',
          'a password is changed from a signed-in session (/sign-in.html), not with an API token or through a proxy',
        );
      return identity.changePassword(request.operator!, request.body, sessionId, request.ip);
    },
  );

  app.get(
    '/auth/session',
    {
      schema: {
        tags: ['auth'],
        summary: 'Who is signed in, and the CSRF token for their writes',
        response: { 200: sessionSchema, ...errorResponses(401) },
      },
    },
    async (request, reply) => ({ operator: request.operator!, csrfToken: reply.generateCsrf() }),
  );

  app.get(
    '/auth/tokens',
    {
      schema: {
        tags: ['auth'],
        summary: 'Your API tokens (an administrator may list anyone’s)',
        querystring: tokenListQuery,
        response: { 200: { type: 'array', items: tokenSchema }, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => identity.listTokens(request.operator!, request.query.operatorId),
  );

  app.post(
    '/auth/tokens',
    {
      schema: {
        tags: ['auth'],
        summary: 'Create an API token: shown once, stored only as a hash',
        body: newTokenBody,
        response: { 201: newTokenSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await identity.issueToken(request.operator!, request.body, { address: request.ip })),
  );

  app.delete(
    '/auth/tokens/:id',
    {
      schema: {
        tags: ['auth'],
        summary: 'Revoke an API token at once',
        params: idParams,
        response: { 200: tokenSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => identity.revokeToken(request.operator!, request.params.id, { address: request.ip }),
  );
};
