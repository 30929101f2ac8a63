import { postJson } from '../infra/outbound-http';
import { smsOutbound, SmsProviderError, type SmsDelivery, type SmsProvider, type SmsProviderOptions } from './sms';

type AeroMessage = { id?: unknown; status?: unknown };
type AeroAnswer = { success?: unknown; data?: AeroMessage | null; message?: unknown } | null;

/**
 * SMS Aero's message statuses (`data.status`): 0 in its queue, 8 on moderation, 3 handed to the
 * operator, 4 waiting for the operator's report, 1 delivered, 2 not delivered, 6 refused. Only 0
 * ("queue") and 1 ("delivery") are confirmed by the answers its official client's comments show;
 * the others are from its status list, whose page was not among the copies read.
 */
const AERO_DELIVERY: Record<number, SmsDelivery> = {
  0: 'queued',
  8: 'queued',
  3: 'sent',
  4: 'sent',
  1: 'delivered',
  2: 'failed',
  6: 'failed',
};

/**
 * The answer of SMS Aero's API: `{"success": true, "data": {…}, "message": null}`, or `success:
 * false` with its reason in `message`. HTTP 401 is the credentials; another 4xx (a bad number or
 * text: "Validation error.") is its decision on this SMS; 5xx, 408 and 429 and anything that is
 * not its JSON pass, and the SMS is tried again later.
 */
function answered(answer: { status: number; text: string }, what: string): AeroMessage {
  let body: AeroAnswer = null;
  try {
    body = JSON.parse(answer.text) as AeroAnswer;
  } catch {
    // Not its JSON: a proxy's page, or the gateway half up.
  }
  const reason = typeof body?.message === 'string' ? body.message : `HTTP ${answer.status}`;
  if (answer.status === 401)
    throw new SmsProviderError(
      `${what}: SMS Aero refused the credentials (${reason}); check SMS_LOGIN (the account's e-mail) and SMS_API_KEY`,
      true,
    );
  if (answer.status >= 500 || answer.status === 408 || answer.status === 429 || !body || typeof body !== 'object')
    throw new SmsProviderError(`${what}: HTTP ${answer.status}${body ? ` ${reason}` : ''}`);
  if (answer.status >= 300 || body.success !== true || !body.data)
    throw new SmsProviderError(`${what}: SMS Aero refused: ${reason}`, true);
  return body.data;
}

/**
 * SMS Aero's API v2 as smsaero.ru/integration/documentation/api/ describes it. That page is not in
 * the stored copies the search tool holds; followed instead through SMS Aero's own Python client
 * (github.com/smsaero/smsaero_python, smsaero/__init__.py: every call a POST of a JSON body to
 * `gate.smsaero.ru/v2/<call>` with the e-mail and API key as basic auth, `sign` "SMS Aero" by
 * default, the answer's `success`, `data`, `message`) and npm's @hqdaemon/smsaero page (the same
 * answers). `v2/sms/send` takes `number` (digits, no +), `text`, `sign` and answers `data` `{"id",
 * "status", "extendStatus", …}`; `v2/sms/status` takes `{"id"}` and answers the same `data`.
 * No delivery callback is read: `v2/sms/send` takes a `callbackUrl` ("the URL to which the server
 * will send a request when the message status changes", smsaero_python's send_sms) and a
 * `callbackFormat`, but what SMS Aero posts there is in none of the stored copies searched (its
 * API page is not among them; its clients smsaero_python, smsaero_golang and smsaero_api_v2, and
 * izatop/smsaero-v2, only pass the URL), and a format is not guessed: the desk sends no
 * `callbackUrl` and polls `v2/sms/status` (services/sms-deliveries.ts). Nor is an incoming-SMS
 * callback read: its client has calls for sending, statuses, lists, contacts, groups, the blacklist,
 * HLR and Viber, none for SMS its numbers receive, and no copy read names one; inbound SMS come in
 * the desk's generic JSON (from a bridge).
 */
export function createSmsAero(options: SmsProviderOptions): SmsProvider {
  if (!options.login) throw new Error('SMS Aero needs the account’s e-mail (SMS_LOGIN) with its API key');
  const base = options.baseUrl.replace(/\/+$/, '');
  const auth = { authorization: `Basic ${Buffer.from(`${options.login}:${options.apiKey}`).toString('base64')}` };
  const deliveryOf = (data: AeroMessage, what: string): SmsDelivery => {
    const delivery = AERO_DELIVERY[Number(data.status)];
    if (!delivery) throw new SmsProviderError(`${what}: unknown SMS Aero status ${String(data.status)}`);
    return delivery;
  };
  return {
    name: 'smsaero',
    async send(to, text) {
      const data = answered(
        await postJson(
          `${base}/v2/sms/send`,
          { number: to.replace(/^\+/, ''), text, sign: options.from ?? 'SMS Aero' },
          smsOutbound(options, auth),
        ),
        'SMS Aero send',
      );
      if (typeof data.id !== 'number' && typeof data.id !== 'string')
        throw new SmsProviderError('SMS Aero send: the answer has no id');
      const delivery = deliveryOf(data, 'SMS Aero send');
      if (delivery === 'failed')
        throw new SmsProviderError(`SMS Aero refused SMS ${data.id} (status ${String(data.status)})`, true);
      return { providerId: String(data.id), delivery };
    },
    async delivery(providerId) {
      const id = /^\d+$/.test(providerId) ? Number(providerId) : providerId;
      return deliveryOf(
        answered(await postJson(`${base}/v2/sms/status`, { id }, smsOutbound(options, auth)), 'SMS Aero status'),
        'SMS Aero status',
      );
    },
  };
}
