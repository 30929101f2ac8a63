/**
 * Phone calls as a PBX reports them in the generic CTI format (Zammad's: `event=newCall|answer|
 * hangup`, `from`, `to`, `direction`, `callId`, `user`, `cause`), with no I/O: reading an event,
 * merging a call's events in whatever order they came, and what a call's ticket says.
 */
import type { ChannelTicketText } from './call-texts';
import { callBackText, callTicketText } from './call-texts';

export const ctiEventNames = ['newCall', 'answer', 'hangup'] as const;
export type CtiEventName = (typeof ctiEventNames)[number];

export const callDirections = ['in', 'out'] as const;
export type CallDirection = (typeof callDirections)[number];

/** A call's workflow: one per call id of the PBX, so its repeated and late events reach one place. */
export const callWorkflowId = (callId: string) => `call-${callId}`;

/** The catalog service a missed call's ticket asks for: its own SLA (the demo seed has one; a desk adds its own). */
export const CALL_BACK_SERVICE = 'call-back';

/** One event of a call, as the desk received it; numbers already in E.164 where they are numbers. */
export interface CtiEvent {
  callId: string;
  event: CtiEventName;
  from?: string;
  to?: string;
  direction?: CallDirection;
  /** Who answered (answer) or who is called (newCall): the PBX's user names, joined. */
  user?: string;
  /** Why the call ended (hangup): normalClearing, busy, cancel, noAnswer, congestion, notFound, forwarded. */
  cause?: string;
  /** When the desk received it (ISO). */
  at: string;
  /** What else the PBX sent: the IVR's choices, a device's diagnostics. */
  diagnostics: Record<string, string>;
}

const KNOWN_FIELDS = new Set(['event', 'from', 'to', 'direction', 'callId', 'user', 'cause', 'answeringNumber']);
const MAX_DIAGNOSTICS = 30;
const MAX_VALUE = 500;
const FIELD_NAME = /^[A-Za-z0-9_.\-[\]]{1,64}$/;

/** Reads a webhook body (JSON, or a form's fields); an error names the field to fix. */
export function readCtiEvent(
  body: unknown,
  at: Date,
  phone: (text: string) => string | undefined,
): { event: CtiEvent } | { error: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { error: 'body must be a form or a JSON object with event, callId, from, to, direction' };
  const fields = body as Record<string, unknown>;
  const text = (name: string, required = false): string | undefined | { error: string } => {
    const raw = fields[name];
    const value = Array.isArray(raw) ? raw.filter((v) => typeof v === 'string').join(', ') : raw;
    if (value === undefined || value === null || value === '')
      return required ? { error: `body.${name} is required` } : undefined;
    if (typeof value !== 'string' && typeof value !== 'number') return { error: `body.${name} must be a string` };
    const string = String(value).trim();
    if (string.length > MAX_VALUE) return { error: `body.${name} is longer than ${MAX_VALUE} characters` };
    return string;
  };
  const values: Record<string, string | undefined> = {};
  for (const name of KNOWN_FIELDS) {
    const value = text(name, name === 'event' || name === 'callId');
    if (typeof value === 'object') return value;
    values[name] = value;
  }
  const event = values.event as CtiEventName;
  if (!ctiEventNames.includes(event)) return { error: `body.event must be one of ${ctiEventNames.join(', ')}` };
  if (!/^[A-Za-z0-9_.:@-]{1,128}$/.test(values.callId!))
    return { error: 'body.callId must be 1–128 letters, digits or _ . : @ -' };
  const direction = values.direction as CallDirection | undefined;
  if (direction !== undefined && !callDirections.includes(direction))
    return { error: `body.direction must be one of ${callDirections.join(', ')}` };
  const diagnostics: Record<string, string> = {};
  for (const name of Object.keys(fields)) {
    if (KNOWN_FIELDS.has(name)) continue;
    if (!FIELD_NAME.test(name))
      return { error: `body: the field name "${name.slice(0, 64)}" is not one the desk keeps` };
    const value = text(name);
    if (typeof value === 'object') return value;
    if (value !== undefined) diagnostics[name] = value;
    if (Object.keys(diagnostics).length > MAX_DIAGNOSTICS)
      return { error: `body has more than ${MAX_DIAGNOSTICS} fields besides the call's` };
  }
  // A number is kept in E.164; what is not one (anonymous, a SIP user) as sent.
  const number = (value: string | undefined) => (value === undefined ? undefined : (phone(value) ?? value));
  return {
    event: {
      callId: values.callId!,
      event,
      at: at.toISOString(),
      diagnostics,
      ...defined({
        from: number(values.from),
        to: number(values.to ?? values.answeringNumber),
        direction,
        user: values.user,
        cause: values.cause,
      }),
    },
  };
}

