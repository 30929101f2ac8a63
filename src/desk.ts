import fs from 'node:fs/promises';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Worker, WorkerOptions } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createActivities, type TicketActivities } from '../activities';
import { buildApp } from './api/app';
import { buildOperationsApp } from './api/operations-app';
import { startIntakeChannels } from './desk-channels';
import type { Tracing } from './infra/tracing';
import { createMailer, type Mailer } from './channels/email';
import type { ImapPoller } from './channels/imap-poller';
import type { SmtpReceiver } from './channels/smtp-receiver';
import { createTelegramBotApi } from './channels/telegram-bot-api';
import { telegramTransport } from './channels/telegram-notices';
import type { TelegramPoller } from './channels/telegram-poller';
import { closeDatabase, openDatabase, type Database } from './db/client';
import { runMigrations } from './db/migrate';
import { DEMO_PASSWORD, demoStaff, seedDemoData } from './db/seed';
import { parseLabelled } from './domain/evaluation';
import { createExternalClassifier, type ExternalClassifierOptions } from './infra/external-classifier';
import { foldProcessStatDeltas } from './repositories/process-stats';
import { addToCorpus, hasCategoryModel, retrainCategoryModel } from './repositories/routing';
import { createArticleService, type ArticleService } from './services/article-service';
import { createClientStatus } from './services/client-status';
import { createAuditService } from './services/audit-service';
import { createCallService, type CtiOptions } from './services/call-service';
import type { SmsIntake } from './services/sms-intake';
import type { SmsProvider, SmsProviderOptions } from './channels/sms';
import { smsProviders, type SmsProviderName } from './channels/sms-providers';
import { smsTransport } from './channels/sms-notices';
import type { SmsDeliveries } from './services/sms-deliveries';
import { createCatalogService } from './services/catalog-service';
import { createNoticeTemplateService } from './services/notice-template-service';
import { createOperationsService, type OperationsService } from './services/operations-service';
import { loadProcessCatalog } from './services/process-catalog';
import { createFigureService } from './services/figure-service';
import { createProcessService } from './services/process-service';
import { createQueueService, type QueueService } from './services/queue-service';
import { createRulesService, ensureRetrainSchedule } from './services/rules-service';
import { ensureDigestSchedules } from './services/figures-digest';
import type { DigestKind } from './domain/figures-digest';
import { createStatusQuestions } from './services/status-questions';
import { createIdentityService, type IdentityOptions } from './services/identity-service';
import { createLdapSignIn, type LdapOptions } from './services/ldap-sign-in';
import { createOidcSignIn, type OidcOptions } from './services/oidc-sign-in';
import { createStaffService } from './services/staff-service';
import { createClientService } from './services/client-service';
import { createTicketReads } from './services/ticket-reads';
import { createTicketService, type TicketService } from './services/ticket-service';
import type { MailIntake } from './services/mail-intake';
import type { TelegramIntake } from './services/telegram-intake';
import type { PhoneCountry } from './domain/phone';
import { createTicketWorker, installTemporalRuntime, type WorkerTuning } from './worker';

