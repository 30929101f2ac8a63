import type { FastifyRateLimitStore } from '@fastify/rate-limit';

/** How the limit is counted: one request of an address, its count in the window and the window's time left. */
export type CountPublicWrite = (
  address: string,
  windowMs: number,
) => Promise<{ requests: number; windowLeftMs: number }>;

/**
 * @fastify/rate-limit's store over the desk's own count (the database every API process shares),
 * instead of the plugin's memory of one process. The plugin makes it with `new`, so the count is
 * bound into the class.
 */
export function sharedRateLimitStore(count: CountPublicWrite) {
  return class SharedRateLimitStore implements FastifyRateLimitStore {
    incr(
      address: string,
      callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
      timeWindow: number,
    ) {
      count(address, timeWindow).then(
        ({ requests, windowLeftMs }) => callback(null, { current: requests, ttl: windowLeftMs }),
        (error: Error) => callback(error),
      );
    }

    child() {
      return this;
    }
  };
}
