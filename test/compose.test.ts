import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * docker-compose.yml cannot be run here (no Docker engine), so this test holds it to what the
 * app and Temporal need: services wired to each other by name, matching credentials, the
 * ports each one listens on, and every setting the app cannot do without.
 */

const ROOT = path.resolve(__dirname, '..');
const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');
const CONFIG_FILE = path.join(ROOT, 'src/config.ts');

interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | number | { target: number | string; published?: number | string })[];
  expose?: (string | number)[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  command?: string | string[];
  entrypoint?: string | string[];
  healthcheck?: { test?: string | string[] };
  volumes?: (string | { source?: string; target?: string })[];
}
interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

/**
 * Compose's variable interpolation (`${NAME}`, `${NAME:?error}`, `${NAME:-default}`), as
 * `docker compose config` applies it with a `.env` beside the file; `$$` is left for the helpers
 * below to unescape. A required variable that is unset or empty throws, as compose refuses to start.
 */
function interpolate(text: string, vars: Record<string, string>): string {
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([?-])([^}]*))?\}/g, (whole, name, colon, op, arg) => {
    if (whole === '$$') return whole;
    const value = vars[name as string];
    const missing = value === undefined || (colon === ':' && value === '');
    if (op === '?' && missing) throw new Error(`required variable ${name} is missing a value: ${arg}`);
    if (op === '-' && missing) return arg as string;
    return value ?? '';
  });
}

/** Values a user puts in .env (see .env.example). */
const dotEnv = {
  POSTGRES_PASSWORD: 'pg0secret',
  DESK_DB_PASSWORD: 'desk0secret',
  TEMPORAL_DB_PASSWORD: 'temporal0secret',
};
const composeText = readFileSync(COMPOSE_FILE, 'utf8');
const compose = parse(interpolate(composeText, dotEnv)) as Compose;
const services = compose.services ?? {};

function service(name: string): Service {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

/** A service's environment as a map, from either the list or the map form; `$$` unescaped. */
function env(name: string): Record<string, string> {
  const raw = service(name).environment ?? {};
  const entries: [string, string][] = Array.isArray(raw)
    ? raw.map((line) => {
        const at = line.indexOf('=');
        return at < 0 ? [line, ''] : [line.slice(0, at), line.slice(at + 1)];
      })
    : Object.entries(raw).map(([key, value]) => [key, value === null ? '' : String(value)]);
  return Object.fromEntries(entries.map(([key, value]) => [key, value.replace(/\$\$/g, '$')]));
}

/** `{ published, target }` container ports of a service, from short or long syntax, with the host address if one is given. */
function ports(name: string): { published?: number; target: number; host?: string }[] {
  return (service(name).ports ?? []).map((port) => {
    if (typeof port === 'object') {
      return {
        target: Number(port.target),
        published: port.published === undefined ? undefined : Number(port.published),
        ...((port as { host_ip?: string }).host_ip ? { host: (port as { host_ip?: string }).host_ip } : {}),
      };
    }
    const parts = String(port)
      .replace(/\/(tcp|udp)$/, '')
      .split(':');
    const target = Number(parts[parts.length - 1]);
    if (parts.length === 1) return { target };
    const published = Number(parts[parts.length - 2]);
    return parts.length > 2 ? { target, published, host: parts.slice(0, -2).join(':') } : { target, published };
  });
}

/** Container ports a service offers to the others: published, or only exposed. */
function containerPorts(name: string): number[] {
  return [
    ...ports(name).map((p) => p.target),
    ...(service(name).expose ?? []).map((p) => Number(String(p).split('/')[0])),
  ];
}

function dependsOn(name: string): Record<string, string> {
  const raw = service(name).depends_on ?? [];
  return Array.isArray(raw)
    ? Object.fromEntries(raw.map((dep) => [dep, 'service_started']))
    : Object.fromEntries(Object.entries(raw).map(([dep, spec]) => [dep, spec?.condition ?? 'service_started']));
}

/** A command or entrypoint as one string, `$$` unescaped. */
function scriptOf(name: string): string {
  const s = service(name);
  const parts = [s.entrypoint, s.command].flatMap((part) =>
    part === undefined ? [] : Array.isArray(part) ? part : [part],
  );
  return parts.join(' ').replace(/\$\$/g, '$');
}

function hostPort(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at), port: Number(address.slice(at + 1)) };
}

const appEnv = () => env('api');
const pg = () => env('postgres');

