/** JSON schemas of `/clients`: profiles, search, contacts, devices, consents, the timeline, merging. */
import { clientCategories, clientKinds, consentKinds, noticeChannels, notificationChannels } from '../../domain/enums';
import { contactKinds } from '../../domain/contacts';
import { ticketArticle } from './articles';
import { logCursor, nullableString, pageQuery, rowId } from './common';
import { ticketListItem } from './tickets';

/** A text field a change may clear with null. */
const clearable = <const Limits extends { minLength?: number; maxLength: number }>(
  limits: Limits,
  description: string,
) => ({ type: ['string', 'null'], ...limits, description }) as const;

const text = (maxLength: number) => ({ minLength: 1, maxLength }) as const;

/**
 * What a profile is made of, as POST and PATCH take it. The formats are checked here; the check
 * digits (ИНН, ОГРН, the accounts' keys against the БИК) by src/domain/client-legal.ts, whose
 * 400 names the field ("body.inn: checksum does not match").
 */
const clientFields = {
  kind: { type: 'string', enum: clientKinds, description: 'A person or a company' },
  name: clearable(text(200), 'How the desk addresses them: a person’s name, a company’s short name'),
  phone: clearable(text(40), 'The primary phone (intake finds the client by it), any notation; stored as E.164'),
  email: clearable(
    { minLength: 3, maxLength: 254 },
    'The primary e-mail (the address on file notices go to); lower-cased',
  ),
  category: { type: 'string', enum: clientCategories, description: 'Routing and the SLA depend on it' },
  preferredChannel: { type: 'string', enum: notificationChannels },
  legalName: clearable(text(500), 'A company’s full legal name, as on invoices'),
  inn: clearable({ maxLength: 32 }, 'ИНН: 10 digits (organisation) or 12 (individual entrepreneur), checksum checked'),
  kpp: clearable({ maxLength: 32 }, 'КПП: 9 characters (organisations only)'),
  ogrn: clearable({ maxLength: 32 }, 'ОГРН (13 digits) or ОГРНИП (15), check digit checked'),
  legalAddress: clearable(text(1000), 'Юридический адрес'),
  bankName: clearable(text(300), 'The bank’s name'),
  bankBik: clearable({ maxLength: 32 }, 'БИК: 9 digits'),
  bankAccount: clearable({ maxLength: 32 }, 'Расчётный счёт: 20 digits, keyed to the БИК'),
  bankCorrAccount: clearable({ maxLength: 32 }, 'Корреспондентский счёт: 20 digits, keyed to the БИК'),
  note: clearable(text(4000), 'Anything staff should know'),
} as const;

export const newClientBody = {
  type: 'object',
  additionalProperties: false,
  properties: clientFields,
} as const;

export const clientChangeBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    ...clientFields,
    version: {
      type: 'integer',
      minimum: 1,
      description:
        'The version the change was made against (from GET); an older one than stored is refused with 409 STALE_VERSION',
    },
  },
} as const;

export const clientSearchQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    q: {
      type: 'string',
      minLength: 2,
      maxLength: 200,
      description: 'A phone (any notation), e-mail or Telegram username (exact), an ИНН (exact), or part of the name',
    },
    limit: pageQuery.properties.limit,
    offset: pageQuery.properties.offset,
  },
  required: ['q'],
} as const;

export const clientSummary = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    kind: { type: 'string', enum: clientKinds },
    name: nullableString,
    legalName: nullableString,
    inn: nullableString,
    phone: nullableString,
    email: nullableString,
    category: { type: 'string', enum: clientCategories },
    preferredChannel: { type: 'string', enum: notificationChannels },
    createdAt: { type: 'string', format: 'date-time' },
  },
  required: ['id', 'kind', 'name', 'phone', 'email', 'category', 'preferredChannel', 'createdAt'],
} as const;

export const clientContact = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    kind: { type: 'string', enum: contactKinds },
    value: { type: 'string' },
    label: nullableString,
    createdAt: { type: 'string', format: 'date-time' },
  },
  required: ['id', 'kind', 'value', 'label', 'createdAt'],
} as const;

export const clientDevice = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    model: { type: 'string' },
    serial: nullableString,
    imei: nullableString,
    note: nullableString,
    createdAt: { type: 'string', format: 'date-time' },
  },
  required: ['id', 'model', 'serial', 'imei', 'note', 'createdAt'],
} as const;

const consentChannel = {
  type: ['string', 'null'],
  enum: [...noticeChannels, null],
  description: 'The one channel it was given or withdrawn on; null: every channel',
} as const;

const consentRecord = {
  type: 'object',
  properties: {
    granted: { type: 'boolean' },
    at: { type: 'string', format: 'date-time', description: 'When it was given or withdrawn' },
    channel: consentChannel,
    source: nullableString,
    recordedBy: nullableString,
  },
  required: ['granted', 'at', 'channel'],
} as const;

const consentState = {
  type: ['object', 'null'],
  description:
    'The latest record of this kind; null when never asked. `channels`: the consent now on each channel the desk ' +
    'writes on — the latest record naming that channel or none (null: never asked there)',
  properties: {
    ...consentRecord.properties,
    channels: {
      type: 'object',
      properties: Object.fromEntries(
        noticeChannels.map((channel) => [channel, { ...consentRecord, type: ['object', 'null'] }]),
      ),
      required: [...noticeChannels],
    },
  },
  required: [...consentRecord.required, 'channels'],
} as const;

