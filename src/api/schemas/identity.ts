/** Sign-in, sessions and API tokens. */
import { operatorRoles, tokenScopes } from '../../domain/enums';

const login = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._@-]+$' } as const;

export const signInBody = {
  type: 'object',
  additionalProperties: false,
  properties: { login, password: { type: 'string', minLength: 1, maxLength: 1024 } },
  required: ['login', 'password'],
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

export const enabledBody = {
  type: 'object',
  additionalProperties: false,
  properties: { enabled: { type: 'boolean' } },
  required: ['enabled'],
} as const;
