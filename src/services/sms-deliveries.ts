import type { Logger } from 'pino';
import type { SmsProvider } from '../channels/sms';
import type { Database } from '../db/client';
import type { SmsDelivery } from '../domain/enums';
import { messagesOnTheirWay, recordDelivery } from '../repositories/outbox';

/** How long an SMS is followed: gateways keep trying a phone that is off for a day or two. */
const FOLLOWED_FOR_MS = 3 * 24 * 3_600_000;

/**
 * Where the SMS the desk sent are: the gateway's delivery callback (`report`) and, for gateways
 * whose callbacks do not come, a poll of each one still on its way (`poll`). Kept on the outbox's
 * copy (delivery, delivery_at). A failure reported after the gateway took an SMS is recorded, not
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

  return {
    /** A delivery report the gateway posted; false when the desk sent no SMS of that id. */
    async report(report: { id: string; status: SmsDelivery }): Promise<{ recorded: boolean }> {
      const row = await recordDelivery(deps.db, 'sms', report.id, report.status);
      if (row) log.info({ ticketId: row.ticketId, purpose: row.purpose, delivery: report.status }, 'SMS delivery');
      return { recorded: row !== null };
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
