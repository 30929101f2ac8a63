/** Sign-in, sessions and API tokens. */
import { operatorRoles, queueAccessLevels, tokenScopes } from '../../domain/enums';
import { logCursor } from './common';

const login = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._@-]+$' } as const;

export const signInBody = {
  type: 'object',
  additionalProperties: false,
  properties: { login, password: { type: 'string', minLength: 1, maxLength: 1024 } },
  required: ['login', 'password'],
} as const;

/** A directory username: any printable text (it reaches LDAP only escaped, test/sso-ldap.test.ts). */
export const ldapSignInBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    login: { type: 'string', minLength: 1, maxLength: 256, pattern: '^[^\\u0000-\\u001f\\u007f]+$' },
    password: { type: 'string', minLength: 1, maxLength: 1024 },
  },
  required: ['login', 'password'],
} as const;

export const signInMethodsSchema = {
  type: 'object',
  properties: {
    password: { type: 'boolean', description: 'The desk’s own passwords (POST /auth/sign-in): always on' },
    oidc: {
      type: ['object', 'null'],
      description: 'OpenID Connect, when configured: open `start` in the browser',
      properties: { name: { type: 'string' }, start: { type: 'string' } },
      required: ['name', 'start'],
    },
    ldap: {
      type: ['object', 'null'],
      description: 'The directory (LDAP/AD), when configured: POST its username and password to `signIn`',
      properties: { name: { type: 'string' }, signIn: { type: 'string' } },
      required: ['name', 'signIn'],
    },
  },
  required: ['password', 'oidc', 'ldap'],
} as const;

export const oidcStartQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    next: { type: 'string', maxLength: 500, description: 'The desk’s page to return to (a path of the desk)' },
  },
} as const;

/** What a provider sends back (RFC 6749 §4.1.2, RFC 9207's iss); others are let through to be checked. */
export const oidcCallbackQuery = {
  type: 'object',
  additionalProperties: { type: 'string', maxLength: 4096 },
  properties: {
    code: { type: 'string', maxLength: 4096 },
    state: { type: 'string', maxLength: 512 },
    iss: { type: 'string', maxLength: 1024 },
    error: { type: 'string', maxLength: 256 },
    error_description: { type: 'string', maxLength: 2048 },
  },
} as const;

export const sessionSchema = {
  type: 'object',
  properties: {
    operator: {
      type: 'object',
      properties: {
        id: { type: 'string' },
        name: { type: 'string' },
        role: { type: 'string', enum: operatorRoles },
        groupIds: { type: 'array', items: { type: 'integer' } },
      },
    },
    csrfToken: {
      type: 'string',
      description: 'Send it as `x-csrf-token` with every write made with the session cookie',
    },
  },
  required: ['operator', 'csrfToken'],
} as const;

export const signedOut = {
  type: 'object',
  properties: { signedOut: { type: 'integer', description: 'How many sessions ended' } },
  required: ['signedOut'],
} as const;

export const tokenSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    operatorId: { type: 'string' },
    name: { type: 'string' },
    lastChars: { type: 'string', description: 'The last characters of the token, to tell tokens apart' },
    scopes: { type: 'array', items: { type: 'string', enum: tokenScopes } },
    expiresAt: { type: ['string', 'null'], format: 'date-time' },
    lastUsedAt: { type: ['string', 'null'], format: 'date-time' },
    revokedAt: { type: ['string', 'null'], format: 'date-time' },
    createdAt: { type: 'string', format: 'date-time' },
  },
  required: ['id', 'operatorId', 'name', 'lastChars', 'scopes', 'createdAt'],
} as const;

export const newTokenSchema = {
  ...tokenSchema,
  properties: {
    ...tokenSchema.properties,
    token: { type: 'string', description: 'The token itself, shown this once: `Authorization: Bearer sd_…`' },
  },
  required: [...tokenSchema.required, 'token'],
} as const;

export const newTokenBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' },
    scopes: { type: 'array', items: { type: 'string', enum: tokenScopes }, minItems: 1, maxItems: tokenScopes.length },
    expiresAt: { type: 'string', format: 'date-time' },
    operatorId: { ...login, description: 'Whose token (administrators only); yours when absent' },
  },
  required: ['name', 'scopes'],
} as const;

export const tokenListQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { operatorId: { ...login, description: 'Whose tokens (administrators only); yours when absent' } },
} as const;

export const operatorParams = {
  type: 'object',
  properties: { operatorId: login },
  required: ['operatorId'],
} as const;

/** A new password: 12 to 1,024 characters, not containing the login (checked by the service). */
const newPassword = { type: 'string', minLength: 12, maxLength: 1024 } as const;

export const passwordChangeBody = {
  type: 'object',
  additionalProperties: false,
  properties: { currentPassword: { type: 'string', minLength: 1, maxLength: 1024 }, newPassword },
  required: ['currentPassword', 'newPassword'],
} as const;

export const passwordChangedSchema = {
  type: 'object',
  properties: {
    operatorId: { type: 'string' },
    otherSessionsEnded: { type: 'integer', description: 'The account’s other sessions, ended by the change' },
  },
  required: ['operatorId', 'otherSessionsEnded'],
} as const;

