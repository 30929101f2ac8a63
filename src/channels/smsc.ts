import { createHash, timingSafeEqual } from 'node:crypto';
import { postForm } from '../infra/outbound-http';
import {
  parsedAnswer,
  smsOutbound,
  SmsCallbackError,
  SmsProviderError,
  SmsSignatureError,
  type CallbackFields,
  type GatewayCallback,
  type SmsDelivery,
  type SmsProvider,
  type SmsProviderOptions,
} from './sms';

type SmscAnswer = { id?: unknown; cnt?: unknown; status?: unknown; error?: unknown; error_code?: unknown } | null;

/**
 * send.php's error codes (smsc.ru/api/http/send/sms/sms_answer/, in English
 * smscentre.com/api/http/send/sms/sms_answer/): 1 bad parameters, 2 wrong login and password (or
 * an IP the account does not allow), 3 not enough money, 4 the IP blocked for a while after many
 * errors, 5 bad date, 6 the message forbidden (its text or sender), 7 bad number, 8 the number
 * cannot be reached, 9 the same request too often. 3, 4 and 9 pass (a payment, a pause), so the
 * SMS is tried again later; the others will be answered the same however often it is sent.
 */
const TRANSIENT_SEND_ERRORS = new Set([3, 4, 9]);

/**
 * SMSC's delivery statuses (status.php, `status` in its answer). The page listing the codes
 * (smsc.ru/api/http/status_messages/statuses/) was cut off in the stored copies the search tool
 * holds, which reach only status.php's parameters; these are the codes as SMSC's published
 * libraries and its status page name them: -1 waiting to be sent, 0 handed to the operator,
 * 1 delivered, 2 read, 4 its link opened; 3 expired, 20 cannot be delivered, 22 bad number,
 * 23 forbidden, 24 not enough money, 25 unreachable number. -3 is "no such message".
 */
const SMSC_DELIVERY: Record<number, SmsDelivery> = {
  [-1]: 'queued',
  0: 'sent',
  1: 'delivered',
  2: 'delivered',
  4: 'delivered',
  3: 'failed',
  20: 'failed',
  22: 'failed',
  23: 'failed',
  24: 'failed',
  25: 'failed',
};

/**
 * The desk's own id of an SMS as SMSC takes it (`id`: a number from 1 to 2147483647), the same for
 * every attempt of one notice. The pages read do not say SMSC drops a second SMS of an id it took,
 * so, as with SMS.ru, a crash between its acceptance and the outbox's mark can still send one twice.
 */
export function smscMessageId(reference: string): number {
  return createHash('sha256').update(reference).digest().readUInt32BE(0) & 0x7fffffff || 1;
}

function refusal(what: string, answer: NonNullable<SmscAnswer>, transient: Set<number>): SmsProviderError {
  const code = Number(answer.error_code);
  const text = typeof answer.error === 'string' ? answer.error : '';
  if (code === 2)
    return new SmsProviderError(
      `${what}: SMSC refused the credentials (error 2 ${text}); check SMS_LOGIN and SMS_API_KEY (its password, or its API key without SMS_LOGIN)`,
      true,
    );
  return new SmsProviderError(`${what}: SMSC error ${code} ${text}`.trim(), !transient.has(code));
}

/**
 * SMSC.ru's HTTP API as smsc.ru/api/http/ documents it (followed in its English copy,
 * smscentre.com/api/http/: "Sending an SMS message", "Server response and error codes", "Checking
 * the status"): `POST {base}/sys/send.php` with `login` and `psw` (or `apikey` alone), `phones`,
 * `mes`, `sender`, `id` (ours), `charset=utf-8` (its default is windows-1251) and `fmt=3` (JSON).
 * It answers `{"id", "cnt"}` when it took the SMS, `{"error", "error_code"}` when not — with HTTP
 * 200 either way. `POST {base}/sys/status.php` with `phone` and `id` answers `{"status", …}`.
 * The number goes with its `+`: SMSC "corrects" a number given without it.
 * The provider's id kept for the SMS is `<id>/<number>`, as status.php asks for both.
 *
 * SMSC also posts to the desk (its callbacks: `readSmscCallback` below).
 */
