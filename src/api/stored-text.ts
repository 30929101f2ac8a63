import type { FastifyRequest } from 'fastify';

/**
 * PostgreSQL keeps neither a NUL character (text and jsonb refuse it: a 500) nor half of a UTF-16
 * surrogate pair (the driver would store U+FFFD instead: the text silently changed). Both are
 * refused here, for every route, once the schema has passed the request.
 */
export async function refuseUnstorableText(request: FastifyRequest) {
  for (const [context, value] of [
    ['params', request.params],
    ['querystring', request.query],
    ['body', request.body],
  ] as const) {
    const found = unstorable(value, '');
    if (found)
      throw Object.assign(new Error(`${context}${found.path.replace(/\//g, '.')} ${found.message}`), {
        statusCode: 400,
        validationContext: context,
        validation: [{ instancePath: found.path, message: found.message, params: {} }],
      });
  }
}

/** With the `u` flag a surrogate range matches only a half without its pair. */
const loneSurrogate = /[\uD800-\uDFFF]/u;

/** The first string (key or value) PostgreSQL cannot keep; a loop, not recursion, since JSON may nest thousands deep. */
function unstorable(root: unknown, rootPath: string): { path: string; message: string } | undefined {
  const pending: Array<[unknown, string]> = [[root, rootPath]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [value, path] = next;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return { path, message: 'must not contain a NUL character (\\u0000)' };
      if (loneSurrogate.test(value)) return { path, message: 'must be valid Unicode: it holds a lone surrogate' };
    } else if (value && typeof value === 'object') {
      for (const [key, child] of Object.entries(value).reverse()) pending.push([child, `${path}/${key}`], [key, path]);
    }
  }
  return undefined;
}
