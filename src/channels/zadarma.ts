/**
 * Zadarma's PBX call notifications read into the generic CTI format (src/domain/calls.ts), with no
 * I/O: which events a call's notifications are, and whether Zadarma signed them.
 *
 * Sources (the official notifications page of zadarma.com/support/api was not among the stored
 * copies; its API page was, for the request signatures only):
 * - Zadarma's own PHP library, github.com/zadarma/user-api-v1: lib/Webhook/Notify*.php (each event's
 *   fields and the string its signature is made of), lib/Api.php getWebhookEvent (the `Signature`
 *   header, the events it reads), examples/callinfo_callback.php (the `zd_echo` check: a GET whose
 *   value the URL must answer with, and `base64_encode(hash_hmac('sha1', …, API_SECRET))`).
 * - Megacall's help page "API - Incoming call notifications" (phoenixsolutionssl.freshdesk.com), a
 *   copy of Zadarma's list: NOTIFY_START … NOTIFY_OUT_END, NOTIFY_RECORD, NOTIFY_IVR.
 * - A third-party Node handler, github.com/gravitymir/zadarma (zadarma_express_handler.js): PHP's
 *   hash_hmac returns hex, so the signature is base64 of the hex digest, not of its bytes.
 *
 * Zadarma posts a form (`application/x-www-form-urlencoded`): `event`, `pbx_call_id` (the call's
 * permanent id, the same in all its notifications), `call_start`, `caller_id`, `called_did`,
 * `internal` (the extension), `destination` (the number dialled or that answered), and at the end
 * `disposition` ('answered', 'busy', 'cancel', 'no answer', 'failed', 'no money', 'unallocated
 * number', …), `duration`, `status_code`, `is_recorded`, `call_id_with_rec`.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** The events a call is told by, each with the fields its signature is made of (in order). */
const CALL_EVENTS = {
  NOTIFY_START: ['caller_id', 'called_did', 'call_start'],
  NOTIFY_INTERNAL: ['caller_id', 'called_did', 'call_start'],
  NOTIFY_ANSWER: ['caller_id', 'destination', 'call_start'],
  NOTIFY_END: ['caller_id', 'called_did', 'call_start'],
  NOTIFY_OUT_START: ['internal', 'destination', 'call_start'],
  NOTIFY_OUT_END: ['internal', 'destination', 'call_start'],
} as const;

/** Notifications Zadarma posts to the same URL when turned on that tell the desk nothing of a call's course. */
const OTHER_EVENTS = {
  NOTIFY_RECORD: ['pbx_call_id', 'call_id_with_rec'],
  NOTIFY_IVR: ['caller_id', 'called_did', 'call_start'],
} as const;

type ZadarmaEvent = keyof typeof CALL_EVENTS | keyof typeof OTHER_EVENTS;
const signedFields: Record<ZadarmaEvent, readonly string[]> = { ...CALL_EVENTS, ...OTHER_EVENTS };
export const zadarmaCallEvents = Object.keys(CALL_EVENTS) as (keyof typeof CALL_EVENTS)[];

/** Zadarma's end of a call as the generic format's cause; another disposition is kept as Zadarma wrote it. */
const CAUSES: Record<string, string> = {
  answered: 'normalClearing',
  busy: 'busy',
  cancel: 'cancel',
  'no answer': 'noAnswer',
  failed: 'congestion',
  'unallocated number': 'notFound',
};

export type ZadarmaFields = Record<string, unknown>;

/** What a notification is: generic CTI events for the call's workflow, or nothing to act on. */
export type ZadarmaReading =
  { events: Record<string, string>[] } | { ignored: string } | { error: string; refusal?: 'unsigned' | 'badSignature' };

const MAX_VALUE = 500;
const digest = (text: string) => createHash('sha256').update(text).digest();

/** Zadarma's signature of `text`: base64 of the hex HMAC-SHA1 (PHP's hash_hmac answers in hex). */
export const zadarmaSignature = (text: string, secret: string) =>
  Buffer.from(createHmac('sha1', secret).update(text).digest('hex')).toString('base64');

/** A field as PHP's $_POST reads it for the signature: absent is the empty string. */
const fieldText = (fields: ZadarmaFields, name: string): string | { error: string } => {
  const value = fields[name];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string' && typeof value !== 'number') return { error: `body.${name} must be a string` };
  const text = String(value);
  if (text.length > MAX_VALUE) return { error: `body.${name} is longer than ${MAX_VALUE} characters` };
  return text;
};