const legalDetails = {
  type: 'object',
  properties: Object.fromEntries(
    ['legalName', 'inn', 'kpp', 'ogrn', 'legalAddress', 'bankName', 'bankBik', 'bankAccount', 'bankCorrAccount'].map(
      (f) => [f, nullableString],
    ),
  ),
} as const;

export const clientProfile = {
  type: 'object',
  properties: {
    ...clientSummary.properties,
    legal: legalDetails,
    note: nullableString,
    version: { type: 'integer' },
    contacts: {
      type: 'array',
      items: clientContact,
      description: 'Further contacts besides the primary phone and e-mail',
    },
    telegramChats: {
      type: 'array',
      description: 'Chats with the desk’s bot linked to this client by their shared phone number',
      items: {
        type: 'object',
        properties: {
          chatId: { type: 'integer' },
          username: nullableString,
          phone: nullableString,
          linkedAt: { type: ['string', 'null'], format: 'date-time' },
          blockedAt: { type: ['string', 'null'], format: 'date-time' },
        },
        required: ['chatId'],
      },
    },
    devices: { type: 'array', items: clientDevice },
    consents: {
      type: 'object',
      properties: { notifications: consentState, marketing: consentState },
      required: ['notifications', 'marketing'],
    },
    updatedAt: { type: 'string', format: 'date-time' },
  },
  required: [...clientSummary.required, 'legal', 'version', 'contacts', 'devices', 'consents'],
} as const;

export const newContactBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    kind: { type: 'string', enum: contactKinds },
    value: { type: 'string', minLength: 1, maxLength: 254, description: 'Phone (any notation), e-mail or @username' },
    label: { type: 'string', minLength: 1, maxLength: 100, description: 'e.g. “work”, “accountant”' },
  },
  required: ['kind', 'value'],
} as const;

export const newDeviceBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    model: { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' },
    serial: { type: 'string', minLength: 1, maxLength: 100 },
    imei: {
      type: 'string',
      minLength: 1,
      maxLength: 20,
      description: '15 digits (spaces and dashes ignored), Luhn-checked',
    },
    note: { type: 'string', minLength: 1, maxLength: 2000 },
  },
  required: ['model'],
} as const;

export const consentBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    granted: { type: 'boolean', description: 'true: given; false: withdrawn' },
    at: { type: 'string', format: 'date-time', description: 'When the client gave or withdrew it; now when absent' },
    source: { type: 'string', minLength: 1, maxLength: 200, description: 'How: a signed form, a call, the website…' },
    channel: {
      type: 'string',
      enum: noticeChannels,
      description: 'Given or withdrawn on this channel only; absent: on every channel',
    },
  },
  required: ['granted'],
} as const;

export const consentParams = {
  type: 'object',
  properties: { id: rowId, kind: { type: 'string', enum: consentKinds } },
  required: ['id', 'kind'],
} as const;

export const consentHistory = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      kind: { type: 'string', enum: consentKinds },
      ...consentRecord.properties,
    },
    required: ['kind', ...consentRecord.required],
  },
} as const;

export const contactParams = {
  type: 'object',
  properties: { id: rowId, contactId: rowId },
  required: ['id', 'contactId'],
} as const;

export const deviceParams = {
  type: 'object',
  properties: { id: rowId, deviceId: rowId },
  required: ['id', 'deviceId'],
} as const;

export const removedAnswer = {
  type: 'object',
  properties: { removed: { type: 'boolean' } },
  required: ['removed'],
} as const;

export const timelineAnswer = {
  type: 'object',
  properties: {
    clientId: { type: 'integer' },
    tickets: { type: 'integer', description: 'How many tickets this page holds' },
    hasMore: { type: 'boolean', description: 'Older tickets follow: ask with the next offset' },
    entries: {
      type: 'array',
      description:
        'Newest first: each ticket (as in GET /clients/{id}/tickets) and each article of the tickets whose contents the caller may see',
      items: {
        type: 'object',
        properties: {
          kind: { type: 'string', enum: ['ticket', 'article'] },
          at: { type: 'string', format: 'date-time' },
          ticketId: { type: 'integer' },
          ticket: ticketListItem,
          article: ticketArticle,
        },
        required: ['kind', 'at', 'ticketId'],
      },
    },
  },
  required: ['clientId', 'tickets', 'hasMore', 'entries'],
} as const;

export const mergeBody = {
  type: 'object',
  additionalProperties: false,
  properties: { from: { ...rowId, description: 'The duplicate: merged into this client and kept as a tombstone' } },
  required: ['from'],
} as const;

export const mergeAnswer = {
  type: 'object',
  properties: {
    client: clientProfile,
    moved: {
      type: 'object',
      properties: Object.fromEntries(
        ['tickets', 'calls', 'contacts', 'devices', 'consents', 'telegramChats'].map((f) => [f, { type: 'integer' }]),
      ),
    },
  },
  required: ['client', 'moved'],
} as const;

export const clientAuditQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
    before: { ...logCursor, description: 'The last id of the previous page' },
  },
} as const;

export const clientAuditAnswer = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      id: { type: 'integer' },
      at: { type: 'string', format: 'date-time' },
      actorId: nullableString,
      action: { type: 'string' },
      clientId: { type: 'integer' },
      details: { type: 'object', additionalProperties: true },
      address: nullableString,
    },
    required: ['id', 'at', 'actorId', 'action', 'clientId', 'details'],
  },
} as const;
