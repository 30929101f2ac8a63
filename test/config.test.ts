import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseDuration, tracesUrlOf } from '../src/config';
import { ticketWorkerTuning, workflowCacheFor } from '../src/worker';

const rootDir = path.resolve('/srv/desk');
const load = (env: NodeJS.ProcessEnv, argv: string[] = []) => loadConfig(env, rootDir, argv);

/** The error must name the variable at the start of its line, not just contain it (EMBEDDED_PG_PORT ⊃ PORT). */
function expectInvalid(env: NodeJS.ProcessEnv, variable: string) {
  expect(() => load(env)).toThrow(ConfigError);
  expect(() => load(env)).toThrow(new RegExp(`^\\s+${variable}: `, 'm'));
}

describe('loadConfig', () => {
  it('uses the defaults when the environment is empty', () => {
    expect(load({})).toEqual({
      HOST: '127.0.0.1',
      PORT: 3000,
      PUBLIC_URL: undefined,
      PUBLIC_RATE_LIMIT: 60,
      WEBHOOK_RATE_LIMIT: 6000,
      LOG_LEVEL: 'info',
      ACCESS_LOG: 'info',
      DATA_DIR: '.data',
      DATABASE_URL: undefined,
      EMBEDDED_PG_PORT: 54329,
      TEMPORAL_ADDRESS: undefined,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: 'tickets',
      TEMPORAL_CLI: undefined,
      TEMPORAL_PORT: 7233,
      TEMPORAL_UI_PORT: 8233,
      SMTP_URL: undefined,
      MAIL_FROM: 'Service Desk <desk@localhost>',
      SMTP_RECEIVER_PORT: undefined,
      SMTP_RECEIVER_HOST: '127.0.0.1',
      SMTP_RECEIVER_DOMAIN: undefined,
      IMAP_URL: undefined,
      IMAP_MAILBOX: 'INBOX',
      IMAP_SWEEP_EVERY: 60_000,
      TELEGRAM_BOT_TOKEN: undefined,
      TELEGRAM_API_URL: 'https://api.telegram.org',
      TELEGRAM_MODE: 'polling',
      TELEGRAM_POLL_TIMEOUT: 25_000,
      SMTP_RECEIVER_MAX_SIZE: 26_214_400,
      CTI_LATE_ANSWER: 5_000,
      SMS_PROVIDER: 'smsru',
      PHONE_DEFAULT_COUNTRY: 'RU',
      SURVEY_TIMEOUT: 7 * 86_400_000,
      INTAKE_WAIT: 10_000,
      OFFER_TTL: 60_000,
      RETRAIN_EVERY: 6 * 3_600_000,
      FIGURES_DIGEST: ['daily'],
      FIGURES_DIGEST_AT: '08:00',
      SEED_DEMO: true,
      STARTING_CORPUS: 'data/tickets-labelled.jsonl',
      CLASSIFIER_URL: undefined,
      CLASSIFIER_MODEL: undefined,
      CLASSIFIER_API_KEY: undefined,
      CLASSIFIER_TIMEOUT: 3_000,
      OUTBOUND_ALLOW_PRIVATE: false,
      SESSION_IDLE: 30 * 60_000,
      SESSION_MAX: 12 * 3_600_000,
      TRUSTED_PROXIES: [],
      ALLOWED_HOSTS: [],
      REQUEST_TIMEOUT: 30_000,
      DESK_TIME_ZONE: 'Europe/Moscow',
      IDENTITY_HEADER: 'X-Remote-User',
      OIDC_SCOPES: 'openid email profile',
      OIDC_EMAIL_VERIFIED_CLAIM: 'email_verified',
      LDAP_STARTTLS: false,
      LDAP_LOGIN_ATTRIBUTE: 'uid',
      LDAP_MAP_BY: 'login',
      LDAP_NAME: 'LDAP',
      LDAP_TIMEOUT: 5_000,
      DESK_ROLE: 'all',
      DESK_MEMORY_MIB: 512,
      TEMPORAL_METRICS_PORT: 0,
      OTEL_EXPORTER_OTLP_ENDPOINT: undefined,
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: undefined,
      OTEL_SERVICE_NAME: 'service-desk',
      rootDir,
      dataDir: path.join(rootDir, '.data'),
      toolsDir: path.join(rootDir, '.tools'),
      startingCorpus: path.join(rootDir, 'data', 'tickets-labelled.jsonl'),
    });
  });

  describe('the category model', () => {
    it('starts from STARTING_CORPUS (a path from the project), or from nothing with off', () => {
      expect(load({ STARTING_CORPUS: 'own/labelled.jsonl' }).startingCorpus).toBe(
        path.join(rootDir, 'own', 'labelled.jsonl'),
      );
      expect(load({ STARTING_CORPUS: '/data/corpus.jsonl' }).startingCorpus).toBe('/data/corpus.jsonl');
      expect(load({ STARTING_CORPUS: 'off' }).startingCorpus).toBeUndefined();
    });

    it('asks an external classifier only with a model named, at an http(s) URL, within a duration', () => {
      const external = load({
        CLASSIFIER_URL: 'http://llm.local/v1',
        CLASSIFIER_MODEL: 'qwen2.5',
        CLASSIFIER_TIMEOUT: '5s',
      });
      expect([external.CLASSIFIER_URL, external.CLASSIFIER_MODEL, external.CLASSIFIER_TIMEOUT]).toEqual([
        'http://llm.local/v1',
        'qwen2.5',
        5_000,
      ]);
      expectInvalid({ CLASSIFIER_URL: 'http://llm.local/v1' }, 'CLASSIFIER_MODEL');
      expect(load({ OUTBOUND_ALLOW_PRIVATE: 'true' }).OUTBOUND_ALLOW_PRIVATE).toBe(true);
      expectInvalid({ OUTBOUND_ALLOW_PRIVATE: 'sometimes' }, 'OUTBOUND_ALLOW_PRIVATE');
      expectInvalid({ CLASSIFIER_URL: 'ftp://llm.local', CLASSIFIER_MODEL: 'm' }, 'CLASSIFIER_URL');
      expectInvalid(
        { CLASSIFIER_URL: 'http://llm.local', CLASSIFIER_MODEL: 'm', CLASSIFIER_TIMEOUT: 'soon' },
        'CLASSIFIER_TIMEOUT',
      );
    });
  });

  describe('the role of the process', () => {
    const shared = { DATABASE_URL: 'postgres://db/desk', TEMPORAL_ADDRESS: 'temporal:7233' };

    it('is all by default, DESK_ROLE otherwise, and --role (either spelling) wins over DESK_ROLE', () => {
      expect(load(shared).DESK_ROLE).toBe('all');
      expect(load({ ...shared, DESK_ROLE: 'worker' }).DESK_ROLE).toBe('worker');
      expect(load({ ...shared, DESK_ROLE: 'worker' }, ['--role', 'api']).DESK_ROLE).toBe('api');
      expect(load(shared, ['--role=worker']).DESK_ROLE).toBe('worker');
    });

    it('refuses an unknown role, or --role without one, naming it', () => {
      expectInvalid({ ...shared, DESK_ROLE: 'scheduler' }, 'DESK_ROLE');
      expect(() => load(shared, ['--role', 'everything'])).toThrow(/^\s+DESK_ROLE: /m);
      expect(() => load(shared, ['--role'])).toThrow(/^\s+--role: give all, api or worker/m);
    });

    it('needs DATABASE_URL and TEMPORAL_ADDRESS for api and worker: processes of one role share the servers', () => {
      expectInvalid({ DESK_ROLE: 'api' }, 'DATABASE_URL');
      expectInvalid({ DESK_ROLE: 'worker', DATABASE_URL: shared.DATABASE_URL }, 'TEMPORAL_ADDRESS');
      expect(load({ DESK_ROLE: 'all' }).DESK_ROLE).toBe('all');
    });
  });

  describe('the memory budget', () => {
    it('is 512 MiB by default and sizes the workflow cache: more budget, more cached, within bounds', () => {
      expect(load({}).DESK_MEMORY_MIB).toBe(512);
      expect(load({ DESK_MEMORY_MIB: '2048' }).DESK_MEMORY_MIB).toBe(2048);
      const at512 = workflowCacheFor(512);
      expect(at512).toBeGreaterThanOrEqual(100);
      expect(at512).toBeLessThan(200);
      expect(ticketWorkerTuning.maxCachedWorkflows).toBe(at512);
      expect(workflowCacheFor(1024)).toBeGreaterThan(at512);
      // A budget below the base still caches a few (the SDK needs ≥ 2), a huge one is capped.
      expect(workflowCacheFor(256)).toBe(20);
      expect(workflowCacheFor(1_000_000)).toBe(5000);
    });

    it('refuses a budget below 256 MiB or not a whole number, naming it', () => {
      expectInvalid({ DESK_MEMORY_MIB: '128' }, 'DESK_MEMORY_MIB');
      expectInvalid({ DESK_MEMORY_MIB: 'lots' }, 'DESK_MEMORY_MIB');
    });
  });

  it('ignores variables it does not know', () => {
    expect(load({ PATH: '/usr/bin', HOME: '/root' })).not.toHaveProperty('PATH');
  });

  it('reads numbers, URLs and durations from their text', () => {
    const config = load({
      PORT: '8080',
      DATABASE_URL: 'postgres://desk:secret@db:5432/desk',
      SMTP_URL: 'smtp://mail:1025',
      PUBLIC_URL: 'https://desk.example.org',
      SURVEY_TIMEOUT: '2h',
      INTAKE_WAIT: '1500',
    });
    expect(config).toMatchObject({
      PORT: 8080,
      DATABASE_URL: 'postgres://desk:secret@db:5432/desk',
      SMTP_URL: 'smtp://mail:1025',
      PUBLIC_URL: 'https://desk.example.org',
      SURVEY_TIMEOUT: 7_200_000,
      INTAKE_WAIT: 1500,
    });
  });

  it('accepts postgresql:// as well as postgres://', () => {
    expect(load({ DATABASE_URL: 'postgresql://localhost/desk' }).DATABASE_URL).toBe('postgresql://localhost/desk');
  });

  it('treats an empty URL as not set', () => {
    const config = load({ DATABASE_URL: '', SMTP_URL: '' });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.SMTP_URL).toBeUndefined();
  });

  it('treats any variable set to nothing as not set, so its default applies', () => {
    expect(load({ PORT: '', TEMPORAL_TASK_QUEUE: ' ', INTAKE_WAIT: '' })).toMatchObject({
      PORT: 3000,
      TEMPORAL_TASK_QUEUE: 'tickets',
      INTAKE_WAIT: 10_000,
    });
  });

  it('resolves DATA_DIR against the root, and keeps an absolute one', () => {
    expect(load({ DATA_DIR: 'var/data' }).dataDir).toBe(path.join(rootDir, 'var/data'));
    expect(load({ DATA_DIR: '/var/lib/desk' }).dataDir).toBe(path.resolve('/var/lib/desk'));
  });

  it.each([
    ['false', false],
    ['0', false],
    ['no', false],
    ['true', true],
    ['1', true],
    ['yes', true],
  ])('reads SEED_DEMO=%s as %s', (text, value) => {
    expect(load({ SEED_DEMO: text }).SEED_DEMO).toBe(value);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ PORT: '-1' }, 'PORT'],
    [{ PORT: '80.5' }, 'PORT'],
    [{ TEMPORAL_UI_PORT: '99999' }, 'TEMPORAL_UI_PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
    [{ SMTP_URL: 'http://mail' }, 'SMTP_URL'],
    [{ SMTP_RECEIVER_PORT: '0' }, 'SMTP_RECEIVER_PORT'],
    [{ IMAP_URL: 'pop3://mail' }, 'IMAP_URL'],
    [{ SMTP_RECEIVER_DOMAIN: 'desk@example.com' }, 'SMTP_RECEIVER_DOMAIN'],
    [{ SMTP_RECEIVER_MAX_SIZE: '10MB' }, 'SMTP_RECEIVER_MAX_SIZE'],
    [{ PUBLIC_URL: 'desk.example.org' }, 'PUBLIC_URL'],
    [{ SURVEY_TIMEOUT: 'soon' }, 'SURVEY_TIMEOUT'],
    [{ SURVEY_TIMEOUT: '0' }, 'SURVEY_TIMEOUT'],
    [{ SEED_DEMO: 'maybe' }, 'SEED_DEMO'],
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL'],
    [{ ACCESS_LOG: 'all' }, 'ACCESS_LOG'],
  ])('refuses %j, naming %s', (env, variable) => {
    expectInvalid(env, variable);
  });

  it('reads ALLOWED_HOSTS as a comma list of host names and REQUEST_TIMEOUT as a duration', () => {
    expect(load({ ALLOWED_HOSTS: 'desk.internal, 10.0.0.5:3000,[::1]:8080' }).ALLOWED_HOSTS).toEqual([
      'desk.internal',
      '10.0.0.5:3000',
      '[::1]:8080',
    ]);
    expectInvalid({ ALLOWED_HOSTS: 'http://desk.internal' }, 'ALLOWED_HOSTS');
    expectInvalid({ ALLOWED_HOSTS: 'desk internal' }, 'ALLOWED_HOSTS');
    expect(load({ REQUEST_TIMEOUT: '5s' }).REQUEST_TIMEOUT).toBe(5_000);
    expectInvalid({ REQUEST_TIMEOUT: 'never' }, 'REQUEST_TIMEOUT');
    expect(load({ DESK_TIME_ZONE: 'Asia/Yekaterinburg' }).DESK_TIME_ZONE).toBe('Asia/Yekaterinburg');
    expectInvalid({ DESK_TIME_ZONE: 'Mars/Olympus' }, 'DESK_TIME_ZONE');
    expect(load({ FIGURES_DIGEST: 'weekly, daily' }).FIGURES_DIGEST).toEqual(['weekly', 'daily']);
    expect(load({ FIGURES_DIGEST: 'off' }).FIGURES_DIGEST).toEqual([]);
    expectInvalid({ FIGURES_DIGEST: 'hourly' }, 'FIGURES_DIGEST');
    expect(load({ FIGURES_DIGEST_AT: '07:30' }).FIGURES_DIGEST_AT).toBe('07:30');
    expectInvalid({ FIGURES_DIGEST_AT: '7:30' }, 'FIGURES_DIGEST_AT');
  });

  describe('single sign-on (off by default)', () => {
    const oidc = {
      OIDC_ISSUER: 'https://sso.example.org/realms/desk',
      OIDC_CLIENT_ID: 'desk',
      OIDC_CLIENT_SECRET: 'client-secret',
      PUBLIC_URL: 'https://desk.example.org',
    };
    const ldap = {
      LDAP_URL: 'ldaps://dc1.corp.example:636',
      LDAP_BIND_DN: 'cn=desk,ou=services,dc=corp,dc=example',
      LDAP_BIND_PASSWORD: 'service-password',
      LDAP_SEARCH_BASE: 'ou=people,dc=corp,dc=example',
    };

    it('reads a whole OpenID Connect configuration, the button named by OIDC_PROVIDER_NAME', () => {
      expect(load({ ...oidc, OIDC_PROVIDER_NAME: 'Keycloak' })).toMatchObject({
        ...oidc,
        OIDC_PROVIDER_NAME: 'Keycloak',
        OIDC_SCOPES: 'openid email profile',
      });
      // http:// only on loopback, for a provider on this machine.
      expect(load({ ...oidc, OIDC_ISSUER: 'http://127.0.0.1:8080/realms/desk' }).OIDC_ISSUER).toBe(
        'http://127.0.0.1:8080/realms/desk',
      );
      expectInvalid({ ...oidc, OIDC_ISSUER: 'http://sso.example.org' }, 'OIDC_ISSUER');
      expectInvalid({ ...oidc, OIDC_SCOPES: 'openid profile' }, 'OIDC_SCOPES');
      expect(load({ ...oidc, OIDC_EMAIL_VERIFIED_CLAIM: 'xms_edov' }).OIDC_EMAIL_VERIFIED_CLAIM).toBe('xms_edov');
      expectInvalid({ ...oidc, OIDC_EMAIL_VERIFIED_CLAIM: 'email verified' }, 'OIDC_EMAIL_VERIFIED_CLAIM');
    });

    it.each(['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'PUBLIC_URL', 'OIDC_ISSUER'] as const)(
      'a half-configured OpenID Connect stops start-up, naming the missing %s',
      (missing) => {
        const env: NodeJS.ProcessEnv = { ...oidc };
        delete env[missing];
        expectInvalid(env, missing);
      },
    );

    it('reads a whole LDAP configuration: a search as a service account, or a DN template', () => {
      expect(load({ ...ldap, LDAP_LOGIN_ATTRIBUTE: 'sAMAccountName', LDAP_MAP_BY: 'mail' })).toMatchObject({
        ...ldap,
        LDAP_LOGIN_ATTRIBUTE: 'sAMAccountName',
        LDAP_MAP_BY: 'mail',
        LDAP_TIMEOUT: 5_000,
      });
      const template = 'uid={login},ou=people,dc=corp,dc=example';
      expect(
        load({ LDAP_URL: 'ldap://ldap.corp', LDAP_USER_DN_TEMPLATE: template, LDAP_STARTTLS: 'true' }),
      ).toMatchObject({ LDAP_USER_DN_TEMPLATE: template, LDAP_STARTTLS: true });
      expectInvalid({ LDAP_URL: 'ldap://ldap.corp', LDAP_USER_DN_TEMPLATE: 'ou=people' }, 'LDAP_USER_DN_TEMPLATE');
      expectInvalid({ ...ldap, LDAP_URL: 'http://ldap.corp' }, 'LDAP_URL');
      expectInvalid({ ...ldap, LDAP_LOGIN_ATTRIBUTE: 'uid)(x' }, 'LDAP_LOGIN_ATTRIBUTE');
      expectInvalid({ ...ldap, LDAP_MAP_BY: 'phone' }, 'LDAP_MAP_BY');
      expectInvalid({ ...ldap, LDAP_STARTTLS: 'true' }, 'LDAP_STARTTLS');
    });

    it.each([
      [{ LDAP_URL: 'ldap://ldap.corp' }, 'LDAP_SEARCH_BASE'],
      [{ ...ldap, LDAP_BIND_PASSWORD: undefined }, 'LDAP_BIND_PASSWORD'],
      [{ ...ldap, LDAP_BIND_DN: undefined }, 'LDAP_BIND_DN'],
      [{ ...ldap, LDAP_URL: undefined }, 'LDAP_URL'],
    ])('a half-configured LDAP %j stops start-up, naming %s', (env, missing) => {
      expectInvalid(env, missing);
    });
  });

  it('reads the phone settings: CTI_TOKEN long enough to be a secret, a known default country', () => {
    expect(load({ CTI_TOKEN: 'a'.repeat(32), PHONE_DEFAULT_COUNTRY: 'UA' })).toMatchObject({
      CTI_TOKEN: 'a'.repeat(32),
      PHONE_DEFAULT_COUNTRY: 'UA',
    });
    expect(load({}).CTI_TOKEN).toBeUndefined();
    expectInvalid({ CTI_TOKEN: 'short' }, 'CTI_TOKEN');
    expectInvalid({ CTI_TOKEN: `${'a'.repeat(30)}/x` }, 'CTI_TOKEN');
    expectInvalid({ PHONE_DEFAULT_COUNTRY: 'ru' }, 'PHONE_DEFAULT_COUNTRY');
    expectInvalid({ CTI_LATE_ANSWER: 'soon' }, 'CTI_LATE_ANSWER');
    expectInvalid({ SMS_TOKEN: 'short' }, 'SMS_TOKEN');
    expectInvalid({ SMS_API_KEY: 'k', SMS_PROVIDER: 'generic' }, 'SMS_BASE_URL');
    expect(load({ SMS_API_KEY: 'k' }).SMS_PROVIDER).toBe('smsru');
    // SMSC signs in with its API key alone, or with a login and password; SMS Aero always with its account's e-mail.
    expect(load({ SMS_API_KEY: 'k', SMS_PROVIDER: 'smsc' }).SMS_PROVIDER).toBe('smsc');
    expectInvalid({ SMS_API_KEY: 'k', SMS_PROVIDER: 'smsaero' }, 'SMS_LOGIN');
    expect(load({ SMS_API_KEY: 'k', SMS_PROVIDER: 'smsaero', SMS_LOGIN: 'desk@example.com' }).SMS_LOGIN).toBe(
      'desk@example.com',
    );
    expectInvalid({ SMS_PROVIDER: 'smsaero.ru' }, 'SMS_PROVIDER');
    // SMSC's callback signature: checked only for SMSC, the only gateway that signs them.
    expect(load({ SMS_API_KEY: 'k', SMS_PROVIDER: 'smsc', SMS_CALLBACK_SECRET: 's3cret' }).SMS_CALLBACK_SECRET).toBe(
      's3cret',
    );
    expectInvalid({ SMS_API_KEY: 'k', SMS_CALLBACK_SECRET: 's3cret' }, 'SMS_CALLBACK_SECRET');
    expectInvalid({ SMS_PROVIDER: 'smsc', SMS_CALLBACK_SECRET: 'x'.repeat(201) }, 'SMS_CALLBACK_SECRET');
  });

  it('reads Zadarma’s connector: off unless both its path secret and its API secret are set', () => {
    const zadarma = { ZADARMA_TOKEN: 'z'.repeat(32), ZADARMA_SECRET: 'api-secret' };
    expect(load(zadarma)).toMatchObject(zadarma);
    expect([load({}).ZADARMA_TOKEN, load({}).ZADARMA_SECRET]).toEqual([undefined, undefined]);
    // Half-configured, it stops start-up naming the one that is missing.
    expectInvalid({ ZADARMA_TOKEN: zadarma.ZADARMA_TOKEN }, 'ZADARMA_SECRET');
    expectInvalid({ ZADARMA_SECRET: zadarma.ZADARMA_SECRET }, 'ZADARMA_TOKEN');
    expectInvalid({ ...zadarma, ZADARMA_TOKEN: 'short' }, 'ZADARMA_TOKEN');
    expectInvalid({ ...zadarma, ZADARMA_SECRET: 'x'.repeat(201) }, 'ZADARMA_SECRET');
  });

  it('names PORT alone when only PORT is wrong', () => {
    expect(() => load({ PORT: 'abc' })).toThrow(/^Invalid configuration:\n {2}PORT: [^\n]+$/);
  });

  it('quotes the wrong duration in its message', () => {
    expect(() => load({ SURVEY_TIMEOUT: 'soon' })).toThrow('"soon" is not a duration');
  });

  it('lists every wrong variable at once', () => {
    let message = '';
    try {
      load({ PORT: 'abc', DATABASE_URL: 'mysql://x', SURVEY_TIMEOUT: 'soon' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.match(/^ {2}\w+:/gm)).toEqual(['  PORT:', '  DATABASE_URL:', '  SURVEY_TIMEOUT:']);
  });
});

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['15m', 900_000],
    ['2h', 7_200_000],
    ['7d', 604_800_000],
    ['250ms', 250],
    ['250', 250],
    ['0', 0],
    ['1.5h', 5_400_000],
    ['0.5s', 500],
    ['2 h', 7_200_000],
    ['  10s  ', 10_000],
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'soon', '-5s', '2w', '1e3', 'h', '.5h', '1,5h', '2h30m', '10 seconds'])('does not read %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('tracing (OpenTelemetry variables)', () => {
  it('is off unless an OTLP endpoint is set; the base endpoint gets /v1/traces, the traces one is used as it is', () => {
    expect(tracesUrlOf(load({}))).toBeUndefined();
    expect(tracesUrlOf(load({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }))).toBe(
      'http://collector:4318/v1/traces',
    );
    expect(tracesUrlOf(load({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example/base/' }))).toBe(
      'https://otel.example/base/v1/traces',
    );
    expect(
      tracesUrlOf(
        load({
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://other:4318/custom',
        }),
      ),
    ).toBe('http://other:4318/custom');
  });

  it('refuses an endpoint that is not an http(s) URL, naming the variable', () => {
    expect(() => load({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4317' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
    expect(() => load({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'grpc://c:4317' })).toThrow(
      /OTEL_EXPORTER_OTLP_TRACES_ENDPOINT/,
    );
  });
});