const defined = <T extends Record<string, unknown>>(record: T) =>
  Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as Partial<T>;

/** A call as its events tell it so far: any order, each kind once (a repeated event changes nothing). */
export interface CallFacts {
  callId: string;
  from?: string;
  to?: string;
  direction?: CallDirection;
  seen: CtiEventName[];
  answeredBy?: string;
  cause?: string;
  diagnostics: Record<string, string>;
  /** The first event's receipt: the call's start. */
  startedAt: string;
  answeredAt?: string;
  endedAt?: string;
}

export const newCallFacts = (first: CtiEvent): CallFacts => ({
  callId: first.callId,
  seen: [],
  diagnostics: {},
  startedAt: first.at,
});

/** Adds an event; false when this kind was already seen (nothing changes). */
export function mergeCallEvent(facts: CallFacts, event: CtiEvent): boolean {
  if (facts.seen.includes(event.event)) return false;
  facts.seen.push(event.event);
  // newCall's numbers win: later events may carry the answering extension instead.
  const numbersFirst = event.event === 'newCall';
  facts.from = numbersFirst ? (event.from ?? facts.from) : (facts.from ?? event.from);
  facts.to = numbersFirst ? (event.to ?? facts.to) : (facts.to ?? event.to);
  facts.direction = facts.direction ?? event.direction;
  if (event.event === 'answer') {
    facts.answeredBy = event.user ?? facts.answeredBy;
    facts.answeredAt = event.at;
  }
  if (event.event === 'hangup') {
    facts.cause = event.cause;
    facts.endedAt = event.at;
  }
  if (event.at < facts.startedAt) facts.startedAt = event.at;
  facts.diagnostics = { ...event.diagnostics, ...facts.diagnostics };
  return true;
}

/** A call to the desk that ended without an answer (a forwarded call was answered elsewhere). */
export const isMissedCall = (facts: CallFacts): boolean =>
  facts.direction !== 'out' &&
  facts.seen.includes('hangup') &&
  !facts.seen.includes('answer') &&
  facts.cause !== 'forwarded';

/** Whether the caller's number is one to file a ticket for and call back. */
export const isPhoneNumber = (text: string | undefined): text is string => !!text && /^\+\d{10,15}$/.test(text);

/** The ticket of a call, as one click files it, or as a missed call's call-back; undefined without a caller's number. */
export function callTicket(
  facts: Pick<CallFacts, 'from' | 'to' | 'answeredBy' | 'cause' | 'diagnostics' | 'startedAt'>,
  kind: 'call' | 'call-back',
): (ChannelTicketText & { channel: 'phone'; client: { phone: string }; serviceCode?: string }) | undefined {
  if (!isPhoneNumber(facts.from)) return undefined;
  const text = kind === 'call' ? callTicketText(facts) : callBackText(facts);
  return {
    channel: 'phone',
    ...text,
    client: { phone: facts.from },
    ...(kind === 'call-back' ? { serviceCode: CALL_BACK_SERVICE } : {}),
  };
}