export interface DeskOptions {
  databaseUrl: string;
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  logger: Logger;
  publicUrl: string;
  smtpUrl?: string;
  mailFrom: string;
  mailDropDir: string;
  surveyTimeoutMs: number;
  /** A ticket's run continues as new at this many history events (besides when Temporal suggests it). */
  ticketHistoryLimit?: number;
  intakeWaitMs: number;
  /** The access log's level, or off (ACCESS_LOG); `info` when absent. */
  accessLog?: 'info' | 'debug' | 'off';
  /** How often a client's status stream looks for changes (tests make it short); 3 s when absent. */
  statusPollMs?: number;
  /** How long an offer from `POST /queues/:id/next` is held for its operator. */
  offerTtlMs?: number;
  /** Retrain the category model on a Temporal schedule this often; none when absent. */
  retrainEveryMs?: number;
  /** The managers' digest schedules (FIGURES_DIGEST, FIGURES_DIGEST_AT): kinds and local time; left as they are when absent. */
  figuresDigest?: { kinds: readonly DigestKind[]; at: string };
  seedDemo: boolean;
  /**
   * A labelled file (data/tickets-labelled.jsonl's format) the category model is first trained
   * on when the desk has no model yet; none: the rules decide alone until operators' verdicts train one.
   */
  startingCorpus?: string;
  /** An external (OpenAI-compatible) classifier asked first at intake; the local model stays the fallback. */
  classifier?: ExternalClassifierOptions;
  webDir?: string;
  /** The Host values the API answers to (DNS rebinding); none: any Host. */
  allowedHosts?: ReadonlySet<string>;
  requestTimeoutMs?: number;
  /**
   * What this process runs (default `all`): `api` serves HTTP without a worker (benchmarks run
   * the worker elsewhere); `worker` runs the Temporal worker and the statistics folding, and
   * serves only /health/* and /metrics.
   */
  role?: DeskRole;
  /** host:port for the Temporal SDK's own metrics in a process with a worker (appended to /metrics). */
  temporalMetricsAddress?: string;
  /** OpenTelemetry tracing (OTEL_EXPORTER_OTLP_ENDPOINT); off when absent. */
  tracing?: Tracing;
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** The worker's tuning over ticketWorkerTuning (the workflow cache size, chosen from DESK_MEMORY_MIB). */
  workerTuning?: WorkerTuning;
  /** Called if the worker stops on its own (it should not): the process decides what to do. */
  onWorkerFailure?: (error: unknown) => void;
  /** How often the process statistics' summary folds in its deltas (default 10 s). */
  statsFoldEveryMs?: number;
  /** Session timeouts and the sign-in limit; defaults in src/services/identity-service.ts. */
  identity?: IdentityOptions;
  /** Single sign-on at an OpenID Connect provider (OIDC_*); off when absent. */
  oidc?: OidcOptions;
  /** Sign-in with the directory's password (LDAP_*); off when absent. */
  ldap?: LdapOptions;
  /** Addresses of authenticating proxies whose identity header (`identityHeader`) is believed. */
  trustedProxies?: readonly string[];
  identityHeader?: string;
  /** Requests a minute per address to the public routes that write; none: unlimited (PUBLIC_RATE_LIMIT). */
  publicRateLimit?: number;
  /** Requests a minute per address to the channels' webhooks; none: unlimited (WEBHOOK_RATE_LIMIT). */
  webhookRateLimit?: number;
  /** The zone the figures' days, weeks and months follow (DESK_TIME_ZONE); Moscow when not given. */
  deskTimeZone?: string;
  /** The desk as its own MX: an SMTP receiver for its addresses, when configured (SMTP_RECEIVER_PORT). */
  mailReceiver?: {
    host: string;
    port: number;
    /** The domain the desk receives for; the domain of `mailFrom` when absent. */
    domain?: string;
    maxSize: number;
  };
  /** A mailbox the desk polls for mail (IMAP_URL), for a desk that is not its own MX. */
  imap?: { url: string; mailbox: string; sweepEveryMs: number };
  /** Phone calls from a PBX (CTI webhook, Zadarma's, and the operators' page), when CTI_TOKEN or ZADARMA_TOKEN is set. */
  cti?: CtiOptions;
  /**
   * SMS: inbound at the webhook when `token` is set (SMS_TOKEN); a provider to send client notices
   * through when configured, its delivery reports at `/channels/sms/<token>/status` and polled every
   * `deliveryPollMs` (default a minute), when accepted notices whose SMS is not sent yet are sent again.
   */
  sms?: { token?: string; provider?: { name: SmsProviderName } & SmsProviderOptions; deliveryPollMs?: number };
  /** The country bare phone numbers are read in (PHONE_DEFAULT_COUNTRY, default RU). */
  phoneCountry?: PhoneCountry;
  /** The Telegram bot (TELEGRAM_BOT_TOKEN): its updates in by webhook or long polling, notices out to its chats. */
  telegram?: {
    token: string;
    apiUrl: string;
    mode: 'polling' | 'webhook';
    /** getUpdates' long-poll wait. */
    pollTimeoutSeconds: number;
    /** Lets TELEGRAM_API_URL be a local Bot API server (OUTBOUND_ALLOW_PRIVATE). */
    allowPrivate: boolean;
    /** How often a process without the poller's lock tries it again (default 5 s). */
    standbyMs?: number;
    /** How often failed updates are processed again and accepted notices left unsent (at least this old) sent again (default 30 s). */
    resendEveryMs?: number;
  };
  /** Lets a test wrap an activity, e.g. to make it fail after its write. */
  wrapActivities?: (activities: TicketActivities) => TicketActivities;
}

