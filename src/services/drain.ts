/**
 * Work that drains what a channel stored (e-mails, Telegram updates): one run at a time; a kick
 * during a run asks for another pass when it ends, so nothing stored meanwhile waits for the next
 * kick. After `stop()` no run starts, and `stop()` waits for the one in hand, whose `pass` should
 * stop between items when `stopped()` says so.
 */
export function createDrain(pass: (stopped: () => boolean) => Promise<void>, onError: (error: unknown) => void) {
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  const isStopped = () => stopped;
  async function drain() {
    do {
      again = false;
      await pass(isStopped);
    } while (again && !stopped);
  }
  return {
    stopped: isStopped,
    /** Another pass after the one in hand (what it did may have made more work). */
    again() {
      again = true;
    },
    /** Runs a pass, or asks the one running for another; resolves when nothing is left to do. */
    run(): Promise<void> {
      if (stopped) return Promise.resolve();
      if (running) {
        again = true;
        return running;
      }
      running = drain()
        .catch(onError)
        .finally(() => {
          running = undefined;
        });
      return running;
    },
    async stop() {
      stopped = true;
      await running;
    },
  };
}
