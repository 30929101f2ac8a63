import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { isValidTimeZone } from './domain/calendar';
import { digestKinds, type DigestKind } from './domain/figures-digest';
import { phoneCountryCodes, type PhoneCountry } from './domain/phone';

/** Durations in config are written as `30s`, `15m`, `2h`, `7d` or plain milliseconds. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) return undefined;
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] ?? 'ms']!;
  return Math.round(Number(match[1]) * unit);
}

const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      const ms = parseDuration(text);
      if (ms === undefined || ms <= 0) {
        ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration like 30s, 15m, 2h or 7d` });
        return z.NEVER;
      }
      return ms;
    });

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

const booleanText = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(fallback ? 'true' : 'false')
    .transform((text) => ['true', '1', 'yes'].includes(text));

const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .optional()
    .refine(
      (text) => {
        if (text === undefined || text === '') return true;
        try {
          return protocols.includes(new URL(text).protocol);
        } catch {
          return false;
        }
      },
      { message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
    )
    .transform((text) => (text ? text : undefined));

/**
 * Where spans go, from OpenTelemetry's own variables: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as it is,
 * or OTEL_EXPORTER_OTLP_ENDPOINT with /v1/traces; undefined (tracing off) when neither is set.
 */
export function tracesUrlOf(
  config: Pick<Config, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' | 'OTEL_EXPORTER_OTLP_ENDPOINT'>,
): string | undefined {
  if (config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  const base = config.OTEL_EXPORTER_OTLP_ENDPOINT;
  return base ? new URL('v1/traces', base.endsWith('/') ? base : `${base}/`).href : undefined;
}

/** DESK_MEMORY_MIB's default: the worker's workflow cache is sized from it (src/worker.ts). */
export const defaultDeskMemoryMiB = 512;

/** Every environment variable the service reads, with its default. */
export const configSchema = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: port(3000),
  PUBLIC_URL: optionalUrl(['http:', 'https:']),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** The access log: one line per request at this level (`debug`: only with LOG_LEVEL=debug), or none. */
  ACCESS_LOG: z.enum(['info', 'debug', 'off']).default('info'),
  DATA_DIR: z.string().default('.data'),
  DATABASE_URL: optionalUrl(['postgres:', 'postgresql:']),
  EMBEDDED_PG_PORT: port(54329),
  TEMPORAL_ADDRESS: z.string().optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('tickets'),
  TEMPORAL_CLI: z.string().optional(),
  TEMPORAL_PORT: port(7233),
  TEMPORAL_UI_PORT: port(8233),
  SMTP_URL: optionalUrl(['smtp:', 'smtps:']),
  MAIL_FROM: z.string().min(3).default('Service Desk <desk@localhost>'),
  /** The desk as its own MX: an SMTP receiver on this port for MAIL_FROM's address; none when unset. */
  SMTP_RECEIVER_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  SMTP_RECEIVER_HOST: z.string().min(1).default('127.0.0.1'),
  /** The domain mail is received for (MAIL_FROM's local part, and its plus-addresses, at it); MAIL_FROM's domain by default. */
  SMTP_RECEIVER_DOMAIN: z
    .string()
    .regex(/^[a-z0-9-]+(\.[a-z0-9-]+)*$/i, 'must be a domain name like desk.example.com')
    .optional(),
  /** The largest message received, in bytes (25 MB by default); larger ones are refused with 552. */
  /** A mailbox the desk polls for mail: `imap://user:pass@host:143` (`?tls=off` for plain text) or `imaps://…`. */
  IMAP_URL: optionalUrl(['imap:', 'imaps:']),
  IMAP_MAILBOX: z.string().min(1).default('INBOX'),
  /** A full sweep of the mailbox this often, besides IDLE's news. */
  IMAP_SWEEP_EVERY: duration('60s'),
  /** The Telegram bot (from @BotFather): `123456:ABC…`; no bot when unset. */
  TELEGRAM_BOT_TOKEN: z
    .string()
    .regex(/^\d+:[A-Za-z0-9_-]+$/, 'must be a bot token like 123456789:AAE… (from @BotFather)')
    .optional(),
  /** The Bot API server: Telegram's, or a local one (telegram-bot-api) at another base URL. */
  TELEGRAM_API_URL: z
    .string()
    .default('https://api.telegram.org')
    .refine((text) => /^https?:\/\/[^/]/.test(text), { message: 'must be a URL starting with http:// or https://' }),
  /** `polling` (getUpdates, for a desk behind NAT) or `webhook` (Telegram POSTs to PUBLIC_URL). */
  TELEGRAM_MODE: z.enum(['polling', 'webhook']).default('polling'),
  /** getUpdates' long-poll wait. */
  TELEGRAM_POLL_TIMEOUT: duration('25s'),
  SMTP_RECEIVER_MAX_SIZE: z.coerce.number().int().min(1024).max(200_000_000).default(26_214_400),
  /** The secret a PBX puts in the CTI webhook's path (`/channels/cti/<CTI_TOKEN>`); phone calls are off when unset. */
  CTI_TOKEN: z
    .string()
    .regex(/^[A-Za-z0-9_-]{24,200}$/, 'must be 24–200 letters, digits, _ or - (e.g. openssl rand -hex 16)')
    .optional(),
  /** How long after a hangup with no answer a late `answer` event still counts before the call is missed. */
  CTI_LATE_ANSWER: duration('5s'),
  /** The secret in the path of Zadarma's call notifications (`/channels/zadarma/<ZADARMA_TOKEN>`); off when unset. */
  ZADARMA_TOKEN: z
    .string()
    .regex(/^[A-Za-z0-9_-]{24,200}$/, 'must be 24–200 letters, digits, _ or - (e.g. openssl rand -hex 16)')
    .optional(),
  /** The Zadarma account's API secret (its API keys' "Secret"): each notification's Signature is made with it. */
  ZADARMA_SECRET: z.string().min(1).max(200).optional(),
  /** The secret an SMS provider puts in the inbound webhook's path (`/channels/sms/<SMS_TOKEN>`); off when unset. */
  SMS_TOKEN: z
    .string()
    .regex(/^[A-Za-z0-9_-]{24,200}$/, 'must be 24–200 letters, digits, _ or - (e.g. openssl rand -hex 16)')
    .optional(),
  /**
   * The gateway SMS go out through: smsru (SMS.ru's HTTP API), smsc (SMSC.ru's), smsaero (SMS Aero's
   * API v2) or generic; used only with SMS_API_KEY.
   */
  SMS_PROVIDER: z.enum(['smsru', 'smsc', 'smsaero', 'generic']).default('smsru'),
  /** The gateway's base URL (https://sms.ru, https://smsc.ru, https://gate.smsaero.ru); required for generic. */
  SMS_BASE_URL: optionalUrl(['http:', 'https:']),
  /** The gateway's key (SMS.ru: api_id; SMSC: the password, or its API key without SMS_LOGIN; SMS Aero: the API key); no SMS gateway when unset. */
  SMS_API_KEY: z.string().optional(),
  /** The gateway account's login: SMSC's (optional, with its password as SMS_API_KEY), SMS Aero's e-mail (required). */
  SMS_LOGIN: z.string().min(1).max(200).optional(),
  /** The sender name agreed with the gateway; its default when unset. */
  SMS_FROM: z.string().max(11).optional(),
  /**
   * The secret SMSC signs its callbacks with (the md5 of each callback's fields and it, set in
   * SMSC's account); when set, a callback in SMSC's format without that signature is refused (403).
   */
  SMS_CALLBACK_SECRET: z.string().min(1).max(200).optional(),
  /** The country phone numbers written without + are read in (RU: 8 912 … is +7912…). */
  PHONE_DEFAULT_COUNTRY: z.enum(phoneCountryCodes as [PhoneCountry, ...PhoneCountry[]]).default('RU'),
  SURVEY_TIMEOUT: duration('7d'),
  INTAKE_WAIT: duration('10s'),
  OFFER_TTL: duration('60s'),
  RETRAIN_EVERY: duration('6h'),
  /** The managers' e-mailed digest of the figures: `daily`, `weekly` (Mondays), both (`daily,weekly`) or `off`. */
  FIGURES_DIGEST: z
    .string()
    .default('daily')
    .transform((text) => (text.trim() === 'off' ? [] : [...new Set(text.split(',').map((kind) => kind.trim()))]))
    .refine((kinds) => kinds.every((kind) => (digestKinds as readonly string[]).includes(kind)), {
      message: 'must be daily, weekly, daily,weekly or off',
    })
    .transform((kinds) => kinds as DigestKind[]),
  /** When the digest goes out, local time in DESK_TIME_ZONE. */
  FIGURES_DIGEST_AT: z
    .string()
    .default('08:00')
    .refine((clock) => /^([01]\d|2[0-3]):[0-5]\d$/.test(clock), { message: 'must be a time of day HH:MM, e.g. 08:00' }),
  SEED_DEMO: booleanText(true),
  /** The labelled file a desk with no category model first trains on (relative to the project); `off`: none. */
  STARTING_CORPUS: z.string().default('data/tickets-labelled.jsonl'),
  /** An OpenAI-compatible API (`…/v1`) asked for each ticket's category first; the local model is the fallback. */
  CLASSIFIER_URL: optionalUrl(['http:', 'https:']),
  CLASSIFIER_MODEL: z.string().optional(),
  CLASSIFIER_API_KEY: z.string().optional(),
  CLASSIFIER_TIMEOUT: duration('3s'),
  /** Outbound URLs (CLASSIFIER_URL, providers) may point at loopback, private or link-local addresses only when true. */
  OUTBOUND_ALLOW_PRIVATE: booleanText(false),
  /** Requests a minute one address may send to the public routes that write (intake, survey, sign-in); 0: no limit. */
  PUBLIC_RATE_LIMIT: z.coerce.number().int().min(0).max(1_000_000).default(60),
  /** Requests a minute one address may send to the channels' webhooks (CTI, SMS, Telegram); 0: no limit. */
  WEBHOOK_RATE_LIMIT: z.coerce.number().int().min(0).max(1_000_000).default(6000),
  SESSION_IDLE: duration('30m'),
  SESSION_MAX: duration('12h'),
  /** Comma-separated `name` or `name:port` Host values answered to besides PUBLIC_URL's and loopback on PORT. */
  ALLOWED_HOSTS: z
    .string()
    .default('')
    .transform((text) =>
      text
        .split(',')
        .map((host) => host.trim())
        .filter(Boolean),
    )
    .refine((hosts) => hosts.every((host) => /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(host)), {
      message: 'must be host names (optionally with :port) separated by commas',
    }),
  /** How long one request may take, its body included; a slow sender is cut off. */
  REQUEST_TIMEOUT: duration('30s'),
  /** The desk's own time zone (IANA): the managers' figures cut days, weeks and months in it. */
  DESK_TIME_ZONE: z
    .string()
    .default('Europe/Moscow')
    .refine((zone) => isValidTimeZone(zone), { message: 'must be an IANA time zone like Europe/Moscow' }),
  /** Comma-separated addresses of authenticating proxies whose IDENTITY_HEADER is believed; none by default. */
  TRUSTED_PROXIES: z
    .string()
    .default('')
    .transform((text) =>
      text
        .split(',')
        .map((address) => address.trim())
        .filter(Boolean),
    )
    .refine((addresses) => addresses.every((address) => isIP(address) !== 0), {
      message: 'must be IP addresses separated by commas',
    }),
  IDENTITY_HEADER: z
    .string()
    .regex(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name')
    .default('X-Remote-User'),
  /**
   * Single sign-on with OpenID Connect (README "Single sign-on"): the provider's issuer URL turns it
   * on (https://, or http:// on loopback for a local test provider); off when unset.
   */
  OIDC_ISSUER: optionalUrl(['http:', 'https:']).refine(
    (text) => text === undefined || text.startsWith('https:') || isLoopbackUrl(text),
    { message: 'must be an https:// URL (http:// only for a provider on localhost or 127.0.0.1)' },
  ),
  OIDC_CLIENT_ID: z.string().optional(),
  OIDC_CLIENT_SECRET: z.string().optional(),
  /** The name on the sign-in page's button: "Sign in with <name>"; the issuer's host when unset. */
  OIDC_PROVIDER_NAME: z.string().max(60).optional(),
  OIDC_SCOPES: z
    .string()
    .default('openid email profile')
    .refine((text) => text.split(/\s+/).includes('openid'), { message: 'must include openid' })
    .refine((text) => text.split(/\s+/).includes('email'), {
      message: 'must include email (accounts are linked by it)',
    }),
  /** The boolean claim that says the provider verified the e-mail (Entra ID: xms_edov, an optional claim). */
  OIDC_EMAIL_VERIFIED_CLAIM: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a claim name like email_verified or xms_edov')
    .default('email_verified'),
  /** Sign-in through the directory (LDAP or Active Directory): its URL turns it on; off when unset. */
  LDAP_URL: optionalUrl(['ldap:', 'ldaps:']),
  /** Upgrade an ldap:// connection with StartTLS before any password is sent. */
  LDAP_STARTTLS: booleanText(false),
  /** The service account that searches for the person (with LDAP_SEARCH_BASE); anonymous search when unset. */
  LDAP_BIND_DN: z.string().optional(),
  LDAP_BIND_PASSWORD: z.string().optional(),
  /** Where people are searched for: the entry whose LDAP_LOGIN_ATTRIBUTE is the typed username. */
  LDAP_SEARCH_BASE: z.string().optional(),
  /** Instead of a search: the person's DN with {login} for the typed username, e.g. uid={login},ou=people,dc=example,dc=org. */
  LDAP_USER_DN_TEMPLATE: z
    .string()
    .optional()
    .refine((text) => text === undefined || text.includes('{login}'), { message: 'must contain {login}' }),
  /** The attribute a username is (uid; sAMAccountName on Active Directory). */
  LDAP_LOGIN_ATTRIBUTE: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]*$/, 'must be an attribute name like uid or sAMAccountName')
    .default('uid'),
  /** How the person's entry names their staff account: login (its LDAP_LOGIN_ATTRIBUTE is the login) or mail (its mail is the account's e-mail). */
  LDAP_MAP_BY: z.enum(['login', 'mail']).default('login'),
  /** The name the sign-in page gives the directory. */
  LDAP_NAME: z.string().max(60).default('LDAP'),
  /** How long one directory operation (connect, bind, search) may take before sign-in answers 503. */
  LDAP_TIMEOUT: duration('5s'),
  /** all: API, web and worker in one process; api or worker: that part alone (`npm start -- --role api`). */
  DESK_ROLE: z.enum(['all', 'api', 'worker']).default('all'),
  /** Memory the desk process should stay within, MiB: the worker caches as many workflows as fit (src/worker.ts). */
  DESK_MEMORY_MIB: z.coerce
    .number()
    .int()
    .min(256, 'must be at least 256 (MiB)')
    .max(1_048_576)
    .default(defaultDeskMemoryMiB),
  /** Loopback port of the Temporal SDK's worker metrics, appended to /metrics; 0 picks a free one. */
  TEMPORAL_METRICS_PORT: port(0),
  /** OpenTelemetry's own variables: tracing is on when either is set (src/infra/tracing.ts). */
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl(['http:', 'https:']),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalUrl(['http:', 'https:']),
  /** service.name of the spans; the process's role is added (service-desk-api, -worker). */
  OTEL_SERVICE_NAME: z.string().min(1).default('service-desk'),
});

