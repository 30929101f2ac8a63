import { afterAll, beforeAll, expect, it } from 'vitest';
import { accessKey, routeAccess } from '../src/api/access-table';
import { startTestDesk } from './support/desk';

let desk: Awaited<ReturnType<typeof startTestDesk>>;
beforeAll(async () => {
  desk = await startTestDesk();
});
afterAll(async () => desk?.stop());

/** What a client generated from the OpenAPI document sends: a credential where the desk asks for one, none where it does not. */
it('declares no credential on the public routes and the document’s default (a token or a session) on every other', async () => {
  const document = JSON.parse((await desk.app.inject({ method: 'GET', url: '/docs/json' })).body) as {
    security: unknown[];
    paths: Record<string, Record<string, { security?: unknown[] }>>;
  };
  expect(document.security).toEqual([{ bearerToken: [] }, { sessionCookie: [] }]);
  const wrong: string[] = [];
  let publicRoutes = 0;
  for (const [path, operations] of Object.entries(document.paths))
    for (const [method, operation] of Object.entries(operations)) {
      const entry = routeAccess[accessKey(method.toUpperCase(), path.replace(/\{(\w+)\}/g, ':$1'))];
      if (!entry) {
        wrong.push(`${method} ${path}: not in the access table`);
        continue;
      }
      const isPublic = 'public' in entry;
      publicRoutes += Number(isPublic);
      const declaresNone = Array.isArray(operation.security) && operation.security.length === 0;
      if (isPublic !== declaresNone)
        wrong.push(
          `${method} ${path}: ${isPublic ? 'public, but asks for a credential' : 'needs a credential, declares none'}`,
        );
    }
  expect(wrong).toEqual([]);
  expect(publicRoutes).toBeGreaterThan(10);
});
