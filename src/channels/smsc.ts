import { createHash } from 'node:crypto';
import { postForm } from '../infra/outbound-http';
import {
  parsedAnswer,
  smsOutbound,
  SmsCallbackError,
  SmsProviderError,
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
 * SMSC also posts each delivery status to a handler URL set in the account's settings
 * (smsc.ru/api/http/miscellaneous/callback/, in English smscentre.com/api/http/miscellaneous/callback/).
 * What the search tool shows of that page (smsc.ru's, m.smsc.ru's and its reseller smstraf.ru's
 * copies) stops before the fields it posts; they are followed as two independent handlers of it
 * read them, which agree: a form with the SMS's `id`, `phone` and `status` (status.php's codes),
 * among others (`err`, `time`, `type`), and an `md5` of `id:phone:status:<secret>` when a secret
 * is set in the account — not checked here: the path's SMS_TOKEN is the desk's check, as for
 * every webhook. The handlers: github.com/C0deWiser/laravel-smscenter-mailer (src/SmsCenterService.php,
 * webhookStatus, citing that page), and one found by the search tool's string search for
 * "id:phone:status:", whose notes compare the phone by its digits without + and answer an
 * unknown id with HTTP 200 so that SMSC does not post it again. The same URL gets the SMS the
 * account's numbers receive (`mes`, no `status`): not a delivery report, answered and passed over
 * (inbound SMS come to the generic webhook). A status code SMSC_DELIVERY does not map is passed
 * over too, and the poll follows that SMS. The answer is `OK`, HTTP 200.
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
    parseDeliveryCallback(fields) {
      if (fields.status === undefined && fields.mes !== undefined) return { reports: [], answer: 'OK' };
      const field = (name: string) => {
        const value = fields[name];
        if (typeof value !== 'string' || value === '')
          throw new SmsCallbackError(`body.${name} is required: SMSC posts the SMS's id, phone and status`);
        return value;
      };
      const id = field('id');
      const phone = field('phone').replace(/\D/g, '');
      const status = field('status');
      if (!/^\d{1,10}$/.test(id)) throw new SmsCallbackError('body.id must be the number SMSC gave the SMS');
      if (!/^\d{1,20}$/.test(phone)) throw new SmsCallbackError('body.phone must be the number the SMS went to');
      if (!/^-?\d{1,4}$/.test(status)) throw new SmsCallbackError('body.status must be an SMSC status code');
      const delivery = SMSC_DELIVERY[Number(status)];
      return { reports: delivery ? [{ providerId: `${id}/+${phone}`, delivery }] : [], answer: 'OK' };
    },
  };
}