export type Config = z.infer<typeof configSchema> & {
  rootDir: string;
  toolsDir: string;
  dataDir: string;
  /** STARTING_CORPUS as a path, none when `off`. */
  startingCorpus: string | undefined;
};

export class ConfigError extends Error {}

function isLoopbackUrl(text: string): boolean {
  let host: string;
  try {
    host = new URL(text).hostname;
  } catch {
    return false;
  }
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * A half-configured sign-on stops start-up: each line names a variable that is missing for
 * the ones that are set (a desk that starts without a way in it was told to offer is worse).
 */
function singleSignOnProblems(config: z.infer<typeof configSchema>): string[] {
  const problems: string[] = [];
  const oidcSet = (['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_PROVIDER_NAME'] as const).filter(
    (key) => config[key],
  );
  if (config.OIDC_ISSUER || oidcSet.length) {
    const why = config.OIDC_ISSUER ? 'with OIDC_ISSUER' : `with ${oidcSet.join(', ')}`;
    if (!config.OIDC_ISSUER) problems.push(`OIDC_ISSUER: required ${why} (the provider's issuer URL)`);
    if (!config.OIDC_CLIENT_ID) problems.push(`OIDC_CLIENT_ID: required ${why} (the desk's client at the provider)`);
    if (!config.OIDC_CLIENT_SECRET) problems.push(`OIDC_CLIENT_SECRET: required ${why} (the client's secret)`);
    if (!config.PUBLIC_URL)
      problems.push(`PUBLIC_URL: required ${why} (the provider sends people back to PUBLIC_URL/auth/oidc/callback)`);
  }
  const ldapSet = (['LDAP_BIND_DN', 'LDAP_BIND_PASSWORD', 'LDAP_SEARCH_BASE', 'LDAP_USER_DN_TEMPLATE'] as const).filter(
    (key) => config[key],
  );
  if (config.LDAP_URL || ldapSet.length) {
    const why = config.LDAP_URL ? 'with LDAP_URL' : `with ${ldapSet.join(', ')}`;
    if (!config.LDAP_URL) problems.push(`LDAP_URL: required ${why} (the directory, ldap:// or ldaps://)`);
    if (!config.LDAP_SEARCH_BASE && !config.LDAP_USER_DN_TEMPLATE)
      problems.push(`LDAP_SEARCH_BASE: required ${why} unless LDAP_USER_DN_TEMPLATE is set (where to find the person)`);
    if (config.LDAP_BIND_DN && !config.LDAP_BIND_PASSWORD)
      problems.push("LDAP_BIND_PASSWORD: required with LDAP_BIND_DN (the service account's password)");
    if (config.LDAP_BIND_PASSWORD && !config.LDAP_BIND_DN)
      problems.push('LDAP_BIND_DN: required with LDAP_BIND_PASSWORD (the service account it is the password of)');
    if (config.LDAP_STARTTLS && config.LDAP_URL?.startsWith('ldaps:'))
      problems.push('LDAP_STARTTLS: not with an ldaps:// LDAP_URL (that connection is TLS already)');
  }
  return problems;
}

/** `--role api` or `--role=api` on the command line stands for DESK_ROLE and wins over it. */
function roleArgument(argv: string[]): string | undefined {
  const at = argv.findIndex((arg) => arg === '--role' || arg.startsWith('--role='));
  if (at < 0) return undefined;
  const value = argv[at] === '--role' ? argv[at + 1] : argv[at]!.slice('--role='.length);
  if (!value) throw new ConfigError('Invalid configuration:\n  --role: give all, api or worker');
  return value;
}

/**
 * Validates the environment (and `--role`) once at start; a wrong value names the variable.
 * A process of one role shares Temporal and PostgreSQL with the others, so it is never given
 * servers of its own: it needs DATABASE_URL and TEMPORAL_ADDRESS.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  rootDir = path.resolve(__dirname, '..'),
  argv: string[] = process.argv.slice(2),
): Config {
  // A variable set to nothing counts as not set, so its default applies.
  const given: Record<string, string | undefined> = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
  const role = roleArgument(argv);
  if (role !== undefined) given.DESK_ROLE = role;
  const parsed = configSchema.safeParse(given);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  if (parsed.data.CLASSIFIER_URL && !parsed.data.CLASSIFIER_MODEL)
    throw new ConfigError(
      'Invalid configuration:\n  CLASSIFIER_MODEL: required with CLASSIFIER_URL (the model to ask)',
    );
  if (parsed.data.SMS_API_KEY && parsed.data.SMS_PROVIDER === 'generic' && !parsed.data.SMS_BASE_URL)
    throw new ConfigError(
      'Invalid configuration:\n  SMS_BASE_URL: required with SMS_PROVIDER=generic (the gateway to send through)',
    );
  if (parsed.data.SMS_API_KEY && parsed.data.SMS_PROVIDER === 'smsaero' && !parsed.data.SMS_LOGIN)
    throw new ConfigError(
      'Invalid configuration:\n  SMS_LOGIN: required with SMS_PROVIDER=smsaero (the account’s e-mail, with its API key as SMS_API_KEY)',
    );
  // Set for another gateway, it would check nothing: say so rather than seem to.
  if (parsed.data.SMS_CALLBACK_SECRET && parsed.data.SMS_PROVIDER !== 'smsc')
    throw new ConfigError(
      'Invalid configuration:\n  SMS_CALLBACK_SECRET: only SMSC signs its callbacks (SMS_PROVIDER=smsc); unset it for the others',
    );
  // One without the other would take unsigned notifications, or none at all: say which is missing.
  if (parsed.data.ZADARMA_TOKEN && !parsed.data.ZADARMA_SECRET)
    throw new ConfigError(
      'Invalid configuration:\n  ZADARMA_SECRET: required with ZADARMA_TOKEN (the API secret of the Zadarma account, its notifications are signed with)',
    );
  if (parsed.data.ZADARMA_SECRET && !parsed.data.ZADARMA_TOKEN)
    throw new ConfigError(
      'Invalid configuration:\n  ZADARMA_TOKEN: required with ZADARMA_SECRET (the secret path Zadarma posts its notifications to: openssl rand -hex 16)',
    );
  if (parsed.data.TELEGRAM_BOT_TOKEN && parsed.data.TELEGRAM_MODE === 'webhook' && !parsed.data.PUBLIC_URL)
    throw new ConfigError(
      'Invalid configuration:\n  PUBLIC_URL: required with TELEGRAM_MODE=webhook (the address the Bot API posts updates to; Telegram’s own needs https://)',
    );
  const sso = singleSignOnProblems(parsed.data);
  if (sso.length) throw new ConfigError(`Invalid configuration:\n${sso.map((line) => `  ${line}`).join('\n')}`);
  if (parsed.data.DESK_ROLE !== 'all') {
    const missing = (['DATABASE_URL', 'TEMPORAL_ADDRESS'] as const).filter((key) => !parsed.data[key]);
    if (missing.length)
      throw new ConfigError(
        `Invalid configuration:\n${missing.map((key) => `  ${key}: required with DESK_ROLE=${parsed.data.DESK_ROLE} (processes of one role share one server)`).join('\n')}`,
      );
  }
  const dataDir = path.resolve(rootDir, parsed.data.DATA_DIR);
  const corpus = parsed.data.STARTING_CORPUS;
  const startingCorpus = corpus === 'off' ? undefined : path.resolve(rootDir, corpus);
  return { ...parsed.data, rootDir, dataDir, toolsDir: path.join(rootDir, '.tools'), startingCorpus };
}