describe('docker-compose.yml', () => {
  it('has the services postgres, temporal, temporal-ui, mailpit and app', () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining(['postgres', 'temporal', 'temporal-ui', 'mailpit', 'api', 'worker']),
    );
  });

  it('runs postgres 16 on a named volume with a pg_isready health check', () => {
    const postgres = service('postgres');
    expect(postgres.image).toMatch(/^postgres:16(\b|$)/);
    const volume = (postgres.volumes ?? []).map((v) => (typeof v === 'string' ? v.split(':')[0] : v.source))[0];
    expect(volume, 'a named volume for the data').toBeTruthy();
    expect(Object.keys(compose.volumes ?? {})).toContain(volume);
    expect([postgres.healthcheck?.test ?? []].flat().join(' ')).toContain('pg_isready');
    expect(pg().POSTGRES_PASSWORD).toBe(dotEnv.POSTGRES_PASSWORD);
  });

  it("creates the desk's and Temporal's own roles on a new volume, from .env's passwords", () => {
    const mounts = (service('postgres').volumes ?? []).map((v) =>
      typeof v === 'string' ? v : `${v.source}:${v.target}`,
    );
    expect(mounts).toContain('./docker/postgres/init-roles.sh:/docker-entrypoint-initdb.d/10-init-roles.sh:ro');
    expect(mounts).toContain('./docker/postgres/init-roles.sql:/desk-init/init-roles.sql:ro');
    expect(pg()).toMatchObject({
      DESK_DB_PASSWORD: dotEnv.DESK_DB_PASSWORD,
      TEMPORAL_DB_PASSWORD: dotEnv.TEMPORAL_DB_PASSWORD,
    });
    const script = readFileSync(path.join(ROOT, 'docker/postgres/init-roles.sh'), 'utf8');
    expect(script).toContain('-v desk_user=desk -v desk_database=servicedesk -v desk_password="$DESK_DB_PASSWORD"');
    expect(script).toContain('-v temporal_user=temporal -v temporal_password="$TEMPORAL_DB_PASSWORD"');
    expect(script).toContain('-f /desk-init/init-roles.sql');
  });

  it('builds the app from this directory and publishes port 3000', () => {
    const app = service('api');
    const context = typeof app.build === 'string' ? app.build : app.build?.context;
    expect(path.resolve(ROOT, context ?? '')).toBe(ROOT);
    expect(ports('api')).toContainEqual({ published: 3000, target: 3000 });
    expect(ports('api')[0]!.host, 'the desk is what users reach: every interface').toBeUndefined();
    expect(Number(appEnv().PORT)).toBe(3000);
    expect(appEnv().HOST, 'listen on every interface inside the container').toBe('0.0.0.0');
  });

  it('starts the app after a healthy postgres and a running temporal', () => {
    const deps = dependsOn('api');
    expect(deps.postgres).toBe('service_healthy');
    expect(Object.keys(deps)).toContain('temporal');
  });

  it('gives the app DATABASE_URL, TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, HOST and PORT', () => {
    for (const key of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'HOST', 'PORT']) {
      expect(appEnv()[key], key).toBeTruthy();
    }
  });

  it("points DATABASE_URL at the postgres service as the desk's own role (not the superuser) and database", () => {
    const url = new URL(appEnv().DATABASE_URL!);
    expect(url.protocol).toMatch(/^postgres(ql)?:$/);
    expect(url.hostname).toBe('postgres');
    expect(url.port || '5432').toBe('5432');
    expect(decodeURIComponent(url.username)).toBe('desk');
    expect(decodeURIComponent(url.username)).not.toBe(pg().POSTGRES_USER);
    expect(decodeURIComponent(url.password)).toBe(dotEnv.DESK_DB_PASSWORD);
    expect(url.pathname.slice(1)).toBe('servicedesk');
  });

  it('points TEMPORAL_ADDRESS at the temporal service on the port its frontend listens on (7233)', () => {
    const { host, port } = hostPort(appEnv().TEMPORAL_ADDRESS!);
    expect(host).toBe('temporal');
    expect(port).toBe(7233);
    const frontendPort = Number(env('temporal').FRONTEND_GRPC_PORT ?? 7233);
    expect(frontendPort).toBe(port);
    expect(containerPorts('temporal')).toContain(port);
  });

  it('runs Temporal 1.29 as temporalio/server, not the deprecated auto-setup image', () => {
    expect(service('temporal').image).toMatch(/^temporalio\/server:1\.29\./);
    for (const [name, s] of Object.entries(services)) expect(s.image ?? '', name).not.toMatch(/auto-setup/);
  });

  it("keeps Temporal's data in the postgres service", () => {
    const t = env('temporal');
    expect(t.DB).toMatch(/^postgres12(_pgx)?$/);
    expect(t.POSTGRES_SEEDS).toBe('postgres');
    expect(Number(t.DB_PORT ?? 5432)).toBe(5432);
    expect(t.POSTGRES_USER).toBe('temporal');
    expect(t.POSTGRES_PWD).toBe(dotEnv.TEMPORAL_DB_PASSWORD);
    expect(dependsOn('temporal').postgres).toBe('service_healthy');
  });

  it("creates Temporal's schema in that postgres before the server starts", () => {
    const schemaService = Object.entries(dependsOn('temporal')).find(
      ([dep, condition]) =>
        condition === 'service_completed_successfully' && scriptOf(dep).includes('temporal-sql-tool'),
    )?.[0];
    expect(schemaService, 'temporal depends on a completed temporal-sql-tool run').toBeDefined();
    const script = scriptOf(schemaService!);
    expect(service(schemaService!).image).toMatch(/^temporalio\/admin-tools:1\.29\./);
    expect(script).toMatch(/--ep postgres\b/);
    expect(script).toContain('-u temporal ');
    expect(env(schemaService!).SQL_PASSWORD).toBe(dotEnv.TEMPORAL_DB_PASSWORD);
    const t = env('temporal');
    for (const db of [t.DBNAME ?? 'temporal', t.VISIBILITY_DBNAME ?? 'temporal_visibility']) {
      expect(script, `schema of ${db}`).toMatch(new RegExp(`--db ${db} setup-schema`));
      expect(script, `schema update of ${db}`).toMatch(new RegExp(`--db ${db} update-schema`));
    }
  });

  it("registers the app's namespace before the app starts", () => {
    const namespace = appEnv().TEMPORAL_NAMESPACE!;
    const registrar = Object.keys(dependsOn('api')).find((dep) => scriptOf(dep).includes('namespace create'));
    expect(registrar, 'app depends on a service that creates the namespace').toBeDefined();
    expect(dependsOn('api')[registrar!]).toBe('service_completed_successfully');
    expect(env(registrar!).TEMPORAL_NAMESPACE).toBe(namespace);
    expect(env(registrar!).TEMPORAL_ADDRESS).toBe(appEnv().TEMPORAL_ADDRESS);
  });

  it('points temporal-ui at temporal:7233, read-only, on 127.0.0.1:8080', () => {
    expect(service('temporal-ui').image).toMatch(/^temporalio\/ui(:|$)/);
    expect(env('temporal-ui').TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(env('temporal-ui').TEMPORAL_DISABLE_WRITE_ACTIONS).toBe('true');
    expect(ports('temporal-ui')).toContainEqual({ published: 8080, target: 8080, host: '127.0.0.1' });
  });

  it('publishes only the desk on every interface: the Temporal frontend, its UI and Mailpit on loopback', () => {
    for (const name of Object.keys(services)) {
      if (name === 'api') continue;
      for (const port of ports(name)) expect(port.host, `${name}:${port.published}`).toBe('127.0.0.1');
    }
    expect(ports('temporal')).toEqual([{ published: 7233, target: 7233, host: '127.0.0.1' }]);
  });

  it('hard-codes no secret: compose refuses to start until .env gives every password', () => {
    const required = [...composeText.matchAll(/\$\{([A-Z_]+):\?/g)].map((m) => m[1]!);
    expect(new Set(required)).toEqual(new Set(Object.keys(dotEnv)));
    for (const name of Object.keys(dotEnv)) {
      expect(() => interpolate(composeText, { ...dotEnv, [name]: '' }), name).toThrow(`required variable ${name}`);
    }
    expect(composeText).not.toMatch(/PASSWORD: (?!\$\{)/);
    expect(composeText).not.toMatch(/PWD: (?!\$\{)/);
    expect(composeText).not.toMatch(/postgres:\/\/[^:]+:(?!\$\{)[^@]+@/);
    // .env.example names each variable with an empty value: copied as it is, compose still refuses.
    const example = readFileSync(path.join(ROOT, '.env.example'), 'utf8');
    const given = Object.fromEntries([...example.matchAll(/^([A-Z_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
    expect(given).toEqual(Object.fromEntries(Object.keys(dotEnv).map((name) => [name, ''])));
    expect(() => interpolate(composeText, given)).toThrow(/required variable/);
  });

  it("sends the app's e-mail to mailpit, whose UI is on 8025", () => {
    expect(service('mailpit').image).toMatch(/^axllent\/mailpit(:|$)/);
    const smtp = new URL(appEnv().SMTP_URL!);
    expect(smtp.protocol).toBe('smtp:');
    expect(smtp.hostname).toBe('mailpit');
    expect(Number(smtp.port)).toBe(1025);
    expect(ports('mailpit')).toContainEqual({ published: 8025, target: 8025, host: '127.0.0.1' });
  });

  it('runs the API and the workers as separate services of the same image, by role', () => {
    expect(scriptOf('api')).toMatch(/src\/main\.ts --role api$/);
    expect(scriptOf('worker')).toMatch(/src\/main\.ts --role worker$/);
    expect(service('worker').build).toEqual(service('api').build);
  });

  it('lets `docker compose up --scale worker=3` run: the worker has no published port and no fixed name', () => {
    expect(ports('worker').filter((port) => port.published !== undefined)).toEqual([]);
    expect((service('worker') as { container_name?: string }).container_name).toBeUndefined();
    expect((service('api') as { container_name?: string }).container_name).toBeUndefined();
  });

  it('gives the workers what the API has (the same servers, public URL for links, SMTP) and the same start order', () => {
    expect(env('worker')).toEqual(appEnv());
    expect(dependsOn('worker')).toEqual(dependsOn('api'));
  });

  it('checks the API and each worker on /health/ready, which asks the database, Temporal and the worker', () => {
    for (const name of ['api', 'worker']) {
      const probe = [service(name).healthcheck?.test ?? []].flat().join(' ');
      expect(probe, name).toContain(`http://127.0.0.1:${appEnv().PORT}/health/ready`);
    }
  });

  it('depends only on services that exist', () => {
    for (const name of Object.keys(services)) {
      for (const dep of Object.keys(dependsOn(name))) expect(Object.keys(services), `${name} → ${dep}`).toContain(dep);
    }
  });
});

describe('Dockerfile and .dockerignore', () => {
  const dockerfile = path.join(ROOT, 'Dockerfile');
  const text = existsSync(dockerfile) ? readFileSync(dockerfile, 'utf8') : '';
  const instructions = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const args = (keyword: string) =>
    instructions
      .filter((line) => line.toUpperCase().startsWith(`${keyword} `))
      .map((line) => line.slice(keyword.length).trim());

  it('exists, on node:20-slim, installing with npm ci', () => {
    expect(existsSync(dockerfile)).toBe(true);
    expect(args('FROM')[0]).toBe('node:20-slim');
    expect(args('RUN').some((run) => /\bnpm ci\b/.test(run))).toBe(true);
  });

  it('has patches/ in place before npm ci, whose postinstall applies them', () => {
    const copyPatches = instructions.findIndex((line) => /^COPY\b.*\bpatches\b/i.test(line));
    const install = instructions.findIndex((line) => /^RUN\b.*\bnpm ci\b/i.test(line));
    expect(copyPatches).toBeGreaterThanOrEqual(0);
    expect(copyPatches).toBeLessThan(install);
    const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(manifest.scripts.postinstall).toMatch(/^patch-package\b/);
  });

  it("exposes the app's port", () => {
    const exposed = args('EXPOSE')
      .flatMap((a) => a.split(/\s+/))
      .map((p) => Number(p.split('/')[0]));
    expect(exposed).toContain(Number(appEnv().PORT));
  });

  it('runs src/main.ts', () => {
    const cmd = args('CMD').at(-1) ?? '';
    const parts: string[] = cmd.startsWith('[') ? (JSON.parse(cmd) as string[]) : cmd.split(/\s+/);
    expect(parts).toContain('src/main.ts');
  });

  it('keeps local state, dependencies and the secrets of .env out of the build context', () => {
    const ignored = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
      .split(/\r?\n/)
      .map((line) => line.trim().replace(/^\/|\/$/g, ''));
    expect(ignored).toEqual(
      expect.arrayContaining(['node_modules', '.data', '.tools', '.git', 'test/artifacts', 'bench/results', '.env']),
    );
  });
});

/**
 * Settings the app reads that have no default but are deliberately not set in compose,
 * each with the reason. A new setting without a default fails the test below until it is
 * either set on the app service or listed here.
 */
const NOT_SET_IN_COMPOSE: Record<string, string> = {
  TEMPORAL_CLI: 'path of a local `temporal` CLI, used only to start a dev server when TEMPORAL_ADDRESS is unset',
  CLASSIFIER_URL: 'an external classifier is opt-in: ticket texts leave the desk only when an administrator sets it',
  CLASSIFIER_MODEL: 'needed only with CLASSIFIER_URL',
  OIDC_ISSUER: 'single sign-on is opt-in: the desk’s own passwords work without it',
  OIDC_CLIENT_ID: 'needed only with OIDC_ISSUER',
  OIDC_CLIENT_SECRET: 'needed only with OIDC_ISSUER',
  OIDC_PROVIDER_NAME: 'the button’s label, only with OIDC_ISSUER',
  LDAP_URL: 'directory sign-in is opt-in: the desk’s own passwords work without it',
  LDAP_BIND_DN: 'only with LDAP_URL and a directory that needs a service account to search',
  LDAP_BIND_PASSWORD: 'only with LDAP_BIND_DN',
  LDAP_SEARCH_BASE: 'only with LDAP_URL (or LDAP_USER_DN_TEMPLATE instead)',
  LDAP_USER_DN_TEMPLATE: 'only with LDAP_URL (or LDAP_SEARCH_BASE instead)',
  CLASSIFIER_API_KEY: 'needed only with CLASSIFIER_URL; a secret, so it belongs in .env',
  SMTP_RECEIVER_PORT: 'the desk as its own MX is opt-in: compose relays mail to Mailpit and receives none',
  SMTP_RECEIVER_DOMAIN: 'needed only with SMTP_RECEIVER_PORT',
  OTEL_EXPORTER_OTLP_ENDPOINT: 'tracing is opt-in: spans leave the desk only for a collector its owner runs',
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'tracing is opt-in (or OTEL_EXPORTER_OTLP_ENDPOINT instead)',
  IMAP_URL: 'a mailbox to poll is the desk owner’s own; it carries credentials, so it belongs in .env',
  CTI_TOKEN: 'phone calls are opt-in: the secret of the PBX’s webhook path belongs in .env',
  ZADARMA_TOKEN: 'Zadarma’s notifications are opt-in: the secret of their webhook path belongs in .env',
  ZADARMA_SECRET: 'only with ZADARMA_TOKEN: the Zadarma account’s API secret, so it belongs in .env',
  SMS_TOKEN: 'inbound SMS are opt-in: the secret of the provider’s webhook path belongs in .env',
  SMS_BASE_URL: 'an SMS gateway is opt-in (SMS.ru’s https://sms.ru when SMS_API_KEY is set)',
  SMS_API_KEY: 'an SMS gateway is opt-in; its key is a secret, so it belongs in .env',
  SMS_FROM: 'the sender name agreed with the SMS gateway, only with SMS_API_KEY',
  SMS_LOGIN: 'the SMS gateway account’s login (SMSC) or e-mail (SMS Aero), only with SMS_API_KEY',
  SMS_CALLBACK_SECRET:
    'SMSC’s callback signature is opt-in, only with SMS_PROVIDER=smsc; a secret, so it belongs in .env',
  TELEGRAM_BOT_TOKEN: 'a Telegram bot is opt-in and the desk owner’s own; its token is a secret, so it belongs in .env',
};

describe('app settings (src/config.ts)', () => {
  const configExists = existsSync(CONFIG_FILE);
  const title = 'sets on the app service every setting the app reads that has no default';
  const run = configExists ? it : it.skip;

  run(configExists ? title : `${title} (skipped: src/config.ts does not exist yet)`, async () => {
    const { configSchema } = await import('../src/config.js');
    const shape = configSchema.shape as Record<
      string,
      { safeParse(value: unknown): { success: boolean; data?: unknown } }
    >;
    const withoutDefault = Object.keys(shape).filter((key) => {
      const parsed = shape[key]!.safeParse(undefined);
      return !parsed.success || parsed.data === undefined;
    });
    // Anything config.ts reads straight from process.env, outside the schema, has no default either.
    const source = readFileSync(CONFIG_FILE, 'utf8');
    const direct = [...source.matchAll(/process\.env(?:\.([A-Z][A-Z0-9_]*)|\[\s*['"]([A-Z][A-Z0-9_]*)['"]\s*\])/g)].map(
      (m) => (m[1] ?? m[2])!,
    );
    const needed = [...new Set([...withoutDefault, ...direct])].filter((key) => !(key in NOT_SET_IN_COMPOSE));
    const set = appEnv();
    expect(
      needed.filter((key) => !set[key]),
      'settings without a default missing from the app service',
    ).toEqual([]);

    for (const key of Object.keys(NOT_SET_IN_COMPOSE))
      expect(Object.keys(shape), `stale exception ${key}`).toContain(key);
    expect(
      Object.keys(set).filter((key) => !(key in shape)),
      'app variables that config.ts does not know',
    ).toEqual([]);
    const parsed = configSchema.safeParse(set);
    expect(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([]);
  });
});
