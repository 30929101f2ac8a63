/** Codes of a database that is not there right now: refused, cut off, shutting down or starting up. */
const unavailableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  // admin_shutdown, crash_shutdown, cannot_connect_now (in recovery after a crash)
  '57P01',
  '57P02',
  '57P03',
]);

/** Whether `error` (or what caused it: drizzle wraps the driver's) says the database is away for now. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let cause = error as { code?: unknown; cause?: unknown } | undefined; cause; cause = cause.cause as typeof cause)
    if (typeof cause.code === 'string' && unavailableCodes.has(cause.code)) return true;
  return false;
}
