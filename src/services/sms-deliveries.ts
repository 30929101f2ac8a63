import type { Logger } from 'pino';
import type { GatewayCallback, SmsProvider } from '../channels/sms';
import type { Database } from '../db/client';
import type { SmsDelivery } from '../domain/enums';
import { messagesOnTheirWay, recordDelivery } from '../repositories/outbox';

/** How long an SMS is followed: gateways keep trying a phone that is off for a day or two. */
const FOLLOWED_FOR_MS = 3 * 24 * 3_600_000;

/**
 * Where the SMS the desk sent are: the gateway's delivery callback (`report` in the generic format,
 * `keep` for the reports of one in the gateway's own) and, for gateways whose callbacks do not
 * come, a poll of each one still on its way (`poll`). Kept on the outbox's copy (delivery, delivery_at), moving
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

    /**
     * The reports of a callback in the gateway's own format (services/sms-gateway-callbacks.ts),
     * each kept as `report` keeps one (an id the desk did not send is passed over); how many were.
     */
    async keep(reports: GatewayCallback['reports']): Promise<number> {
      let recorded = 0;
      for (const { providerId, delivery } of reports)
        recorded += Number((await report({ id: providerId, status: delivery })).recorded);
      log.debug({ reports: reports.length, recorded }, 'SMS delivery callback');
      return recorded;
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
