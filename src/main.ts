import path from 'node:path';
import { ConfigError, loadConfig, tracesUrlOf } from './config';
import { DEMO_PASSWORD } from './db/seed';
import { startDesk, webDir, type Desk } from './desk';
import { workflowCacheFor } from './worker';
import { allowedHosts } from './api/allowed-hosts';
import { ensurePostgres, type PostgresEndpoint } from './infra/postgres-server';
import { lockDataDir } from './infra/run-lock';
import { defaultIdentityOptions } from './services/identity-service';
import { ensureTemporal, freePort, type TemporalEndpoint } from './infra/temporal-server';
import { createLogger } from './logger';
import { smsDefaultBaseUrls } from './channels/sms-providers';
import type { Tracing } from './infra/tracing';

/**
 * `npm start`: the whole desk on one machine. Temporal and PostgreSQL are used when
 * TEMPORAL_ADDRESS / DATABASE_URL are given, otherwise started here with data under .data/.
 * `npm start -- --role api|worker` (or DESK_ROLE) runs one part, any number of each, against
 * a shared Temporal and PostgreSQL (config.ts requires both then).
 */
async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL);
  const say = (message: string) => logger.info(message);

  let temporal: TemporalEndpoint | undefined;
  let postgres: PostgresEndpoint | undefined;
  let desk: Desk | undefined;
  let tracing: Tracing | undefined;
  let releaseDataDir: (() => void) | undefined;
  let stopping = false;
  const stop = async (reason: string, code: number) => {
    if (stopping) return;
    stopping = true;
    say(`stopping (${reason})…`);
    const step = async (what: string, run?: () => Promise<void>) => {
      let timer: NodeJS.Timeout | undefined;
      const giveUp = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('no answer in 20 s')), 20_000);
      });
      try {
        if (run) await Promise.race([run(), giveUp]);
      } catch (error) {
        logger.error({ err: error }, `could not stop ${what} cleanly`);
      } finally {
        clearTimeout(timer);
      }
    };
    await step('the desk', desk?.stop);
    await step('tracing', tracing?.shutdown);
    await step('Temporal', temporal?.stop);
    await step('PostgreSQL', postgres?.stop);
    releaseDataDir?.();
    say('stopped');
    logger.flush(() => process.exit(code));
  };
  // Repeated signals (Ctrl-C twice) are ignored while stopping: dying halfway would orphan the servers.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(signal, 0));

  try {
    // The lock guards the servers started under .data/; a process of one role starts none.
    if (config.DESK_ROLE === 'all') releaseDataDir = lockDataDir(config.dataDir);
    // A process of one role may (re)start while its shared servers are away: it waits a minute for them, not a crash loop.
    const backendWaitMs = config.DESK_ROLE === 'all' ? 0 : 60_000;
    [temporal, postgres] = await Promise.all([
      ensureTemporal({
        address: config.TEMPORAL_ADDRESS,
        waitMs: backendWaitMs,
        cliPath: config.TEMPORAL_CLI,
        toolsDir: config.toolsDir,
        dbFile: path.join(config.dataDir, 'temporal.db'),
        port: config.TEMPORAL_PORT,
        uiPort: config.TEMPORAL_UI_PORT,
        namespace: config.TEMPORAL_NAMESPACE,
        log: say,
      }),
      ensurePostgres({
        url: config.DATABASE_URL,
        waitMs: backendWaitMs,
        dataDir: path.join(config.dataDir, 'postgres'),
        port: config.EMBEDDED_PG_PORT,
        database: 'servicedesk',
        log: say,
      }),
    ]);
    say(`Temporal: ${temporal.how}`);
    say(`PostgreSQL: ${postgres.how}`);

    const shownHost = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
    const baseUrl = config.PUBLIC_URL ?? `http://${shownHost}:${config.PORT}`;
    const withWorker = config.DESK_ROLE !== 'api';
    const workflowCache = workflowCacheFor(config.DESK_MEMORY_MIB);
    if (withWorker)
      say(`Worker: ${workflowCache} workflows cached (DESK_MEMORY_MIB=${config.DESK_MEMORY_MIB} for this process)`);
    const tracesUrl = tracesUrlOf(config);
    if (tracesUrl) {
      // Loaded only now: a desk without tracing never loads OpenTelemetry's SDK.
      const { startTracing } = await import('./infra/tracing.js');
      const serviceName =
        config.DESK_ROLE === 'all' ? config.OTEL_SERVICE_NAME : `${config.OTEL_SERVICE_NAME}-${config.DESK_ROLE}`;
      tracing = startTracing({ tracesUrl, serviceName });
      say(`Tracing: spans of ${serviceName} to ${tracesUrl}`);
    }
    desk = await startDesk({
      tracing,
      role: config.DESK_ROLE,
      workerTuning: { maxCachedWorkflows: workflowCache },
      temporalMetricsAddress: withWorker
        ? `127.0.0.1:${config.TEMPORAL_METRICS_PORT || (await freePort())}`
        : undefined,
      databaseUrl: postgres.url,
      temporalAddress: temporal.address,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      logger,
      publicUrl: baseUrl,
      smtpUrl: config.SMTP_URL,
      mailFrom: config.MAIL_FROM,
      mailReceiver: config.SMTP_RECEIVER_PORT
        ? {
            host: config.SMTP_RECEIVER_HOST,
            port: config.SMTP_RECEIVER_PORT,
            domain: config.SMTP_RECEIVER_DOMAIN,
            maxSize: config.SMTP_RECEIVER_MAX_SIZE,
          }
        : undefined,
      imap: config.IMAP_URL
        ? { url: config.IMAP_URL, mailbox: config.IMAP_MAILBOX, sweepEveryMs: config.IMAP_SWEEP_EVERY }
        : undefined,
      telegram: config.TELEGRAM_BOT_TOKEN
        ? {
            token: config.TELEGRAM_BOT_TOKEN,
            apiUrl: config.TELEGRAM_API_URL,
            mode: config.TELEGRAM_MODE,
            pollTimeoutSeconds: Math.max(1, Math.round(config.TELEGRAM_POLL_TIMEOUT / 1000)),
            allowPrivate: config.OUTBOUND_ALLOW_PRIVATE,
          }
        : undefined,
      mailDropDir: path.join(config.dataDir, 'mail'),
      cti:
        config.CTI_TOKEN || config.ZADARMA_TOKEN
          ? {
              token: config.CTI_TOKEN,
              zadarma:
                config.ZADARMA_TOKEN && config.ZADARMA_SECRET
                  ? { token: config.ZADARMA_TOKEN, secret: config.ZADARMA_SECRET }
                  : undefined,
              lateAnswerMs: config.CTI_LATE_ANSWER,
            }
          : undefined,
      phoneCountry: config.PHONE_DEFAULT_COUNTRY,
      sms: {
        token: config.SMS_TOKEN,
        provider: config.SMS_API_KEY
          ? {
              name: config.SMS_PROVIDER,
              baseUrl: config.SMS_BASE_URL ?? smsDefaultBaseUrls[config.SMS_PROVIDER],
              apiKey: config.SMS_API_KEY,
              login: config.SMS_LOGIN,
              from: config.SMS_FROM,
              callbackSecret: config.SMS_CALLBACK_SECRET,
              allowPrivate: config.OUTBOUND_ALLOW_PRIVATE,
            }
          : undefined,
      },
      surveyTimeoutMs: config.SURVEY_TIMEOUT,
      intakeWaitMs: config.INTAKE_WAIT,
      offerTtlMs: config.OFFER_TTL,
      retrainEveryMs: config.RETRAIN_EVERY,
      figuresDigest: { kinds: config.FIGURES_DIGEST, at: config.FIGURES_DIGEST_AT },
      seedDemo: config.SEED_DEMO,
      startingCorpus: config.startingCorpus,
      classifier:
        config.CLASSIFIER_URL && config.CLASSIFIER_MODEL
          ? {
              url: config.CLASSIFIER_URL,
              model: config.CLASSIFIER_MODEL,
              apiKey: config.CLASSIFIER_API_KEY,
              timeoutMs: config.CLASSIFIER_TIMEOUT,
              allowPrivate: config.OUTBOUND_ALLOW_PRIVATE,
            }
          : undefined,
      identity: {
        ...defaultIdentityOptions,
        sessionIdleMs: config.SESSION_IDLE,
        sessionAbsoluteMs: config.SESSION_MAX,
      },
      oidc: config.OIDC_ISSUER
        ? {
            issuer: config.OIDC_ISSUER,
            clientId: config.OIDC_CLIENT_ID!,
            clientSecret: config.OIDC_CLIENT_SECRET!,
            redirectUri: `${config.PUBLIC_URL!.replace(/\/$/, '')}/auth/oidc/callback`,
            scopes: config.OIDC_SCOPES,
            providerName: config.OIDC_PROVIDER_NAME ?? new URL(config.OIDC_ISSUER).host,
            emailVerifiedClaim: config.OIDC_EMAIL_VERIFIED_CLAIM,
          }
        : undefined,
      ldap: config.LDAP_URL
        ? {
            url: config.LDAP_URL,
            startTls: config.LDAP_STARTTLS,
            bindDn: config.LDAP_BIND_DN,
            bindPassword: config.LDAP_BIND_PASSWORD,
            searchBase: config.LDAP_SEARCH_BASE,
            userDnTemplate: config.LDAP_USER_DN_TEMPLATE,
            loginAttribute: config.LDAP_LOGIN_ATTRIBUTE,
            mapBy: config.LDAP_MAP_BY,
            name: config.LDAP_NAME,
            timeoutMs: config.LDAP_TIMEOUT,
          }
        : undefined,
      trustedProxies: config.TRUSTED_PROXIES,
      identityHeader: config.IDENTITY_HEADER,
      publicRateLimit: config.PUBLIC_RATE_LIMIT || undefined,
      webhookRateLimit: config.WEBHOOK_RATE_LIMIT || undefined,
      deskTimeZone: config.DESK_TIME_ZONE,
      webDir,
      allowedHosts: allowedHosts({ publicUrl: baseUrl, extra: config.ALLOWED_HOSTS, port: config.PORT }),
      requestTimeoutMs: config.REQUEST_TIMEOUT,
      accessLog: config.ACCESS_LOG,
      onWorkerFailure: (error) => {
        logger.fatal({ err: error }, 'the Temporal worker stopped');
        void stop('worker failure', 1);
      },
    });
    await desk.app.listen({ host: config.HOST, port: config.PORT });

    // Shown once: only its hash is stored. Lost, it is reset by deleting the row (see the README).
    const admin = desk.firstAdministrator;
    const firstStart = admin
      ? [
          `First start: administrator "${admin.login}", password ${admin.password}  (shown once: keep it now, or change it at /password.html)`,
        ]
      : [];

    const lines =
      config.DESK_ROLE === 'worker'
        ? workerLines(baseUrl)
        : [
            '',
            `Service desk is running${config.DESK_ROLE === 'api' ? ' (API only: workers run elsewhere)' : ''}:`,
            `  Web          ${baseUrl}/`,
            `  API docs     ${baseUrl}/docs`,
            `  Temporal UI  ${temporal.uiUrl ?? '(not started here: see your Temporal deployment)'}`,
            `  E-mail       ${desk.mailer.target}${config.SMTP_URL ? '' : '  (no SMTP_URL: messages are saved as .eml files)'}`,
            `  Sign in      ${baseUrl}/sign-in.html${config.SEED_DEMO ? `  (demo staff ivanova, petrov, sidorova: password ${DEMO_PASSWORD})` : ''}`,
            ...firstStart,
            `API token: sign in (POST ${baseUrl}/auth/sign-in) and POST /auth/tokens, then send Authorization: Bearer sd_…`,
            `Try: curl -s -X POST ${baseUrl}/tickets -H 'content-type: application/json' -d '{"subject":"Не включается ноутбук","description":"Не включается после обновления","client":{"phone":"+79161234567"}}'`,
            'Stop with Ctrl-C.',
            '',
          ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } catch (error) {
    logger.fatal({ err: error }, error instanceof Error ? error.message : 'start-up failed');
    await stop('start-up failed', 1);
  }
}

function workerLines(baseUrl: string): string[] {
  return [
    '',
    'Service desk worker is running (no API here):',
    `  Health       ${baseUrl}/health/ready`,
    `  Metrics      ${baseUrl}/metrics`,
    'Stop with Ctrl-C.',
    '',
  ];
}

void main();