export function createSmsc(options: SmsProviderOptions): SmsProvider {
  const base = options.baseUrl.replace(/\/+$/, '');
  const common = {
    ...(options.login ? { login: options.login, psw: options.apiKey } : { apikey: options.apiKey }),
    fmt: '3',
    charset: 'utf-8',
  };
  return {
    name: 'smsc',
    async send(to, text, reference) {
      const answer = parsedAnswer<SmscAnswer>(
        await postForm(
          `${base}/sys/send.php`,
          {
            ...common,
            phones: to,
            mes: text,
            ...(reference ? { id: String(smscMessageId(reference)) } : {}),
            ...(options.from ? { sender: options.from } : {}),
          },
          smsOutbound(options),
        ),
        'SMSC send',
      );
      if (answer?.error_code !== undefined) throw refusal('SMSC refused the SMS', answer, TRANSIENT_SEND_ERRORS);
      if (typeof answer?.id !== 'number' && typeof answer?.id !== 'string')
        throw new SmsProviderError('SMSC send: the answer has no id');
      return { providerId: `${answer.id}/${to}`, delivery: 'queued' };
    },
    async delivery(providerId) {
      const slash = providerId.indexOf('/');
      if (slash < 1) throw new SmsProviderError(`SMSC status: ${providerId} is not <id>/<number>`);
      const answer = parsedAnswer<SmscAnswer>(
        await postForm(
          `${base}/sys/status.php`,
          { ...common, id: providerId.slice(0, slash), phone: providerId.slice(slash + 1) },
          smsOutbound(options),
        ),
        'SMSC status',
      );
      if (answer?.error_code !== undefined) throw refusal('SMSC status', answer, new Set());
      const delivery = SMSC_DELIVERY[Number(answer?.status)];
      if (!delivery) throw new SmsProviderError(`SMSC status of ${providerId}: ${String(answer?.status)}`);
      return delivery;
    },
    parseDeliveryCallback: (fields) => readSmscCallback(fields, options.callbackSecret, 'status'),
    parseInboundCallback: (fields) => readSmscCallback(fields, options.callbackSecret, 'inbound'),
  };
}

/**
 * SMSC's callbacks. One handler URL, set in the account's settings ("Настройки пользователя";
 * smsc.ru/api/http/miscellaneous/callback/, in English smscentre.com/api/http/miscellaneous/callback/),
 * gets the delivery status of each SMS the account sent and each SMS its numbers receive, so the
 * desk reads both wherever it comes (its status URL or its inbound URL). What that page says in the
 * stored copies the search tool holds: one handler for statuses, incoming SMS and call checks; its
 * parameters in windows-1251 unless the handler URL carries `?charset=utf-8` (a text that is not
 * UTF-8 is refused here, naming the fix); and a checksum "to protect the data from spoofing", md5,
 * sha1 or crc32 as the handler URL asks — the copies stop before the fields and how the sum is made.
 * Those are followed as two independent handlers of it read them, which agree where both read a kind:
 * github.com/C0deWiser/laravel-smscenter-mailer (src/SmsCenterService.php, webhookStatus, citing that
 * page) and a TypeScript SMSC client found by the search tool's string search for "id:phone:status:"
 * (its repository not named there), with its notes on the callback: the secret is the one set in
 * SMSC's settings, the phone compared by its digits, an unknown id answered HTTP 200 so that SMSC
 * does not post it again.
 *
 * - a delivery status: `id` (SMSC's id of the SMS), `phone` (digits), `status` (status.php's codes),
 *   `err`, `time`, …; signed md5(`id:phone:status:<secret>`) (both handlers).
 * - an incoming SMS: `id` (SMSC's id of the message), `phone` (the sender), `mes` (the text), `to` (the
 *   account's number it came to), `sent`, `time`, …, no `status`; signed md5(`phone:mes:to:<secret>`)
 *   (the first handler alone reads this kind).
 *
 * The sum is checked only with SMS_CALLBACK_SECRET set (the path's SMS_TOKEN is the desk's check
 * otherwise, as for every webhook): then a callback without it or with another is refused whole.
 * sha1 is taken as md5 is (the same string); crc32, which the page offers too, is not read. SMSC
 * waits for the answer `OK`, HTTP 200.
 */