export const deskRoles = ['all', 'api', 'worker'] as const;
export type DeskRole = (typeof deskRoles)[number];

const DATABASE_POOL_MAX = 10;

export interface Desk {
  role: DeskRole;
  app: FastifyInstance;
  db: Database;
  /** The administrator created at this start, with the password to show once; none when one existed. */
  firstAdministrator?: { login: string; password: string };
  temporal: Client;
  tickets: TicketService;
  /** Messages on tickets from every channel (src/services/article-service.ts). */
  articles: ArticleService;
  /** Inbound e-mail: stored, then threaded onto tickets (src/services/mail-intake.ts). */
  mail: MailIntake;
  /** The SMTP receiver, when one was configured. */
  mailReceiver?: SmtpReceiver;
  /** The polled mailbox, when one was configured. */
  imapPoller?: ImapPoller;
  /** The Telegram bot's updates: stored, then processed (src/services/telegram-intake.ts); when a bot is configured. */
  telegram?: TelegramIntake;
  telegramPoller?: TelegramPoller;
  queues: QueueService;
  mailer: Mailer;
  operations: OperationsService;
  /** Inbound SMS, the configured SMS gateway (client notices go through it) and its delivery reports, when set up. */
  sms: { intake?: SmsIntake; provider?: SmsProvider; deliveries?: SmsDeliveries };
  /** The in-process worker, when there is one (benchmarks record its options). */
  worker?: Worker;
  stop(): Promise<void>;
}

