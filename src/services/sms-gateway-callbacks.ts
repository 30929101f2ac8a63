import type { Logger } from 'pino';
import {
  SmsCallbackError,
  SmsSignatureError,
  type CallbackFields,
  type GatewayCallback,
  type SmsProvider,
} from '../channels/sms';
import { DeskError } from './errors';
import type { SmsDeliveries } from './sms-deliveries';
import type { SmsIntake } from './sms-intake';

/** Which of the desk's SMS URLs a form came to: `/channels/sms/<token>/status` or `/channels/sms/<token>`. */
export type SmsCallbackUrl = 'status' | 'inbound';

/**
 * What the configured gateway posts to the desk in its own format, a form its adapter reads: the
 * delivery reports in it kept (SmsDeliveries.keep), an SMS its number received taken in as the
 * generic webhook's are (SmsIntake.receive: stored once per gateway id, threaded to the sender's
 * open ticket), and the answer the gateway waits for. A form not of its format is refused whole
 * (400 naming the field), one whose signature does not check out with a 403, before anything is kept.
 */
export function createSmsGatewayCallbacks(deps: {
  provider: SmsProvider;
  intake: SmsIntake;
  deliveries: SmsDeliveries;
  logger: Logger;
}) {
  const { provider } = deps;
  const log = deps.logger.child({ channel: 'sms', gateway: provider.name });
  const parsers: Record<SmsCallbackUrl, ((fields: CallbackFields) => GatewayCallback) | undefined> = {
    status: provider.parseDeliveryCallback,
    inbound: provider.parseInboundCallback,
  };

  function read(fields: CallbackFields, at: SmsCallbackUrl): GatewayCallback {
    const parse = parsers[at];
    if (!parse)
      throw new DeskError('VALIDATION', `the ${provider.name} gateway posts no form of its own to this SMS URL`);
    try {
      return parse(fields);
    } catch (error) {
      if (error instanceof SmsCallbackError) throw new DeskError('VALIDATION', error.message);
      if (error instanceof SmsSignatureError) throw new DeskError('BAD_SMS_SIGNATURE', error.message);
      throw error;
    }
  }

  return {
    /** The gateway whose own forms each URL reads; none: that URL takes the generic JSON alone. */
    formsAt: {
      status: parsers.status && provider.name,
      inbound: parsers.inbound && provider.name,
    } satisfies Record<SmsCallbackUrl, string | undefined>,

    async receive(fields: CallbackFields, at: SmsCallbackUrl): Promise<string> {
      const callback = read(fields, at);
      if (callback.reports.length > 0) await deps.deliveries.keep(callback.reports);
      if (callback.inbound) {
        const taken = await deps.intake.receive(callback.inbound);
        log.debug({ ...taken, at }, 'inbound SMS in the gateway’s format');
      }
      return callback.answer;
    },
  };
}

export type SmsGatewayCallbacks = ReturnType<typeof createSmsGatewayCallbacks>;
