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
 * only forward (recordDelivery). A failure reported after the gateway took an SMS is recorded, not
 * fallen back on: the notice was sent, and the client may have read it.
 */
export function createSmsDeliveries(deps: { db: Database; provider: SmsProvider; logger: Logger }) {
  const log = deps.logger.child({ channel: 'sms' });
  let polling: Promise<void> | undefined;

  async function pollOnce() {
    for (const message of await messagesOnTheirWay(deps.db, 'sms', FOLLOWED_FOR_MS)) {
      try {
        const delivery = await deps.provider.delivery(message.providerId!);
        await recordDelivery(deps.db, 'sms', message.providerId!, delivery);
      } catch (error) {
        log.warn({ err: error, ticketId: message.ticketId, purpose: message.purpose }, 'SMS delivery not known yet');
      }
    }
  }

  /** A delivery report the gateway posted; false when the desk sent no SMS of that id. */
  async function report({ id, status }: { id: string; status: SmsDelivery }): Promise<{ recorded: boolean }> {
    const row = await recordDelivery(deps.db, 'sms', id, status);
    if (row) log.info({ ticketId: row.ticketId, purpose: row.purpose, delivery: status }, 'SMS delivery');
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
