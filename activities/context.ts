import type { Logger } from 'pino';
import type { Mailer } from '../src/channels/email';
import type { Database } from '../src/db/client';
import type { ExternalClassifier } from '../src/infra/external-classifier';
import type { OutboxTransport } from '../src/repositories/outbox';
import { ticketWorkflowId } from '../src/domain/process';

export interface ActivityDependencies {
  db: Database;
  mailer: Mailer;
  /** The Telegram bot's channel, when a bot is configured (TELEGRAM_BOT_TOKEN): notices of tickets that came by it. */
  telegram?: OutboxTransport;
  /** The SMS gateway's channel, when one is configured (SMS_API_KEY): notices to clients reached by phone. */
  sms?: OutboxTransport;
  logger: Logger;
  /** Base of links sent to clients (the survey page). */
  publicUrl: string;
  /** Asked for a ranking at intake when configured (CLASSIFIER_URL). */
  classifier?: ExternalClassifier;
  /** The desk's time zone (DESK_TIME_ZONE): the managers' digest cuts its days and weeks in it. */
  timeZone?: string;
  /** How late an SLA alarm fired after the instant it was due (the worker's metrics). */
  observeTimerLag?: (alarm: 'warning' | 'breach' | 'escalation', seconds: number) => void;
}

export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

/** Every ticket's log lines carry its id and its workflow's. */
export const ticketLogger = (logger: Logger) => (ticketId: number) =>
  logger.child({ ticketId, workflowId: ticketWorkflowId(ticketId) });
