/**
 * Reads that cost the engine a query (a ticket's SLA clocks, as its workflow holds them), bounded
 * so that no caller, however many requests they send, costs the workers more than a few queries at
 * once: one query per key at a time (callers asking meanwhile share its answer), the answer reused
 * for `freshForMs` after it came (unless `forget` is told the key changed), and at most
 * `maxInFlight` queries of the process in flight; a read that would wait longer than `waitMs` for
 * a place is refused (`onBusy`), never queued without end.
 */
export interface BoundedReadOptions {
  freshForMs: number;
  maxInFlight: number;
  waitMs: number;
  onBusy: () => Error;
}

export function boundedReads<K, V>({ freshForMs, maxInFlight, waitMs, onBusy }: BoundedReadOptions) {
  /** The read of each key under way or still fresh; dropped when it fails or goes stale. */
  const answers = new Map<K, Promise<V>>();
  let inFlight = 0;
  const waiting: (() => void)[] = [];

  const place = () =>
    new Promise<void>((resolve, reject) => {
      if (inFlight < maxInFlight) {
        inFlight++;
        return resolve();
      }
      const take = () => {
        clearTimeout(timer);
        inFlight++;
        resolve();
      };
      const timer = setTimeout(() => {
        waiting.splice(waiting.indexOf(take), 1);
        reject(onBusy());
      }, waitMs);
      waiting.push(take);
    });

  const release = () => {
    inFlight--;
    waiting.shift()?.();
  };

  return {
    read(key: K, ask: () => Promise<V>): Promise<V> {
      const known = answers.get(key);
      if (known) return known;
      const answer = (async () => {
        await place();
        try {
          return await ask();
        } finally {
          release();
        }
      })();
      answers.set(key, answer);
      const drop = () => {
        if (answers.get(key) === answer) answers.delete(key);
      };
      answer.then(() => setTimeout(drop, freshForMs).unref(), drop);
      return answer;
    },
    /** The key changed here (an update this process sent): the next read asks again. */
    forget(key: K) {
      answers.delete(key);
    },
    /** Queries in flight and reads waiting for a place, for tests and metrics. */
    load: () => ({ inFlight, waiting: waiting.length, kept: answers.size }),
  };
}