export function readSmscCallback(
  fields: CallbackFields,
  secret: string | undefined,
  at: 'status' | 'inbound',
): GatewayCallback {
  // A form of one kind is read as that kind; one of neither is named in the terms of the URL it came to.
  const inbound =
    at === 'inbound'
      ? !(fields.status !== undefined && fields.mes === undefined)
      : fields.status === undefined && fields.mes !== undefined;
  return inbound ? smscInbound(fields, secret) : smscDelivery(fields, secret);
}

function field(fields: CallbackFields, name: string, what: string, optional = false): string {
  const value = fields[name];
  if (optional && value === undefined) return '';
  if (typeof value !== 'string' || (!optional && value === ''))
    throw new SmsCallbackError(`body.${name} is required: SMSC posts ${what}`);
  return value;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** The callback's md5 (or sha1) against the one made of `parts` and the secret, in constant time. */
function checkSignature(fields: CallbackFields, parts: string[], secret: string | undefined) {
  if (!secret) return;
  const algorithm = typeof fields.md5 === 'string' ? 'md5' : typeof fields.sha1 === 'string' ? 'sha1' : undefined;
  if (!algorithm)
    throw new SmsSignatureError(
      'body.md5 is required: SMS_CALLBACK_SECRET is set, so each SMSC callback must be signed (ask for md5 in the handler URL set in SMSC)',
    );
  const given = (fields[algorithm] as string).trim().toLowerCase();
  const expected = createHash(algorithm)
    .update([...parts, secret].join(':'))
    .digest('hex');
  if (!timingSafeEqual(digest(given), digest(expected)))
    throw new SmsSignatureError(
      `body.${algorithm} is not SMSC's signature of this callback (check SMS_CALLBACK_SECRET)`,
    );
}

function smscDelivery(fields: CallbackFields, secret: string | undefined): GatewayCallback {
  const what = "the SMS's id, phone and status";
  const id = field(fields, 'id', what);
  const phone = field(fields, 'phone', what);
  const status = field(fields, 'status', what);
  checkSignature(fields, [id, phone, status], secret);
  if (!/^\d{1,10}$/.test(id)) throw new SmsCallbackError('body.id must be the number SMSC gave the SMS');
  const digits = phone.replace(/\D/g, '');
  if (!/^\d{1,20}$/.test(digits)) throw new SmsCallbackError('body.phone must be the number the SMS went to');
  if (!/^-?\d{1,4}$/.test(status)) throw new SmsCallbackError('body.status must be an SMSC status code');
  const delivery = SMSC_DELIVERY[Number(status)];
  return { reports: delivery ? [{ providerId: `${id}/+${digits}`, delivery }] : [], answer: 'OK' };
}

function smscInbound(fields: CallbackFields, secret: string | undefined): GatewayCallback {
  const what = "an incoming SMS's id, phone (the sender) and mes (its text)";
  const id = field(fields, 'id', what);
  const phone = field(fields, 'phone', what);
  const mes = fields.mes;
  if (typeof mes !== 'string') throw new SmsCallbackError(`body.mes is required: SMSC posts ${what}`);
  const to = field(fields, 'to', "the account's number the SMS came to", true);
  checkSignature(fields, [phone, mes, to], secret);
  if (id.length > 64 || !/^[\w.-]+$/.test(id)) throw new SmsCallbackError('body.id must be the id SMSC gave the SMS');
  if (!/^\+?\d{10,15}$/.test(phone.trim()))
    throw new SmsCallbackError("body.phone must be the sender's number, its country code and digits");
  if (mes.length > 2000) throw new SmsCallbackError('body.mes must be at most 2000 characters');
  if (mes.includes('\uFFFD'))
    throw new SmsCallbackError(
      "body.mes is not UTF-8: add ?charset=utf-8 to the handler URL in SMSC's settings (its default is windows-1251)",
    );
  // SMSC's own id, apart from the generic webhook's ids: a redelivery of it is the same message.
  return { reports: [], inbound: { id: `smsc:${id}`, from: `+${phone.replace(/\D/g, '')}`, text: mes }, answer: 'OK' };
}
