import type { FastifyPluginAsync, FastifyTypeProvider, RawServerDefault } from 'fastify';
import type { FromSchema, JSONSchema } from 'json-schema-to-ts';

/**
 * Route types from the route schemas (json-schema-to-ts over the `as const` schemas): params,
 * querystring, headers and body are typed from what validates them. Replies stay untyped here:
 * the response schemas are loose (open objects, `$ref`s) and typing replies from them refused
 * most handlers' database rows; fast-json-stringify still shapes every reply by its schema.
 */
export interface RequestSchemaProvider extends FastifyTypeProvider {
  validator: this['schema'] extends JSONSchema ? FromSchema<this['schema']> : unknown;
  serializer: unknown;
}

export type RoutePlugin<Options extends object> = FastifyPluginAsync<Options, RawServerDefault, RequestSchemaProvider>;
