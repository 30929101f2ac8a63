/**
 * docker/postgres/init-roles.sql, run against the real PostgreSQL of the test run as the postgres
 * image would run it on a new volume: the desk's role owns its database, is no superuser, and can
 * still apply every migration; Temporal's role can create its databases. Role names get a suffix
 * here, since roles are global to the server.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, expect, inject, it } from 'vitest';
import { runMigrations } from '../src/db/migrate';

const suffix = `_${process.pid}`;
const vars: Record<string, string> = {
  desk_user: `desk${suffix}`,
  desk_database: `servicedesk${suffix}`,
  desk_password: `desk'pass"${suffix}`,
  temporal_user: `temporal${suffix}`,
  temporal_password: 'temporal-pass',
};

/** psql's `:'name'` (a quoted literal) and `\gexec` (run each value the query returns), no more. */
async function runAsPsql(sql: postgres.Sql, script: string) {
  const statements = script
    .split('\n')
    .filter((line) => !line.startsWith('\\set') && !line.startsWith('--'))
    .join('\n')
    .split('\\gexec')
    .map((text) => text.trim())
    .filter(Boolean);
  for (const statement of statements) {
    const query = statement.replace(/:'([a-z_]+)'/g, (_, name: string) => {
      if (!(name in vars)) throw new Error(`init-roles.sql uses :'${name}', which init-roles.sh does not set`);
      return `'${vars[name]!.replace(/'/g, "''")}'`;
    });
    for (const row of await sql.unsafe(query)) await sql.unsafe(String(Object.values(row)[0]));
  }
}

const admin = postgres(inject('adminDatabaseUrl'), { max: 1, onnotice: () => {} });
const roleUrl = (user: string, password: string, database: string) => {
  const url = new URL(inject('adminDatabaseUrl'));
  url.username = encodeURIComponent(user);
  url.password = encodeURIComponent(password);
  url.pathname = `/${database}`;
  return url.toString();
};

afterAll(async () => {
  await admin.unsafe(`drop database if exists "${vars.desk_database}" with (force)`);
  await admin.unsafe(`drop database if exists "temporal${suffix}" with (force)`);
  for (const role of [vars.desk_user!, vars.temporal_user!]) await admin.unsafe(`drop role if exists "${role}"`);
  await admin.end();
});

it("makes the desk's role a database owner without superuser rights, able to migrate, and Temporal's able to create databases", async () => {
  await runAsPsql(admin, readFileSync(path.resolve(__dirname, '..', 'docker/postgres/init-roles.sql'), 'utf8'));
  const roles = await admin<{ rolname: string; rolsuper: boolean; rolcreatedb: boolean; rolcreaterole: boolean }[]>`
    select rolname, rolsuper, rolcreatedb, rolcreaterole from pg_roles where rolname in (${vars.desk_user!}, ${vars.temporal_user!}) order by rolname`;
  expect(roles).toEqual([
    { rolname: vars.desk_user, rolsuper: false, rolcreatedb: false, rolcreaterole: false },
    { rolname: vars.temporal_user, rolsuper: false, rolcreatedb: true, rolcreaterole: false },
  ]);
  const [owner] =
    await admin`select pg_get_userbyid(datdba) as owner from pg_database where datname = ${vars.desk_database!}`;
  expect(owner?.owner).toBe(vars.desk_user);

  // Every migration, pg_trgm and the triggers included, as the desk's own role.
  const deskUrl = roleUrl(vars.desk_user!, vars.desk_password!, vars.desk_database!);
  await runMigrations(deskUrl);
  const desk = postgres(deskUrl, { max: 1, onnotice: () => {} });
  try {
    const [counted] = await desk`select count(*)::int as n from classification_rules`;
    expect(counted?.n).toBe(0);
    await expect(desk.unsafe('create role intruder')).rejects.toThrow(/permission denied/);
  } finally {
    await desk.end();
  }

  const temporal = postgres(roleUrl(vars.temporal_user!, vars.temporal_password!, 'postgres'), { max: 1 });
  try {
    await temporal.unsafe(`create database "temporal${suffix}"`);
  } finally {
    await temporal.end();
  }
});
