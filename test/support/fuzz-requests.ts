/**
 * Hostile requests generated from the desk's own OpenAPI document (fast-check arbitraries): for
 * every operation, its path, query and body built from the schema, then broken on purpose.
 */
import fc from 'fast-check';

type Schema = {
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  pattern?: string;
  format?: string;
  anyOf?: Schema[];
  oneOf?: Schema[];
  $ref?: string;
};

export interface Operation {
  method: string;
  /** OpenAPI path, e.g. /tickets/{id}: the route a request counts for. */
  route: string;
  pathParams: Array<{ name: string; schema: Schema }>;
  queryParams: Array<{ name: string; schema: Schema }>;
  body?: Schema;
}

export type Identity = 'anonymous' | 'operator' | 'manager';

export interface FuzzRequest {
  operation: Operation;
  method: string;
  url: string;
  identity: Identity;
  headers: Record<string, string | string[]>;
  payload?: string;
  /** The JSON body before it was serialised, when it was JSON (for the database allowances). */
  json?: unknown;
}

/** Real values of the running desk, so some requests get past "not found" to the rules behind it. */
export type KnownValues = Record<string, unknown[]>;

export function operationsOf(document: { paths: Record<string, Record<string, any>> }): Operation[] {
  const operations: Operation[] = [];
  for (const [route, methods] of Object.entries(document.paths)) {
    for (const [method, spec] of Object.entries(methods)) {
      const parameters: Array<{ in: string; name: string; schema: Schema }> = spec.parameters ?? [];
      operations.push({
        method: method.toUpperCase(),
        route,
        pathParams: parameters.filter((p) => p.in === 'path'),
        queryParams: parameters.filter((p) => p.in === 'query'),
        body: spec.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
  return operations;
}

const HUGE = 'x'.repeat(70_000);
/** Strings every field gets sooner or later. */
export const hostileStrings = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\u202eevil\u202c',
  'іvanova@exаmple.com', // Cyrillic і and а: a homoglyph e-mail
  'ivanova\u200b',
  "'; DROP TABLE tickets; --",
  '1 OR 1=1',
  "' OR '1'='1",
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '../../etc/passwd',
  '%00',
  '${jndi:ldap://x}',
  '\\',
  'я'.repeat(5_000),
  'a'.repeat(2_001),
  HUGE,
];
/** Numbers and other types that stand where a number or an id is expected. */
export const hostileValues: unknown[] = [
  0,
  -1,
  2 ** 31,
  2 ** 63,
  -(2 ** 63),
  1e308,
  0.5,
  Number.MAX_SAFE_INTEGER + 2,
  '9223372036854775808',
  '1 OR 1=1',
  true,
  null,
  [],
  {},
  [1, 2],
  { $gt: '' },
];
const hostile = fc.oneof(fc.constantFrom(...hostileStrings), fc.constantFrom(...hostileValues), fc.string());
const hostileParam = fc.oneof(
  fc.constantFrom('0', '-1', '9223372036854775808', '1 OR 1=1', '1e3', '%', '%00', '%ED%A0%80', '..'),
  fc.constantFrom(...hostileStrings.filter((s) => s.length < 6_000)),
);

/** Strings that match the patterns the schemas use (the first that fits is taken). */
const patternSamples = ['fuzz-code', '09:00', '18:00', '2024-02-29', 'RU', '1500.00', 'reason text', 'ticket'];

function resolve(schema: Schema, components: Record<string, Schema>): Schema {
  return schema.$ref ? resolve(components[schema.$ref.split('/').pop()!]!, components) : schema;
}

function sampleString(schema: Schema): fc.Arbitrary<string> {
  if (schema.format === 'email') return fc.nat(999).map((n) => `fuzz.${n}@example.com`);
  if (schema.format === 'date-time') return fc.constant(new Date().toISOString());
  if (schema.pattern) {
    const pattern = new RegExp(schema.pattern, 'u');
    const fits = patternSamples.filter((s) => pattern.test(s) && s.length <= (schema.maxLength ?? Infinity));
    return fc.constantFrom(...(fits.length ? fits : ['x']));
  }
  const min = schema.minLength ?? 0;
  return fc.string({ minLength: Math.max(min, 1), maxLength: Math.min(Math.max(min, 1) + 20, schema.maxLength ?? 40) });
}

/** A value the schema accepts (mostly: patterns are sampled, not solved). */
export function validValue(schema: Schema, components: Record<string, Schema>, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(schema, components);
  if (s.enum) return fc.constantFrom(...s.enum);
  const variants = s.anyOf ?? s.oneOf;
  if (variants) return fc.oneof(...variants.map((v) => validValue(v, components, depth + 1)));
  const types = Array.isArray(s.type) ? s.type : [s.type ?? 'object'];
  const type = types.find((t) => t !== 'null') ?? 'null';
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.integer({
        min: Math.max(s.minimum ?? -1000, s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : -1000),
        max: Math.min(s.maximum ?? 1000, 1000),
      });
    case 'number':
      return fc.double({
        min: Math.max(s.minimum ?? 0.25, s.exclusiveMinimum ?? 0.25),
        max: Math.min(s.maximum ?? 100, 100),
        noNaN: true,
      });
    case 'string':
      return sampleString(s);
    case 'array':
      return depth > 4
        ? fc.constant([])
        : fc.array(validValue(s.items ?? {}, components, depth + 1), {
            minLength: s.minItems ?? 0,
            maxLength: Math.min(s.maxItems ?? 3, 3),
          });
    default: {
      const properties = Object.entries(s.properties ?? {});
      const required = new Set(s.required ?? []);
      return fc.record(
        Object.fromEntries(properties.map(([name, p]) => [name, validValue(p, components, depth + 1)])),
        { requiredKeys: properties.map(([name]) => name).filter((name) => required.has(name) || depth === 0) },
      );
    }
  }
}

/** A JSON change by path: a field set to a hostile value, a field removed, an unknown field added. */
const mutation = fc.record({
  kind: fc.constantFrom('set', 'set', 'delete', 'extra'),
  pick: fc.nat(),
  value: hostile,
});

function containers(value: unknown, out: Array<Record<string, unknown> | unknown[]> = []) {
  if (value && typeof value === 'object') {
    out.push(value as Record<string, unknown>);
    for (const child of Object.values(value)) containers(child, out);
  }
  return out;
}

function mutate(body: unknown, changes: Array<{ kind: string; pick: number; value: unknown }>) {
  const copy = structuredClone(body);
  for (const change of changes) {
    // A copy: the hostile constants are shared, and an object set twice would come to hold itself.
    const value = structuredClone(change.value);
    const all = containers(copy);
    const target = all[change.pick % Math.max(all.length, 1)];
    if (!target) continue;
    const keys = Object.keys(target);
    const key = keys[change.pick % Math.max(keys.length, 1)];
    if (change.kind === 'extra') (target as Record<string, unknown>)[`extra${change.pick % 3}`] = value;
    else if (key === undefined) continue;
    else if (change.kind === 'delete') delete (target as Record<string, unknown>)[key];
    else (target as Record<string, unknown>)[key] = value;
  }
  return copy;
}

/** Bodies that are not (small) JSON, with the content type they are sent as. */
const brokenBodies: Array<{ payload: string; contentType?: string | string[] }> = [
  { payload: '{"subject": ', contentType: 'application/json' },
  { payload: 'subject=hi', contentType: 'application/x-www-form-urlencoded' },
  { payload: 'subject=hi', contentType: 'text/plain' },
  { payload: '{"a":1}', contentType: 'application/json; charset=utf-16' },
  { payload: '{"a":1}', contentType: ['application/json', 'text/plain'] },
  { payload: '{"a":1}', contentType: 'application/jsonx' },
  { payload: '{"a":1}' },
  { payload: '', contentType: 'application/json' },
  { payload: 'null', contentType: 'application/json' },
  { payload: '"\u0000"', contentType: 'application/json' },
  { payload: '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}', contentType: 'application/json' },
  { payload: `${'['.repeat(5_000)}${']'.repeat(5_000)}`, contentType: 'application/json' },
  { payload: JSON.stringify({ description: 'я'.repeat(70_000) }), contentType: 'application/json' },
];

/** `encodeURIComponent`, except for a lone surrogate, which it cannot encode: then the raw text. */
const encode = (value: string) => {
  try {
    return encodeURIComponent(value);
  } catch {
    return value;
  }
};

export function requestsFor(operation: Operation, known: KnownValues, components: Record<string, Schema>) {
  const param = (name: string, schema: Schema) =>
    fc.oneof(
      { weight: 2, arbitrary: known[name]?.length ? fc.constantFrom(...known[name]!.map(String)) : hostileParam },
      { weight: 1, arbitrary: validValue(schema, components).map(String) },
      { weight: 2, arbitrary: hostileParam },
    );
  const path = fc
    .tuple(...operation.pathParams.map((p) => param(p.name, p.schema)))
    .map((values) =>
      operation.pathParams.reduce((url, p, i) => url.replace(`{${p.name}}`, encode(values[i]!)), operation.route),
    );
  const query = fc
    .tuple(
      fc.subarray(operation.queryParams),
      fc.array(fc.tuple(fc.constantFrom('extra', 'limit', 'q', '__proto__'), hostileParam), { maxLength: 2 }),
    )
    .chain(([chosen, extra]) =>
      fc
        .tuple(...chosen.map((p) => param(p.name, p.schema).map((v) => [p.name, v] as const)))
        .map((pairs) => [...pairs, ...extra]),
    )
    .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&')}` : ''));
  const jsonBody = operation.body
    ? fc
        .tuple(validValue(operation.body, components), fc.array(mutation, { maxLength: 3 }))
        .map(([body, changes]) => ({ json: mutate(body, changes) }))
    : fc.constant({ json: undefined as unknown });
  const body = fc.oneof(
    { weight: 6, arbitrary: jsonBody },
    { weight: 1, arbitrary: fc.constantFrom(...brokenBodies) },
    { weight: 1, arbitrary: hostile.map((json) => ({ json })) },
  );
  return fc
    .record({
      path,
      query,
      body,
      identity: fc.constantFrom<Identity>('anonymous', 'operator', 'manager'),
      duplicateAccept: fc.boolean(),
    })
    .map(({ path: url, query: search, body: b, identity, duplicateAccept }): FuzzRequest => {
      const headers: Record<string, string | string[]> = duplicateAccept
        ? { accept: ['application/json', 'text/html'] }
        : {};
      let payload: string | undefined;
      if ('payload' in b) {
        payload = b.payload;
        if (b.contentType) headers['content-type'] = b.contentType;
      } else if (b.json !== undefined) {
        payload = JSON.stringify(b.json);
        headers['content-type'] = 'application/json';
      }
      const request = {
        operation,
        method: operation.method,
        url: `${url}${search}`,
        identity,
        headers,
        payload,
        json: 'json' in b ? b.json : undefined,
      };
      // fast-check prints a counterexample with this: the request as sent, not the schema behind it.
      const shown = () =>
        `${request.method} ${request.url} as ${identity}, headers ${JSON.stringify(headers)}, body ${String(payload).slice(0, 300)}`;
      return Object.assign(request, { [fc.toStringMethod]: shown });
    });
}
