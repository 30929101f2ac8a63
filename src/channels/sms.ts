import { smsDeliveries, type SmsDelivery } from '../domain/enums';
import { postForm, postJson, type OutboundOptions } from '../infra/outbound-http';

export type { SmsDelivery };

/** A form a gateway posted, field by field (src/api/form-fields.ts; a repeated `x[]` as a list). */
export type CallbackFields = Readonly<Record<string, string | string[] | undefined>>;

/** An SMS the desk's number received, as the gateway (or a bridge) hands it to the desk. */
export interface InboundSms {
  /** The gateway's id of the message: a redelivery carries the same one. */
  id: string;
  from: string;
  text: string;
}

/**
 * A gateway's own callback form, read: where each SMS it names is (the gateway's id, as `send`
 * gave it), an SMS the desk's number received when the form is one (SMSC posts both to one handler
 * URL), and the body the gateway takes as "received".
 */
export interface GatewayCallback {
  reports: Array<{ providerId: string; delivery: SmsDelivery }>;
  inbound?: InboundSms;
  answer: string;
}

/** A callback that is not the gateway's format; the message names the field at fault. */
export class SmsCallbackError extends Error {
  override name = 'SmsCallbackError';
}

/** A callback whose signature is missing or wrong while the gateway's callback secret is set (SMS_CALLBACK_SECRET). */
export class SmsSignatureError extends Error {
  override name = 'SmsSignatureError';
}

/**
 * What the desk needs of an SMS gateway: send a text, ask after it (the polling fallback when
 * delivery callbacks do not come), and read what the gateway posts to the desk in its own format
 * where it has one: delivery callbacks, and the SMS its numbers receive. Inbound SMS in the
 * desk's generic JSON arrive at the same webhook (services/sms-intake.ts), whatever the provider.
 */
export interface SmsProvider {
  name: string;
  /**
   * `reference`: the desk's own id of the message, the same on every attempt, for a gateway that
   * drops a repeat of one it took (the generic gateway; SMS.ru's API has no such field).
   */
  send(to: string, text: string, reference?: string): Promise<{ providerId: string; delivery: SmsDelivery }>;
  delivery(providerId: string): Promise<SmsDelivery>;
  /**
   * The gateway's delivery callback, a form it posts to the desk's status URL, read (throws
   * SmsCallbackError when it is not that format). Absent: the gateway has no callback of its own
   * the desk reads, and reports in the generic JSON format or is polled.
   */
  parseDeliveryCallback?(fields: CallbackFields): GatewayCallback;
  /**
   * The gateway's callback of an SMS its number received, a form it posts to the desk's inbound
   * URL, read (throws SmsCallbackError naming the field when it is not that format, SmsSignatureError
   * when its signature does not check out). Absent: the gateway publishes no such callback, and
   * inbound SMS come in the generic JSON format (from a bridge).
   */
  parseInboundCallback?(fields: CallbackFields): GatewayCallback;
}

/**
 * The gateway answered and refused. `permanent`: it refused this SMS (an error code for the number
 * or the account, an HTTP 4xx) and will again, so a notice goes on by the client's next channel;
 * otherwise (HTTP 5xx, 408, 429, an answer that is not the API's) the send is tried again later.
 */
export class SmsProviderError extends Error {
  override name = 'SmsProviderError';
  constructor(
    message: string,
    readonly permanent = false,
  ) {
    super(message);
  }
}

export interface SmsProviderOptions {
  baseUrl: string;
  /** SMS.ru's api_id; SMSC's password, or its API key when no login; SMS Aero's API key; the generic gateway's bearer key. */
  apiKey: string;
  /** The account's login where the gateway has one: SMSC's login (optional), SMS Aero's account e-mail (required). */
  login?: string;
  /** The sender name agreed with the provider; the provider's default when absent. */
  from?: string;
  /** The secret the gateway signs its callbacks with (SMSC's md5), checked when set. */
  callbackSecret?: string;
  timeoutMs?: number;
  allowPrivate: boolean;
}