/** Wires the desk from its parts: database, mail, Temporal worker and client, HTTP API. */
export async function startDesk(options: DeskOptions): Promise<Desk> {
  const { logger } = options;
  const role = options.role ?? 'all';
  const db = openDatabase(options.databaseUrl, { max: DATABASE_POOL_MAX });
  const identity = createIdentityService({ db, options: options.identity });
  // Migrations, the demo seed and the first administrator under one lock: processes may start together.
  let firstAdministrator: { login: string; password: string } | undefined;
  await runMigrations(options.databaseUrl, async () => {
    if (options.seedDemo) {
      await seedDemoData(db);
      await identity.setDemoPasswords(demoStaff, DEMO_PASSWORD);
    }
    firstAdministrator = await identity.ensureAdministrator();
    if (options.startingCorpus) await trainOnStartingCorpus(db, options.startingCorpus, logger);
  });

  const mailer = createMailer({ smtpUrl: options.smtpUrl, from: options.mailFrom, dropDir: options.mailDropDir });
  const classifier = options.classifier ? createExternalClassifier(options.classifier) : undefined;
  const bot = options.telegram
    ? createTelegramBotApi({
        baseUrl: options.telegram.apiUrl,
        token: options.telegram.token,
        allowPrivate: options.telegram.allowPrivate,
      })
    : undefined;
  const telegramChannel = bot ? telegramTransport(bot) : undefined;
  const smsProvider = options.sms?.provider ? smsProviders[options.sms.provider.name](options.sms.provider) : undefined;
  const smsChannel = smsProvider ? smsTransport(smsProvider) : undefined;
  // The metrics are made further down; the activities report to them once they exist.
  const metrics: { observeTimerLag?: OperationsService['observeTimerLag'] } = {};
  const built = createActivities({
    db,
    mailer,
    telegram: telegramChannel,
    sms: smsChannel,
    logger,
    publicUrl: options.publicUrl,
    classifier,
    timeZone: options.deskTimeZone,
    observeTimerLag: (alarm, seconds) => metrics.observeTimerLag?.(alarm, seconds),
  });
  const activities = options.wrapActivities ? options.wrapActivities(built) : built;

  const sdkMetricsAddress = installTemporalRuntime(logger, role === 'api' ? undefined : options.temporalMetricsAddress);
  const workerParts =
    role === 'api'
      ? undefined
      : await createTicketWorker({
          address: options.temporalAddress,
          namespace: options.namespace,
          taskQueue: options.taskQueue,
          activities,
          workflowBundle: options.workflowBundle,
          tuning: options.workerTuning,
          tracing: options.tracing?.workerOptions,
        });
  const workerRun = workerParts?.worker.run().catch((error) => {
    if (options.onWorkerFailure) options.onWorkerFailure(error);
    else logger.error({ err: error }, 'the Temporal worker stopped');
  });

  const connection = await Connection.connect({ address: options.temporalAddress });
  const temporal = new Client({
    connection,
    namespace: options.namespace,
    interceptors: options.tracing?.clientInterceptors,
  });
  const queueService = createQueueService({ db, offerTtlMs: options.offerTtlMs ?? 60_000 });
  const articles = createArticleService({ db, temporal, logger });
  const clientStatus = createClientStatus({ db, articles });
  const rules = createRulesService({ db, temporal, taskQueue: options.taskQueue, classifier });
  const tickets = createTicketService({
    db,
    temporal,
    taskQueue: options.taskQueue,
    surveyTimeoutMs: options.surveyTimeoutMs,
    statusLinks: clientStatus,
    ticketHistoryLimit: options.ticketHistoryLimit,
    intakeWaitMs: options.intakeWaitMs,
    logger,
    reserveForAccept: queueService.reserveForAccept,
    phoneCountry: options.phoneCountry,
    statusQuestions: createStatusQuestions({
      db,
      temporal,
      taskQueue: options.taskQueue,
      articles,
      categoryOf: rules.categoryOf,
      logger,
    }),
  });
  const channels = await startIntakeChannels({
    options,
    role,
    db,
    logger,
    mailer,
    tickets,
    articles,
    telegram: bot && telegramChannel ? { bot, transport: telegramChannel } : undefined,
    sms: smsProvider && smsChannel ? { provider: smsProvider, transport: smsChannel } : undefined,
  });
  const { mail, mailReceiver, imapPoller, telegram, telegramPoller, smsIntake, smsDeliveries, smsCallbacks } = channels;
  if (options.retrainEveryMs) await ensureRetrainSchedule(temporal, options.taskQueue, options.retrainEveryMs);
  // Made where the workflows run: an API process alone does not change the schedules.
  if (options.figuresDigest && workerParts)
    await ensureDigestSchedules(temporal, options.taskQueue, {
      ...options.figuresDigest,
      timeZone: options.deskTimeZone ?? 'Europe/Moscow',
    });
  const operations = createOperationsService({
    db,
    temporal: connection,
    worker: workerParts?.worker,
    temporalMetricsAddress: workerParts ? sdkMetricsAddress : undefined,
    databasePoolMax: DATABASE_POOL_MAX,
  });
  metrics.observeTimerLag = operations.observeTimerLag;
  const processes = await loadProcessCatalog();
  const reads = createTicketReads({ db, processes });
  const calls =
    options.cti && role !== 'worker'
      ? createCallService({
          db,
          temporal,
          taskQueue: options.taskQueue,
          surveyTimeoutMs: options.surveyTimeoutMs,
          cti: options.cti,
          phoneCountry: options.phoneCountry ?? 'RU',
          tickets,
          reads,
          logger,
        })
      : undefined;
  const fullApp = () =>
    buildApp({
      tracing: options.tracing,
      identity,
      oidc: options.oidc ? createOidcSignIn({ db, identity, options: options.oidc, logger }) : undefined,
      ldap: options.ldap ? createLdapSignIn({ db, identity, options: options.ldap, logger }) : undefined,
      trustedProxies: options.trustedProxies,
      identityHeader: options.identityHeader,
      publicRateLimit: options.publicRateLimit,
      webhookRateLimit: options.webhookRateLimit,
      tickets,
      staff: createStaffService({ db }),
      reads,
      clients: createClientService({ db, reads, articles, phoneCountry: options.phoneCountry ?? 'RU' }),
      calls,
      sms: smsIntake,
      smsDeliveries,
      smsCallbacks,
      articles,
      clientStatus,
      statusPollMs: options.statusPollMs,
      processes: createProcessService({ db, processes }),
      figures: createFigureService({ db, timeZone: options.deskTimeZone }),
      audit: createAuditService({ db }),
      queues: queueService,
      rules,
      catalog: createCatalogService({ db }),
      noticeTemplates: createNoticeTemplateService({ db }),
      logger,
      webDir: options.webDir,
      publicUrl: options.publicUrl,
      allowedHosts: options.allowedHosts,
      requestTimeoutMs: options.requestTimeoutMs,
      accessLog: options.accessLog,
      operations,
      telegramWebhook: options.telegram?.mode === 'webhook' ? telegram : undefined,
    });
  const app =
    role === 'worker'
      ? await buildOperationsApp({ operations, logger, allowedHosts: options.allowedHosts })
      : await fullApp();
  // Statistics add the deltas not folded yet, so folding is only for speed: a failed fold is retried next time.
  // Every process may try; the fold takes an advisory lock, so one folds at a time and the others skip.
  let folding: Promise<unknown> = Promise.resolve();
  const foldTimer = setInterval(() => {
    folding = foldProcessStatDeltas(db).catch((error) =>
      logger.warn({ err: error }, 'could not fold the process statistics deltas'),
    );
  }, options.statsFoldEveryMs ?? 10_000);
  foldTimer.unref();

  return {
    role,
    app,
    db,
    firstAdministrator,
    temporal,
    tickets,
    articles,
    mail,
    mailReceiver,
    imapPoller,
    telegram,
    telegramPoller,
    queues: queueService,
    mailer,
    operations,
    sms: { intake: smsIntake, provider: smsProvider, deliveries: smsDeliveries },
    worker: workerParts?.worker,
    async stop() {
      clearInterval(foldTimer);
      await channels.stop();
      await app.close();
      await folding;
      if (workerParts) {
        // A worker that stopped already (it failed, or a test stopped it) is only waited for.
        if (workerParts.worker.getState() === 'RUNNING') workerParts.worker.shutdown();
        await workerRun;
        await workerParts.connection.close();
      }
      await connection.close();
      mailer.close();
      await closeDatabase(db);
    },
  };
}

/**
 * A desk with no category model yet learns its starting corpus and trains on it, so the model
 * decides from the first ticket; later starts leave the corpus and the models as they are.
 */
export async function trainOnStartingCorpus(db: Database, file: string, logger: Logger) {
  if (await hasCategoryModel(db)) return;
  const examples = parseLabelled(await fs.readFile(file, 'utf8'), file);
  const added = await addToCorpus(db, examples, path.basename(file));
  const trained = await retrainCategoryModel(db);
  logger.info(
    { corpus: file, added, trainingTickets: trained.trainingTickets, categories: trained.categories },
    'category model trained on the starting corpus',
  );
}

export const webDir = path.resolve(__dirname, '..', 'web');
