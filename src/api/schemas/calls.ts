/** JSON schemas of the CTI webhook and `/calls`: a caller's card and a call's ticket. */
import { nullableString } from './common';
import { ticketListItem } from './tickets';

export const ctiTokenParams = {
  type: 'object',
  properties: { token: { type: 'string', minLength: 1, maxLength: 200 } },
  required: ['token'],
} as const;

export const ctiEventBody = {
  type: 'object',
  description:
    'Zammad’s generic CTI format, as a form or JSON: `event` (newCall, answer, hangup), `callId`, `from`, `to`, `direction` (in, out), `user`, `cause`. Any other fields (an IVR’s choices, a device’s diagnostics: at most 30, 500 characters each) are kept with the call and go into its ticket.',
  properties: {
    event: { type: 'string', enum: ['newCall', 'answer', 'hangup'] },
    callId: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    direction: { type: 'string', enum: ['in', 'out'] },
    cause: { type: 'string' },
  },
} as const;

export const zadarmaNotificationBody = {
  type: 'object',
  description:
    'Zadarma’s PBX call notification, the form it posts, signed in the `Signature` header with the account’s API secret: `event` (NOTIFY_START, NOTIFY_INTERNAL, NOTIFY_ANSWER, NOTIFY_END, NOTIFY_OUT_START, NOTIFY_OUT_END; NOTIFY_RECORD and NOTIFY_IVR are answered and let be), `pbx_call_id`, `call_start`, `caller_id`, `called_did`, `internal`, `destination`, `disposition`.',
  properties: {
    event: { type: 'string' },
    pbx_call_id: { type: 'string' },
    call_start: { type: 'string' },
    caller_id: { type: 'string' },
    called_did: { type: 'string' },
    internal: { type: 'string' },
    destination: { type: 'string' },
    disposition: { type: 'string' },
  },
} as const;

export const zadarmaEchoQuery = {
  type: 'object',
  properties: {
    zd_echo: {
      type: 'string',
      minLength: 1,
      maxLength: 200,
      description: 'What Zadarma asks the URL to answer with when it is set in its API settings',
    },
  },
  required: ['zd_echo'],
} as const;

export const callIdParams = {
  type: 'object',
  properties: { callId: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.:@-]+$' } },
  required: ['callId'],
} as const;

export const callCard = {
  type: 'object',
  description:
    'Who is calling: the client with the number, their open tickets as the viewer may see them, earlier calls',
  properties: {
    callId: { type: 'string' },
    from: nullableString,
    to: nullableString,
    direction: nullableString,
    state: { type: 'string', enum: ['ringing', 'answered', 'ended', 'missed'] },
    startedAt: nullableString,
    answeredBy: nullableString,
    cause: nullableString,
    diagnostics: { type: 'object', additionalProperties: { type: 'string' } },
    ticketId: { type: ['integer', 'null'] },
    client: {
      type: ['object', 'null'],
      properties: {
        id: { type: 'integer' },
        name: nullableString,
        category: { type: 'string' },
        phone: nullableString,
        email: nullableString,
      },
    },
    openTickets: { type: 'array', items: ticketListItem },
    lastContacts: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          callId: { type: 'string' },
          at: nullableString,
          direction: nullableString,
          answered: { type: 'boolean' },
          ticketId: { type: ['integer', 'null'] },
        },
      },
    },
  },
  required: ['callId', 'state'],
} as const;

export const callTicket = {
  type: 'object',
  properties: {
    ticketId: { type: 'integer' },
    created: {
      type: 'boolean',
      description: 'false when the call already had its ticket (a second click, a call-back)',
    },
  },
  required: ['ticketId', 'created'],
} as const;