/** The outbound request every adapter makes: bounded in time and size, guarded by OUTBOUND_ALLOW_PRIVATE. */
export const smsOutbound = (options: SmsProviderOptions, headers?: Record<string, string>): OutboundOptions => ({
  timeoutMs: options.timeoutMs ?? 10_000,
  allowPrivate: options.allowPrivate,
  maxResponseBytes: 65_536,
  ...(headers ? { headers } : {}),
});

interface SmsRuResult {
  status?: string;
  status_code?: number;
  status_text?: string;
  sms_id?: unknown;
}
type SmsRuAnswer = (SmsRuResult & { sms?: Record<string, SmsRuResult> }) | null;
type GenericAnswer = { id?: unknown; status?: unknown } | null;

/** The gateway's JSON answer; an HTTP error or an answer that is not JSON thrown as SmsProviderError. */
export const parsedAnswer = <T>(answer: { status: number; text: string }, what: string): T => {
  if (answer.status < 200 || answer.status >= 300)
    throw new SmsProviderError(
      `${what}: HTTP ${answer.status}`,
      answer.status >= 400 && answer.status < 500 && answer.status !== 408 && answer.status !== 429,
    );
  try {
    return JSON.parse(answer.text) as T;
  } catch {
    throw new SmsProviderError(`${what}: the answer is not JSON`);
  }
};

/**
 * SMS.ru's HTTP API (sms.ru/api/send, sms.ru/api/status; `json=1`): `POST {base}/sms/send` with
 * `api_id`, `to` (digits, no +), `msg`, `from`; the answer's `sms[<number>]` has `status_code`
 * 100 and `sms_id` when taken. `POST {base}/sms/status` with `sms_id`: status_code 100–102
 * queued and on its way, 103 delivered, 104–108 and 150 not delivered, 110 read.
 *
 * Its callback (sms.ru/api/callback, a URL added in the account; that page was not found among
 * the stored copies the search tool holds — joomla.sms.ru/api/status recommends it over polling):
 * a form of fields `data[0]`, `data[1]`, …, each a few lines joined by "\n", a status one being
 * `sms_status`, the SMS's id, its status code (the same codes as sms/status), and a time;
 * SMS.ru wants the answer `100` to it. The format followed as two independent handlers of it
 * read it (both answer `100`): a C# client's CallbackHandler (github.com/VodovozOrganization/SmsRu,
 * SmsRu/Handlers/CallbackHandler.cs, citing sms.ru's callback panel) and the smster gem's
 * SmsruController#callback (rubydoc.info/gems/smster/0.6.0/Smster/SmsruController).
 * No incoming-SMS callback is read: the kinds of line the handlers found read are `sms_status` and
 * `callcheck_status` (a call check), none an SMS SMS.ru's numbers received, and no copy read
 * publishes one; inbound SMS come in the desk's generic JSON (from a bridge).
 */