/**
 * Reads one notification: its event, then its signature (the `Signature` header, in constant
 * time), then the call's fields. A wrong or missing signature is refused before anything of the
 * call is read; an error names the field to fix.
 */
export function readZadarmaNotification(
  fields: unknown,
  signature: string | undefined,
  secret: string,
): ZadarmaReading {
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields))
    return { error: 'body must be the form Zadarma posts: event, pbx_call_id, caller_id, called_did, call_start' };
  const body = fields as ZadarmaFields;
  const event = fieldText(body, 'event');
  if (typeof event === 'object') return event;
  if (!Object.hasOwn(signedFields, event))
    return {
      error: `body.event must be one of ${[...zadarmaCallEvents, ...Object.keys(OTHER_EVENTS)].join(', ')}${event ? ` (not ${event.slice(0, 40)})` : ''}`,
    };
  const parts: string[] = [];
  for (const name of signedFields[event as ZadarmaEvent]) {
    const part = fieldText(body, name);
    if (typeof part === 'object') return part;
    parts.push(part);
  }
  if (!signature)
    return {
      error: 'the Signature header is required: Zadarma signs each notification with the API secret (ZADARMA_SECRET)',
      refusal: 'unsigned',
    };
  if (!timingSafeEqual(digest(signature.trim()), digest(zadarmaSignature(parts.join(''), secret))))
    return {
      error: `the Signature header is not Zadarma's signature of this ${event} (check ZADARMA_SECRET: the API secret of the account's keys)`,
      refusal: 'badSignature',
    };
  if (!(event in CALL_EVENTS)) return { ignored: event };
  return callEvents(event as keyof typeof CALL_EVENTS, body);
}

/** A signed call notification as the generic events the call's workflow takes. */
function callEvents(event: keyof typeof CALL_EVENTS, body: ZadarmaFields): ZadarmaReading {
  const values: Record<string, string> = {};
  for (const name of ['pbx_call_id', 'caller_id', 'called_did', 'internal', 'destination', 'disposition']) {
    const value = fieldText(body, name);
    if (typeof value === 'object') return value;
    if (value.trim() !== '') values[name] = value.trim();
  }
  const callId = values.pbx_call_id;
  if (!callId) return { error: 'body.pbx_call_id is required: the call’s id, the same in all its notifications' };
  if (!/^[A-Za-z0-9_.:@-]{1,128}$/.test(callId))
    return { error: 'body.pbx_call_id must be 1–128 letters, digits or _ . : @ -' };
  const call = { callId, direction: event.startsWith('NOTIFY_OUT_') ? 'out' : 'in' };
  const defined = (record: Record<string, string | undefined>) =>
    Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as Record<string, string>;
  const incoming = { ...call, from: values.caller_id, to: values.called_did };
  // An outgoing call is the extension's (its caller id, if Zadarma sends it) to the number dialled.
  const outgoing = {
    ...call,
    from: values.caller_id ?? values.internal,
    to: values.destination,
    user: values.internal,
  };
  const ends = event === 'NOTIFY_END' || event === 'NOTIFY_OUT_END';
  if (ends && !values.disposition) return { error: `body.disposition is required in ${event}: how the call ended` };
  const cause = values.disposition && (CAUSES[values.disposition] ?? values.disposition);
  switch (event) {
    case 'NOTIFY_START':
      return { events: [defined({ ...incoming, event: 'newCall' })] };
    // The call put through to an extension: the same call (a second newCall counts once), now with who is rung.
    case 'NOTIFY_INTERNAL':
      return { events: [defined({ ...incoming, event: 'newCall', user: values.internal })] };
    case 'NOTIFY_ANSWER':
      return {
        events: [
          defined({ ...call, event: 'answer', from: values.caller_id, user: values.internal ?? values.destination }),
        ],
      };
    case 'NOTIFY_OUT_START':
      return { events: [defined({ ...outgoing, event: 'newCall' })] };
    case 'NOTIFY_END':
      return { events: [defined({ ...incoming, event: 'hangup', cause })] };
    // Zadarma tells an outgoing call's answer only by its end; a missed outgoing call files nothing either way.
    case 'NOTIFY_OUT_END': {
      const hangup = defined({ ...outgoing, event: 'hangup', cause });
      return {
        events: values.disposition === 'answered' ? [defined({ ...outgoing, event: 'answer' }), hangup] : [hangup],
      };
    }
  }
}
