import { expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../src/infra/database-errors';

const withCode = (code: string) => Object.assign(new Error(code), { code });

it('takes a server away, restarting or unreachable for a database that is away: 503 and retries, not 500', () => {
  for (const code of [
    'ECONNREFUSED',
    'ECONNRESET',
    'EPIPE',
    'ETIMEDOUT',
    'EAI_AGAIN',
    'CONNECTION_CLOSED',
    'CONNECTION_ENDED',
    'CONNECT_TIMEOUT',
    '57P01',
    '57P03',
    '53300',
    '08006',
    '08003',
    '08000',
  ])
    expect(isDatabaseUnavailable(withCode(code)), code).toBe(true);
  // As drizzle wraps the driver's error.
  expect(isDatabaseUnavailable(new Error('Failed query', { cause: withCode('EPIPE') }))).toBe(true);
});

it('takes no error of the query itself, nor a host that does not exist, for one', () => {
  for (const code of ['23505', '22P02', '42P01', '40001', 'ENOTFOUND', '08', '080000', undefined])
    expect(isDatabaseUnavailable(code === undefined ? new Error('x') : withCode(code)), String(code)).toBe(false);
  expect(isDatabaseUnavailable(undefined)).toBe(false);
});