export function createSmsRu(options: SmsProviderOptions): SmsProvider {
  const base = options.baseUrl.replace(/\/+$/, '');
  const deliveryOf = (code: number): SmsDelivery => {
    if (code === 103 || code === 110) return 'delivered';
    if (code === 100) return 'queued';
    if (code === 101 || code === 102) return 'sent';
    return 'failed';
  };
  return {
    name: 'smsru',
    async send(to, text) {
      const number = to.replace(/^\+/, '');
      const answer = parsedAnswer<SmsRuAnswer>(
        await postForm(
          `${base}/sms/send`,
          { api_id: options.apiKey, to: number, msg: text, json: '1', ...(options.from ? { from: options.from } : {}) },
          smsOutbound(options),
        ),
        'SMS.ru send',
      );
      const sms = answer?.sms?.[number];
      if (answer?.status !== 'OK' || sms?.status !== 'OK' || typeof sms.sms_id !== 'string')
        throw new SmsProviderError(
          `SMS.ru refused the SMS: ${sms?.status_code ?? answer?.status_code} ${sms?.status_text ?? answer?.status_text ?? ''}`.trim(),
          // An answer of the API (a code for the number or the account) is its decision; one that is not is not.
          answer?.status === 'OK' || answer?.status === 'ERROR',
        );
      return { providerId: sms.sms_id, delivery: deliveryOf(Number(sms.status_code)) };
    },
    async delivery(providerId) {
      const answer = parsedAnswer<SmsRuAnswer>(
        await postForm(
          `${base}/sms/status`,
          { api_id: options.apiKey, sms_id: providerId, json: '1' },
          smsOutbound(options),
        ),
        'SMS.ru status',
      );
      const sms = answer?.sms?.[providerId];
      if (answer?.status !== 'OK' || sms?.status !== 'OK')
        throw new SmsProviderError(`SMS.ru knows no SMS ${providerId} (${sms?.status_code ?? answer?.status_code})`);
      return deliveryOf(Number(sms.status_code));
    },
    parseDeliveryCallback(fields) {
      const entries = Object.entries(fields).filter(([name]) => /^data\[\d+\]$/.test(name));
      if (entries.length === 0)
        throw new SmsCallbackError('body.data[0] is required: SMS.ru posts its callback as fields data[0], data[1], …');
      const reports: GatewayCallback['reports'] = [];
      for (const [name, value] of entries) {
        if (typeof value !== 'string') throw new SmsCallbackError(`body.${name} is given more than once`);
        const [kind, id, code] = value.split('\n').map((line) => line.trim());
        // Its other kinds of line (a call check's status, …) are of no SMS the desk sent.
        if (kind !== 'sms_status') continue;
        if (!id || id.length > 128 || !/^-?\d+$/.test(code ?? ''))
          throw new SmsCallbackError(`body.${name} is not "sms_status", an SMS id and a status code, one a line`);
        reports.push({ providerId: id, delivery: deliveryOf(Number(code)) });
      }
      return { reports, answer: '100' };
    },
  };
}

/**
 * A gateway of the desk's own (or a bridge to one): `POST {base}/messages` `{"to","text","from",
 * "reference"}` with `Authorization: Bearer <key>` answers `{"id","status"}` (a repeat of a
 * `reference` it took should answer the first SMS's id, not send another); `GET`-like
 * `POST {base}/messages/status` `{"id"}` answers `{"status"}`; status one of queued, sent,
 * delivered, failed.
 */
export function createGenericSms(options: SmsProviderOptions): SmsProvider {
  const base = options.baseUrl.replace(/\/+$/, '');
  const auth = { authorization: `Bearer ${options.apiKey}` };
  const deliveryOf = (status: unknown): SmsDelivery => {
    if (!smsDeliveries.includes(status as SmsDelivery))
      throw new SmsProviderError(`unknown SMS status ${String(status)}`);
    return status as SmsDelivery;
  };
  return {
    name: 'generic',
    async send(to, text, reference) {
      const answer = parsedAnswer<GenericAnswer>(
        await postJson(
          `${base}/messages`,
          { to, text, ...(options.from ? { from: options.from } : {}), ...(reference ? { reference } : {}) },
          smsOutbound(options, auth),
        ),
        'SMS send',
      );
      if (typeof answer?.id !== 'string') throw new SmsProviderError('SMS send: the answer has no id');
      const delivery = deliveryOf(answer.status);
      if (delivery === 'failed') throw new SmsProviderError(`SMS send: the gateway failed SMS ${answer.id}`, true);
      return { providerId: answer.id, delivery };
    },
    async delivery(providerId) {
      const answer = parsedAnswer<GenericAnswer>(
        await postJson(`${base}/messages/status`, { id: providerId }, smsOutbound(options, auth)),
        'SMS status',
      );
      return deliveryOf(answer?.status);
    },
  };
}
