import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const SMS_RU_API_ID = 'test-api-id';

/**
 * A local server speaking SMS.ru's HTTP API as its documentation (sms.ru/api/send,
 * sms.ru/api/status) describes it, `json=1` answers, and the generic gateway's two calls. A
 * number starting 7000 is refused (SMS.ru's 207, "cannot send to this number").
 */
export function startSmsGateway() {
  const sent: Array<Record<string, string>> = [];
  const statuses = new Map<string, number>();
  let down = false;
  const server = http.createServer((request, response) => {
    if (down) {
      response.statusCode = 503;
      return void response.end('Service Unavailable');
    }
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const json = (value: unknown) => {
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify(value));
      };
      if (request.url === '/sms/send' || request.url === '/sms/status') {
        const form = Object.fromEntries(new URLSearchParams(body));
        if (form.api_id !== SMS_RU_API_ID)
          return json({ status: 'ERROR', status_code: 200, status_text: 'Неправильный api_id' });
        if (request.url === '/sms/send') {
          sent.push(form);
          if (form.to!.startsWith('7000'))
            return json({
              status: 'OK',
              status_code: 100,
              sms: {
                [form.to!]: { status: 'ERROR', status_code: 207, status_text: 'На этот номер нельзя отправлять' },
              },
              balance: 10,
            });
          const id = `000000-${10000000 + sent.length}`;
          statuses.set(id, 100);
          return json({
            status: 'OK',
            status_code: 100,
            sms: { [form.to!]: { status: 'OK', status_code: 100, sms_id: id } },
            balance: 10,
          });
        }
        const code = statuses.get(form.sms_id!);
        return json({
          status: 'OK',
          status_code: 100,
          sms: {
            [form.sms_id!]:
              code === undefined ? { status: 'ERROR', status_code: -1 } : { status: 'OK', status_code: code },
          },
        });
      }
      if (request.url === '/gw/messages' && request.headers.authorization === 'Bearer gw-key') {
        sent.push(JSON.parse(body));
        return json({ id: `gw-${sent.length}`, status: 'queued' });
      }
      if (request.url === '/gw/messages/status') return json({ status: 'delivered' });
      response.statusCode = 401;
      response.end();
    });
  });
  /**
   * The callback SMS.ru posts of these SMS (sms.ru/api/callback): a form of `data[0]`, `data[1]`, …,
   * each `sms_status`, the SMS's id, its status code and a Unix time, one a line.
   */
  const callbackFor = (...ids: string[]) =>
    new URLSearchParams(
      ids.map((id, i): [string, string] => [
        `data[${i}]`,
        ['sms_status', id, String(statuses.get(id)), '1765000000'].join('\n'),
      ]),
    ).toString();
  return new Promise<{
    url: string;
    sent: typeof sent;
    statuses: typeof statuses;
    callbackFor: typeof callbackFor;
    /** While down, every call answers 503 (a gateway away for a while). */
    setDown(value: boolean): void;
    close(): Promise<void>;
  }>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        sent,
        statuses,
        callbackFor,
        setDown: (value) => (down = value),
        close: () => new Promise((done) => server.close(() => done())),
      }),
    ),
  );
}