export const passwordResetBody = {
  type: 'object',
  additionalProperties: false,
  properties: { password: { ...newPassword, description: 'Optional: without one the desk generates one' } },
} as const;

export const passwordResetSchema = {
  type: 'object',
  properties: {
    operatorId: { type: 'string' },
    sessionsEnded: { type: 'integer' },
    password: { type: 'string', description: 'The generated password, shown this once (absent when one was given)' },
  },
  required: ['operatorId', 'sessionsEnded'],
} as const;

export const enabledBody = {
  type: 'object',
  additionalProperties: false,
  properties: { enabled: { type: 'boolean' } },
  required: ['enabled'],
} as const;

const staffFields = {
  name: { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' },
  email: { type: ['string', 'null'], format: 'email', maxLength: 254 },
  role: { type: 'string', enum: operatorRoles },
  supportLine: { type: 'integer', minimum: 1, maximum: 3 },
  ticketLimit: { type: 'integer', minimum: 0, maximum: 1000, description: 'Tickets in work and on offer at once' },
  competences: {
    type: 'array',
    maxItems: 50,
    items: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[a-z0-9_-]+$' },
    description: 'What the operator can do, e.g. soldering: a catalog service may require one',
  },
  groupIds: {
    type: 'array',
    maxItems: 50,
    items: { type: 'integer', minimum: 1, maximum: 2147483647 },
    description:
      "The operator's groups (replaces them): their access to each queue is their groups' (GET /staff/queue-access)",
  },
} as const;

export const staffAccountSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    ...staffFields,
    groupIds: { type: 'array', items: { type: 'integer' } },
    competences: { type: 'array', items: { type: 'string' } },
    enabled: { type: 'boolean' },
  },
  required: ['id', 'name', 'email', 'role', 'supportLine', 'ticketLimit', 'competences', 'groupIds', 'enabled'],
} as const;

export const staffListSchema = {
  type: 'object',
  properties: {
    staff: { type: 'array', items: staffAccountSchema },
    groups: {
      type: 'array',
      items: {
        type: 'object',
        properties: { id: { type: 'integer' }, code: { type: 'string' }, name: { type: 'string' } },
        required: ['id', 'code', 'name'],
      },
    },
  },
  required: ['staff', 'groups'],
} as const;

export const newStaffBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    id: { ...login, description: 'The login' },
    ...staffFields,
    password: {
      type: 'string',
      minLength: 12,
      maxLength: 1024,
      description: 'Optional: without one the account signs in through a proxy or uses tokens only',
    },
  },
  required: ['id', 'name', 'role'],
} as const;

export const staffChangeBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: staffFields,
} as const;

export const auditLogQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
    before: {
      ...logCursor,
      description: 'The id of the last entry of the previous page: the entries before it (keyset, newest first)',
    },
  },
} as const;

export const auditEntrySchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    at: { type: 'string', format: 'date-time' },
    actorId: { type: ['string', 'null'], description: 'Who made the change or signed in; null for a failed sign-in' },
    action: {
      type: 'string',
      description:
        'account_created, account_changed, account_enabled, account_disabled, password_changed, password_reset, queue_access_changed (target group:<code>, details.queues: per queue code its old and new level), token_issued, token_revoked, signed_in, sign_in_failed (details.method: password, oidc or ldap), sso_linked',
    },
    target: { type: 'string', description: 'The login changed, or token:<id>' },
    details: { type: 'object', additionalProperties: true },
    address: { type: ['string', 'null'], description: 'The address the request came from' },
  },
  required: ['id', 'at', 'actorId', 'action', 'target', 'details', 'address'],
} as const;

const queueGrant = {
  type: 'object',
  properties: {
    groupId: { type: 'integer' },
    queueId: { type: 'integer' },
    level: {
      type: 'string',
      enum: queueAccessLevels,
      description: 'overview, take, act or manage: each includes the ones before it',
    },
  },
  required: ['groupId', 'queueId', 'level'],
} as const;

export const queueAccessSchema = {
  type: 'object',
  properties: {
    groups: staffListSchema.properties.groups,
    queues: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'integer' },
          code: { type: 'string' },
          name: { type: 'string' },
          groupId: { type: 'integer', description: 'The group that owns the queue (a new queue grants it act)' },
        },
        required: ['id', 'code', 'name', 'groupId'],
      },
    },
    grants: { type: 'array', items: queueGrant },
  },
  required: ['groups', 'queues', 'grants'],
} as const;

export const groupQueueAccessSchema = {
  type: 'object',
  properties: { groupId: { type: 'integer' }, grants: { type: 'array', items: queueGrant } },
  required: ['groupId', 'grants'],
} as const;

export const queueGrantsBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    grants: {
      type: 'array',
      maxItems: 1000,
      description: "The group's access, replacing what it had: a queue left out is no access",
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          queueId: { type: 'integer', minimum: 1, maximum: 2147483647 },
          level: queueGrant.properties.level,
        },
        required: ['queueId', 'level'],
      },
    },
  },
  required: ['grants'],
} as const;
