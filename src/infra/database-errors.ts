/** Codes of a database that is not there right now: refused, cut off, shutting down or starting up. */
const unavailableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  // Written to a server that died (kill -9 of the postmaster), or one not reachable for now
  // (a restarting container: its name resolves again in a moment).
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  // admin_shutdown, crash_shutdown, cannot_connect_now (in recovery after a crash)
  '57P01',
  '57P02',
  '57P03',
  // too_many_connections: a server starting again while its clients all reconnect at once
  '53300',
]);

/** SQLSTATE class 08, connection exception (08000, 08003, 08006 connection_failure…). */
const connectionException = /^08[0-9A-Z]{3}$/;

/** Whether `error` (or what caused it: drizzle wraps the driver's) says the database is away for now. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let cause = error as { code?: unknown; cause?: unknown } | undefined; cause; cause = cause.cause as typeof cause)
    if (typeof cause.code === 'string' && (unavailableCodes.has(cause.code) || connectionException.test(cause.code)))
      return true;
  return false;
}
