import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { refusedAddressReason } from '../domain/outbound-address';

/** A configured outbound URL that points inside a network, refused (SSRF). */
export class OutboundRefused extends Error {
  override name = 'OutboundRefused';
}

export interface OutboundOptions {
  headers?: Record<string, string>;
  timeoutMs: number;
  /** Loopback, private and link-local destinations are refused unless this is set (OUTBOUND_ALLOW_PRIVATE). */
  allowPrivate: boolean;
  /** Bytes of answer read at most; more is an error, not memory. */
  maxResponseBytes?: number;
}

const refusal = (reason: string) => new OutboundRefused(`refused: ${reason} (OUTBOUND_ALLOW_PRIVATE=true allows it)`);

/**
 * The address is checked when the socket connects, on every address the name resolves to: a
 * name that resolves to a public address when checked and to 127.0.0.1 when used (DNS
 * rebinding) finds no gap between the two.
 */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', 0);
    const refused = addresses.map((a) => refusedAddressReason(a.address)).find(Boolean);
    if (refused) return callback(refusal(`${hostname} resolves to ${refused}`), '', 0);
    if (options.all) return (callback as (e: null, a: dns.LookupAddress[]) => void)(null, addresses);
    callback(null, addresses[0]!.address, addresses[0]!.family);
  });
};

/**
 * POSTs a JSON body to a URL an administrator configured and answers its status and text.
 * Redirects are not followed (a 3xx is answered as it is), the answer is capped, and the whole
 * exchange is bounded by `timeoutMs`.
 */
export function postJson(
  url: string,
  body: unknown,
  options: OutboundOptions,
): Promise<{ status: number; text: string }> {
  return postBody(url, Buffer.from(JSON.stringify(body)), 'application/json', options);
}

/** The same for a form (`application/x-www-form-urlencoded`), as providers of the older kind take. */
export function postForm(
  url: string,
  fields: Record<string, string>,
  options: OutboundOptions,
): Promise<{ status: number; text: string }> {
  return postBody(
    url,
    Buffer.from(new URLSearchParams(fields).toString()),
    'application/x-www-form-urlencoded',
    options,
  );
}

function postBody(
  url: string,
  payload: Buffer,
  contentType: string,
  options: OutboundOptions,
): Promise<{ status: number; text: string }> {
  const target = new URL(url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:')
    return Promise.reject(new OutboundRefused(`refused: ${target.protocol} is not http: or https:`));
  const host = target.hostname.replace(/^\[|\]$/g, '');
  if (!options.allowPrivate && isIP(host)) {
    const refused = refusedAddressReason(host);
    if (refused) return Promise.reject(refusal(refused));
  }
  const limit = options.maxResponseBytes ?? 1_048_576;
  const signal = AbortSignal.timeout(options.timeoutMs);
  return new Promise((resolve, reject) => {
    const request = (target.protocol === 'https:' ? https : http).request(
      target,
      {
        method: 'POST',
        headers: { ...options.headers, 'content-type': contentType, 'content-length': payload.length },
        signal,
        ...(options.allowPrivate ? {} : { lookup: guardedLookup }),
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > limit) return request.destroy(new Error(`the answer is over ${limit} bytes`));
          chunks.push(chunk);
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', (error) => reject(signal.aborted ? signal.reason : error));
    request.end(payload);
  });
}
