import type { Server } from 'node:http';

/** A person the test's provider knows: their login there is the subject. */
export interface ProviderAccount {
  email?: string;
  email_verified?: boolean;
}

/** What this test uses of oidc-provider, which ships no types of its own. */
interface OidcProviderModule {
  default: new (
    issuer: string,
    configuration: Record<string, unknown>,
  ) => { listen(port: number, host: string, listening: () => void): Server };
}

export const TEST_CLIENT = { id: 'desk', secret: 'desk-client-secret-0123456789' };

/**
 * A real OpenID Connect provider (panva's oidc-provider) on a loopback port, with one client,
 * the desk, and the accounts given. Its own development interactions are left on: a login form
 * (the login is the account; any password) and a consent form, which `browse` below fills in as
 * a person would. E-mail claims come from userinfo (the provider keeps the ID token to `sub`).
 */
export async function startOidcProvider(options: {
  port: number;
  redirectUri: string;
  accounts: Record<string, ProviderAccount>;
}) {
  const { default: Provider } = (await import('oidc-provider' as string)) as OidcProviderModule;
  const issuer = `http://127.0.0.1:${options.port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: TEST_CLIENT.id,
        client_secret: TEST_CLIENT.secret,
        redirect_uris: [options.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    cookies: { keys: ['test-provider-cookie-key'] },
    features: { devInteractions: { enabled: true } },
    async findAccount(_ctx: unknown, id: string) {
      const account = options.accounts[id];
      if (!account) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...account }) };
    },
  });
  // Its warnings about development-only settings are for real deployments.
  const server: Server = await new Promise((resolve) => {
    const listening = provider.listen(options.port, '127.0.0.1', () => resolve(listening));
  });
  return {
    issuer,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * A browser, as far as sign-in needs one: a cookie jar (cookies by name, as a browser keeps
 * them for one host whatever the port), redirects followed by hand so each hop can be seen.
 */
export function browser() {
  const jar = new Map<string, string>();
  const remember = (response: Response) => {
    for (const cookie of response.headers.getSetCookie()) {
      const [pair, ...attributes] = cookie.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at).trim();
      const value = pair!.slice(at + 1).trim();
      const expired = attributes.some((a) => /^\s*(max-age=0|expires=thu, 01 jan 1970)/i.test(a));
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
  };
  const cookieHeader = () => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');

  async function request(url: string, init: { method?: string; form?: Record<string, string> } = {}) {
    const response = await fetch(url, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: {
        cookie: cookieHeader(),
        ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: init.form ? new URLSearchParams(init.form).toString() : undefined,
    });
    remember(response);
    return response;
  }

  /**
   * Follows redirects from `url`, filling in the provider's login form (as `login`) and consent
   * form, until an answer that is not a redirect or a redirect to `stopAt` (left unfollowed).
   */
  async function signInAt(url: string, login: string, stopAt: string) {
    let response = await request(url);
    for (let hops = 0; hops < 20; hops++) {
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        const next = new URL(location, response.url || url).href;
        if (next.startsWith(stopAt)) return next;
        response = await request(next);
        continue;
      }
      const page = await response.text();
      const action = /<form[^>]*action="([^"]+)"[^>]*method="post"/.exec(page)?.[1];
      const prompt = /name="prompt" value="(\w+)"/.exec(page)?.[1];
      if (!action || !prompt) throw new Error(`the provider answered ${response.status}: ${page.slice(0, 500)}`);
      const target = new URL(action.replace(/&amp;/g, '&'), response.url).href;
      response = await request(target, {
        method: 'POST',
        form: prompt === 'login' ? { prompt, login, password: 'any' } : { prompt },
      });
    }
    throw new Error('too many redirects');
  }

  return { jar, request, signInAt, cookieHeader };
}
