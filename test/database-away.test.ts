import net from 'node:net';
import postgres from 'postgres';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { isDatabaseUnavailable, whenDatabaseAnswers } from '../src/db/client';
import { ensurePostgres } from '../src/infra/postgres-server';
import { closableRoad } from './support/closable-road';

/**
 * A server that answers every connection as PostgreSQL does while it replays its log after a
 * crash: FATAL 57P03 "the database system is starting up" (one ErrorResponse, then it hangs up).
 */
function startingUpServer() {
  const fields = ['SFATAL', 'VFATAL', 'C57P03', 'Mthe database system is starting up', ''].join('\0') + '\0';
  const body = Buffer.from(fields, 'utf8');
  const message = Buffer.concat([Buffer.from('E'), Buffer.alloc(4), body]);
  message.writeInt32BE(4 + body.length, 1);
  return net.createServer((socket) => socket.once('data', () => socket.end(message)));
}

let server: net.Server;
let url: string;
beforeAll(async () => {
  server = startingUpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `postgres://desk:secret@127.0.0.1:${(server.address() as net.AddressInfo).port}/desk`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/**
 * Found by `npm run chaos`: after PostgreSQL was killed, the API answered 500 "something went
 * wrong" while the database recovered, where a refused connection got 503 "retry later".
 */
it('takes a database in crash recovery for one that is away, to wait for or to answer 503', async () => {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const error = await sql`select 1`.catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: '57P03' });
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(isDatabaseUnavailable(new Error('wrapped', { cause: error }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('unique'), { code: '23505' }))).toBe(false);

    let tries = 0;
    const started = Date.now();
    await expect(
      whenDatabaseAnswers(() => {
        tries++;
        return sql`select 1`;
      }, 1_000),
    ).rejects.toMatchObject({ code: '57P03' });
    expect(tries).toBeGreaterThan(1);
    expect(Date.now() - started).toBeLessThan(3_000);
  } finally {
    await sql.end({ timeout: 1 });
  }
});

/**
 * Found by `npm run chaos`: a worker process that restarted while PostgreSQL was down exited at
 * once ("DATABASE_URL is set but PostgreSQL does not answer there"), again and again until it
 * came back. A process of one role now waits for its shared servers (src/main.ts: a minute).
 */
it('waits for a DATABASE_URL that answers a moment later, and gives up on one that never does', async () => {
  const road = await closableRoad(new URL(inject('databaseUrl')));
  try {
    road.shut();
    setTimeout(() => void road.open(), 1_500);
    const said: string[] = [];
    const endpoint = await ensurePostgres({
      url: road.url,
      dataDir: '/nonexistent',
      database: 'x',
      waitMs: 20_000,
      log: (m) => said.push(m),
    });
    expect(endpoint.url).toBe(road.url);
    expect(said.join('\n')).toMatch(/waiting for PostgreSQL/);
    await expect(
      ensurePostgres({ url, dataDir: '/nonexistent', database: 'x', waitMs: 1_000, log: () => {} }),
    ).rejects.toThrow(/does not answer there/);
  } finally {
    await road.close();
  }
});
