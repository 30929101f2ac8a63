import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Worker, WorkerOptions } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createActivities, type TicketActivities } from '../activities';
import { buildApp } from './api/app';
import { createMailer, type Mailer } from './channels/email';
import { closeDatabase, openDatabase, type Database } from './db/client';
import { runMigrations } from './db/migrate';
import { seedDemoData } from './db/seed';
import { foldProcessStatDeltas } from './repositories/process-stats';
import { createCatalogService } from './services/catalog-service';
import { loadProcessCatalog } from './services/process-catalog';
import { createProcessService } from './services/process-service';
import { createQueueService, type QueueService } from './services/queue-service';
import { createRulesService, ensureRetrainSchedule } from './services/rules-service';
import { createStaffService } from './services/staff-service';
import { createTicketReads } from './services/ticket-reads';
import { createTicketService, type TicketService } from './services/ticket-service';
import { createTicketWorker, installTemporalRuntime } from './worker';

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
  intakeWaitMs: number;
  /** How long an offer from `POST /queues/:id/next` is held for its operator. */
  offerTtlMs?: number;
  /** Retrain the category model on a Temporal schedule this often; none when absent. */
  retrainEveryMs?: number;
  seedDemo: boolean;
  webDir?: string;
  /** Run the worker in this process (the default); benchmarks may run it elsewhere. */
  runWorker?: boolean;
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Called if the worker stops on its own (it should not): the process decides what to do. */
  onWorkerFailure?: (error: unknown) => void;
  /** How often the process statistics' summary folds in its deltas (default 10 s). */
  statsFoldEveryMs?: number;
  /** Lets a test wrap an activity, e.g. to make it fail after its write. */
  wrapActivities?: (activities: TicketActivities) => TicketActivities;
}

export interface Desk {
  app: FastifyInstance;
  db: Database;
  temporal: Client;
  tickets: TicketService;
  queues: QueueService;
  mailer: Mailer;
  /** The in-process worker, when there is one (benchmarks record its options). */
  worker?: Worker;
  stop(): Promise<void>;
}

/** Wires the desk from its parts: database, mail, Temporal worker and client, HTTP API. */
export async function startDesk(options: DeskOptions): Promise<Desk> {
  const { logger } = options;
  await runMigrations(options.databaseUrl);
  const db = openDatabase(options.databaseUrl);
  if (options.seedDemo) await seedDemoData(db);

  const mailer = createMailer({ smtpUrl: options.smtpUrl, from: options.mailFrom, dropDir: options.mailDropDir });
  const built = createActivities({ db, mailer, logger, publicUrl: options.publicUrl });
  const activities = options.wrapActivities ? options.wrapActivities(built) : built;

  installTemporalRuntime(logger);
  const workerParts =
    options.runWorker === false
      ? undefined
      : await createTicketWorker({
          address: options.temporalAddress,
          namespace: options.namespace,
          taskQueue: options.taskQueue,
          activities,
          workflowBundle: options.workflowBundle,
        });
  const workerRun = workerParts?.worker.run().catch((error) => {
    if (options.onWorkerFailure) options.onWorkerFailure(error);
    else logger.error({ err: error }, 'the Temporal worker stopped');
  });

  const connection = await Connection.connect({ address: options.temporalAddress });
  const temporal = new Client({ connection, namespace: options.namespace });
  const queueService = createQueueService({ db, offerTtlMs: options.offerTtlMs ?? 60_000 });
  const tickets = createTicketService({
    db,
    temporal,
    taskQueue: options.taskQueue,
    surveyTimeoutMs: options.surveyTimeoutMs,
    intakeWaitMs: options.intakeWaitMs,
    logger,
    reserveForAccept: queueService.reserveForAccept,
  });
  const rules = createRulesService({ db, temporal, taskQueue: options.taskQueue });
  if (options.retrainEveryMs) await ensureRetrainSchedule(temporal, options.taskQueue, options.retrainEveryMs);
  const processes = await loadProcessCatalog();
  const app = await buildApp({
    staff: createStaffService({ db }),
    tickets,
    reads: createTicketReads({ db, processes }),
    processes: createProcessService({ db, processes }),
    queues: queueService,
    rules,
    catalog: createCatalogService({ db }),
    logger,
    webDir: options.webDir,
    publicUrl: options.publicUrl,
  });
  // Statistics add the deltas not folded yet, so folding is only for speed: a failed fold is retried next time.
  let folding: Promise<unknown> = Promise.resolve();
  const foldTimer = setInterval(() => {
    folding = foldProcessStatDeltas(db).catch((error) =>
      logger.warn({ err: error }, 'could not fold the process statistics deltas'),
    );
  }, options.statsFoldEveryMs ?? 10_000);
  foldTimer.unref();

  return {
    app,
    db,
    temporal,
    tickets,
    queues: queueService,
    mailer,
    worker: workerParts?.worker,
    async stop() {
      clearInterval(foldTimer);
      await app.close();
      await folding;
      if (workerParts) {
        workerParts.worker.shutdown();
        await workerRun;
        await workerParts.connection.close();
      }
      await connection.close();
      mailer.close();
      await closeDatabase(db);
    },
  };
}

export const webDir = path.resolve(__dirname, '..', 'web');
