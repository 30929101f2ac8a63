/**
 * What the fuzz may and may not change in the database: every row of every table hashed, keyed
 * by the thing that owns it (a ticket, a catalog service, a calendar…), so the rows a successful
 * request was allowed to change are left out by owner, and everything else must be unchanged.
 */
import crypto from 'node:crypto';
import type postgres from 'postgres';

/**
 * Summaries folded from `process_stat_deltas` on a 10 s timer, whoever asks: derived from
 * `ticket_element_visits` (which is compared), and they change with no request at all.
 */
export const derivedTables = ['process_stat_counts', 'process_stat_durations', 'process_stat_deltas'];

/**
 * Bookkeeping of sign-in itself, written by refused requests by design: every failed sign-in
 * attempt is counted per account and address (the rate limit), and every authenticated request
 * moves its token's last-used time. For tokens only that column is left out: a token created,
 * revoked or changed still counts. A single sign-on begun (GET /auth/oidc/start, answered with a
 * redirect) keeps its state, nonce and verifier in sso_logins until the provider calls back.
 */
export const signInBookkeeping = ['sign_in_failures', 'sso_logins'];
const rowText: Record<string, string> = {
  api_tokens: `(t.id, t.operator_id, t.name, t.secret_hash, t.last_chars, t.scopes, t.expires_at, t.revoked_at, t.created_at)::text`,
};

/** The owner of a row, as SQL over the table's alias `t`; a table not named here is owned by its tickets or by nobody. */
const owners: Record<string, string> = {
  tickets: `'ticket:' || t.id`,
  clients: `'client:' || t.id`,
  catalog_services: `'service:' || t.code`,
  sla_agreements: `'service:' || (select c.code from catalog_services c where c.id = t.service_id)`,
  business_calendars: `'calendar:' || t.code`,
  ola_agreements: `'ola:' || t.support_line`,
  overdue_reasons: `'reason:' || t.code`,
  // Creating, changing or reordering one rule may move every rule's position.
  classification_rules: `'rules'`,
  category_models: `'models'`,
  category_feedback: `'ticket:' || t.ticket_id`,
  // Bumped by triggers in the same transaction as any write to reference data.
  reference_data_version: `'reference-data'`,
  operators: `'staff:' || t.id`,
  api_tokens: `'token:' || t.id`,
  staff_sessions: `'session:' || t.id_hash`,
  operator_group_members: `'staff:' || t.operator_id`,
  staff_audit_log: `'audit:' || t.id`,
  staff_identities: `'staff:' || t.operator_id`,
  client_contacts: `'client:' || t.client_id`,
  client_devices: `'client:' || t.client_id`,
  client_consents: `'client:' || t.client_id`,
  client_audit_log: `'client-audit:' || t.id`,
};

export type RowHashes = Map<string, Map<string, string>>;

/** Every row's md5 (of its text form) by table and owner; rows of one owner are hashed together in a stable order. */
export async function rowHashes(sql: postgres.Sql): Promise<RowHashes> {
  const tables = await sql<{ name: string; hasTicket: boolean }[]>`
    select c.relname as name,
           exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'ticket_id') as "hasTicket"
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relkind = 'r' order by c.relname`;
  const hashes: RowHashes = new Map();
  for (const { name, hasTicket } of tables) {
    if (derivedTables.includes(name) || signInBookkeeping.includes(name)) continue;
    const owner = owners[name] ?? (hasTicket ? `'ticket:' || t.ticket_id` : `'${name}'`);
    const text = rowText[name] ?? 't::text';
    const rows = await sql.unsafe<{ owner: string; digest: string }[]>(
      `select ${owner} as owner, md5(string_agg(md5(${text}), ',' order by md5(${text}))) as digest
         from "${name}" t group by 1`,
    );
    hashes.set(name, new Map(rows.map((r) => [r.owner, r.digest])));
  }
  return hashes;
}

/**
 * Owners whose rows changed, appeared or vanished between two readings, except those `allowed`:
 * owner keys, `table:*` for a whole table, `table:new` for owners that were not there before.
 */
export function changedOwners(before: RowHashes, after: RowHashes, allowed: Set<string>): string[] {
  const changed: string[] = [];
  for (const table of new Set([...before.keys(), ...after.keys()])) {
    if (allowed.has(`${table}:*`)) continue;
    const [b, a] = [before.get(table) ?? new Map(), after.get(table) ?? new Map()];
    for (const owner of new Set([...b.keys(), ...a.keys()])) {
      if (!b.has(owner) && allowed.has(`${table}:new`)) continue;
      if (b.get(owner) !== a.get(owner) && !allowed.has(owner)) changed.push(`${table} ${owner}`);
    }
  }
  return changed;
}

/**
 * One checksum of everything but the allowed owners, what the test prints before and after; for a
 * `table:new` allowance only the owners of `before` count, so new ones do not move it.
 */
export function checksumExcept(hashes: RowHashes, allowed: Set<string>, before: RowHashes): string {
  const hash = crypto.createHash('md5');
  for (const [table, owners] of [...hashes].sort(([a], [b]) => a.localeCompare(b))) {
    if (allowed.has(`${table}:*`)) continue;
    const onlyOld = allowed.has(`${table}:new`);
    for (const [owner, digest] of [...owners].sort(([a], [b]) => a.localeCompare(b)))
      if (!allowed.has(owner) && (!onlyOld || before.get(table)?.has(owner)))
        hash.update(`${table} ${owner} ${digest}\n`);
  }
  return hash.digest('hex');
}
