import type { Logger } from 'pino';
import { SmsCallbackError, type CallbackFields, type SmsProvider } from '../channels/sms';
import type { Database } from '../db/client';
import type { SmsDelivery } from '../domain/enums';
import { messagesOnTheirWay, recordDelivery } from '../repositories/outbox';
import { DeskError } from './errors';

/** How long an SMS is followed: gateways keep trying a phone that is off for a day or two. */
const FOLLOWED_FOR_MS = 3 * 24 * 3_600_000;

/**
 * Where the SMS the desk sent are: the gateway's delivery callback (`report` in the generic format,
 * `receiveCallback` in the gateway's own) and, for gateways whose callbacks do not come, a poll of
 * each one still on its way (`poll`). Kept on the outbox's copy (delivery, delivery_at), moving
 * only forward (recordDelivery). A failure reported after the gateway took an SMS (`failed`: it
 * gave up on the phone) is handed to `onUndelivered`, which sends the notice on by the client's
 * next channel (activities/undelivered-notices.ts), in the background: the gateway is answered at once.
 */
export function createSmsDeliveries(deps: {
  db: Database;
  provider: SmsProvider;
  logger: Logger;
  onUndelivered?: (copy: { ticketId: number; purpose: string }) => Promise<void>;
}) {
  const log = deps.logger.child({ channel: 'sms' });
  let polling: Promise<void> | undefined;

  /** A report kept: one that says the SMS will not arrive sends its notice on, once (recordDelivery moves only forward). */
  function kept(row: { ticketId: number; purpose: string; delivery: SmsDelivery | null }) {
    log.info({ ticketId: row.ticketId, purpose: row.purpose, delivery: row.delivery }, 'SMS delivery');
    if (row.delivery === 'failed' && deps.onUndelivered)
      void deps
        .onUndelivered(row)
        .catch((error: unknown) =>
          log.warn({ err: error, ticketId: row.ticketId, purpose: row.purpose }, 'undelivered SMS not sent on yet'),
        );
  }

  async function pollOnce() {
    for (const message of await messagesOnTheirWay(deps.db, 'sms', FOLLOWED_FOR_MS)) {
      try {
        const delivery = await deps.provider.delivery(message.providerId!);
        const row = await recordDelivery(deps.db, 'sms', message.providerId!, delivery);
        if (row) kept(row);
      } catch (error) {
        log.warn({ err: error, ticketId: message.ticketId, purpose: message.purpose }, 'SMS delivery not known yet');
      }
    }
  }

  /** A delivery report the gateway posted; false when the desk sent no SMS of that id. */
  async function report({ id, status }: { id: string; status: SmsDelivery }): Promise<{ recorded: boolean }> {
    const row = await recordDelivery(deps.db, 'sms', id, status);
    if (row) kept(row);
    return { recorded: row !== null };
  }

  return {
    report,

    /** The gateway whose own callback format the status URL reads (a form it posts); none: the generic JSON alone. */
    callbackFormat: deps.provider.parseDeliveryCallback ? deps.provider.name : undefined,

    /**
     * A callback in the gateway's own format: each report in it kept as `report` keeps one (an id
     * the desk did not send is passed over), and the answer the gateway waits for. A body not of its
     * format is refused whole (400 naming the field), before anything is kept.
     */
    async receiveCallback(fields: CallbackFields): Promise<string> {
      if (!deps.provider.parseDeliveryCallback)
        throw new DeskError('VALIDATION', `the ${deps.provider.name} gateway posts no callback of its own format`);
      let callback;
      try {
        callback = deps.provider.parseDeliveryCallback(fields);
      } catch (error) {
        if (error instanceof SmsCallbackError) throw new DeskError('VALIDATION', error.message);
        throw error;
      }
      let recorded = 0;
      for (const { providerId, delivery } of callback.reports)
        recorded += Number((await report({ id: providerId, status: delivery })).recorded);
      log.debug({ reports: callback.reports.length, recorded }, 'SMS delivery callback');
      return callback.answer;
    },

    /** One pass over the SMS still on their way; a pass already running is waited for, not doubled. */
    poll(): Promise<void> {
      polling ??= pollOnce()
        .catch((error: unknown) => log.warn({ err: error }, 'SMS deliveries not polled; tried again later'))
        .finally(() => (polling = undefined));
      return polling;
    },
  };
}

export type SmsDeliveries = ReturnType<typeof createSmsDeliveries>;
