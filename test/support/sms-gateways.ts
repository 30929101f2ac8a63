import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const SMSC_LOGIN = 'desk';
export const SMSC_PASSWORD = 'smsc-password';
export const SMSC_API_KEY = 'smsc-api-key';
export const SMS_AERO_EMAIL = 'desk@example.com';
export const SMS_AERO_KEY = 'aero-key';

type Answer = { status?: number; body: unknown };
type Handler = (path: string, body: Buffer, headers: http.IncomingHttpHeaders) => Answer;

/** A local gateway: answers 503 to everything while down (a gateway away for a while). */
function serve(handle: Handler) {
  let down = false;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (down) {
        response.statusCode = 503;
        return void response.end('Service Unavailable');
      }
      const answer = handle(request.url ?? '', Buffer.concat(chunks), request.headers);
      response.statusCode = answer.status ?? 200;
      response.setHeader('content-type', 'application/json; charset=utf-8');
      response.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
    });
  });
  return new Promise<{ url: string; setDown(value: boolean): void; close(): Promise<void> }>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        setDown: (value) => (down = value),
        close: () => new Promise((done) => server.close(() => done())),
      }),
    ),
  );
}

/**
 * A form body read as SMSC reads it: the percent-decoded bytes in the request's `charset`
 * (windows-1251 when none is named), so a UTF-8 text sent without `charset=utf-8` arrives garbled.
 */
function smscForm(body: Buffer): Record<string, string> {
  const pairs = body
    .toString('latin1')
    .split('&')
    .filter(Boolean)
    .map((pair) => pair.split('=').map(percentBytes));
  const charset = pairs.find(([key]) => key!.toString('latin1') === 'charset')?.[1]?.toString('latin1');
  const decoder = new TextDecoder(charset ?? 'windows-1251');
  return Object.fromEntries(pairs.map(([key, value]) => [key!.toString('latin1'), decoder.decode(value)]));
}

/** The bytes of one part of a form: %XX as the byte it names, + as a space. */
function percentBytes(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '%' && /^[0-9a-f]{2}$/i.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(text[i] === '+' ? 0x20 : text.charCodeAt(i));
  }
  return Buffer.from(bytes);
}

/**
 * A local server speaking SMSC.ru's HTTP API (send.php, status.php with fmt=3) as its pages
 * describe it: errors answered `{"error", "error_code"}` with HTTP 200. A number starting +7000
 * cannot be reached (error 8), one starting +7003 finds the account out of money (error 3).
 * `statuses` holds each SMS's delivery status code, -1 (waiting) at first.
 */
export async function startSmscGateway() {
  const sent: Array<Record<string, string>> = [];
  const statuses = new Map<string, number>();
  let nextId = 1;
  const server = await serve((path, body) => {
    const form = smscForm(body);
    const signedIn =
      (form.login === SMSC_LOGIN && form.psw === SMSC_PASSWORD) || (!form.login && form.apikey === SMSC_API_KEY);
    if (form.fmt !== '3') return { body: 'ERROR = 1 (fmt)' };
    if (!signedIn) return { body: { error: 'authorise error', error_code: 2 } };
    if (path === '/sys/send.php') {
      if (!form.phones || !form.mes) return { body: { error: 'parameters error', error_code: 1 } };
      sent.push(form);
      const id = form.id ?? String(nextId++);
      if (form.phones.startsWith('+7000')) return { body: { error: 'message to phone is denied', error_code: 8, id } };
      if (form.phones.startsWith('+7003')) return { body: { error: 'no money', error_code: 3, id } };
      statuses.set(`${id}/${form.phones}`, -1);
      return { body: { id: Number(id), cnt: 1 } };
    }
    if (path === '/sys/status.php') {
      const status = statuses.get(`${form.id}/${form.phone}`);
      return { body: status === undefined ? { status: -3 } : { status, last_timestamp: 1765000000, err: 0 } };
    }
    return { status: 404, body: 'Not Found' };
  });
  /**
   * What SMSC posts to the status handler set in the account (smsc.ru/api/http/miscellaneous/callback/,
   * as the handlers of it read it): the SMS's `id`, `phone` (digits, no +), `status` (status.php's
   * codes), `err` and `time`. `providerId` is the adapter's `<id>/<number>`.
   */
  const callbackFor = (providerId: string) => {
    const [id, number] = providerId.split('/') as [string, string];
    return new URLSearchParams({
      id,
      phone: number.replace(/^\+/, ''),
      status: String(statuses.get(providerId)),
      err: '0',
      time: '1765000000',
    }).toString();
  };
  return { ...server, sent, statuses, callbackFor };
}

/**
 * What SMSC posts to its handler URL of an SMS the account's number received (as the handlers
 * cited in src/channels/smsc.ts read it): its `id`, `phone` (the sender, digits), `mes`, `to` (the
 * account's number), `sent` and `time`, and with a secret the md5 of `phone:mes:to:<secret>`.
 */
export function smscInboundCallback(
  sms: { id: string; phone: string; mes: string; to?: string },
  secret?: string,
): string {
  const to = sms.to ?? '79991112233';
  const form = new URLSearchParams({
    id: sms.id,
    phone: sms.phone,
    mes: sms.mes,
    to,
    sent: '1765000000',
    time: '1765000001',
  });
  if (secret) form.set('md5', createHash('md5').update(`${sms.phone}:${sms.mes}:${to}:${secret}`).digest('hex'));
  return form.toString();
}

/**
 * A local server speaking SMS Aero's API v2 (`/v2/sms/send`, `/v2/sms/status`, HTTP basic auth
 * e-mail:key, `{"success", "data", "message"}`). A number starting 7000 is refused as invalid
 * (HTTP 400, "Validation error."). `statuses` holds each SMS's status code, 0 (queued) at first.
 */
export async function startSmsAeroGateway() {
  const sent: Array<Record<string, unknown>> = [];
  const statuses = new Map<string, number>();
  const credentials = `Basic ${Buffer.from(`${SMS_AERO_EMAIL}:${SMS_AERO_KEY}`).toString('base64')}`;
  const server = await serve((path, body, headers) => {
    if (headers.authorization !== credentials)
      return {
        status: 401,
        body: { success: false, data: null, message: 'Your request was made with invalid credentials.' },
      };
    const json = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
    const message = (id: string) => ({
      id: Number(id),
      from: 'SMS Aero',
      number: '',
      status: statuses.get(id),
      extendStatus: 'queue',
      channel: 'FREE SIGN',
    });
    if (path === '/v2/sms/send') {
      const number = String(json.number ?? '');
      sent.push(json);
      if (!/^\d{10,15}$/.test(number) || !json.text || number.startsWith('7000'))
        return { status: 400, body: { success: false, data: null, message: 'Validation error.' } };
      const id = String(1000 + sent.length);
      statuses.set(id, 0);
      return { body: { success: true, data: { ...message(id), number, text: json.text }, message: null } };
    }
    if (path === '/v2/sms/status') {
      const id = String(json.id);
      if (!statuses.has(id)) return { body: { success: false, data: null, message: 'Message not found.' } };
      return { body: { success: true, data: message(id), message: null } };
    }
    return { status: 404, body: { success: false, data: null, message: 'Not Found' } };
  });
  return { ...server, sent, statuses };
}
