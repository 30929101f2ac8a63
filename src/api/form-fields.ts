/**
 * A form body (`application/x-www-form-urlencoded`) as an object of its fields; a repeated field
 * (`user[]`) as a list. For the webhooks of providers that post forms (PBXs, SMS gateways); the
 * rest of the API takes JSON.
 */
export function formFields(text: string): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {};
  for (const [rawName, value] of new URLSearchParams(text)) {
    const name = rawName.endsWith('[]') ? rawName.slice(0, -2) : rawName;
    const before = fields[name];
    fields[name] = before === undefined ? value : [...(Array.isArray(before) ? before : [before]), value];
  }
  return fields;
}
