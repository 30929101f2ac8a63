import type { Logger } from 'pino';
import type { TelegramBotApi } from './telegram-bot-api';

export interface PollerLock {
  check(): Promise<void>;
  release(): Promise<void>;
}

export interface TelegramPollerOptions {
  bot: TelegramBotApi;
  /** getUpdates' long-poll wait, in seconds. */
  pollTimeoutSeconds: number;
  /** How long a process that does not hold the lock waits before trying it again. */
  standbyMs: number;
  /** The one-consumer lock of this bot (a PostgreSQL advisory lock); null while another process holds it. */
  lock(): Promise<PollerLock | null>;
  /** One past the newest update stored. */
  nextOffset(): Promise<number | undefined>;
  store(raw: string): Promise<{ id: number }>;
  onStored(): void;
  logger: Logger;
}

/**
 * Long polling (getUpdates) for a desk behind NAT: exactly one desk process polls a bot at a
 * time (Telegram answers 409 to a second consumer), the one holding the bot's advisory lock; the
 * others stand by and take over when it goes. Each update is stored before the next getUpdates,
 * whose offset (one past the newest stored) is what confirms it to Telegram: a crash between
 * the two gets the update again, and its update_id makes that harmless.
 */
export function startTelegramPoller(options: TelegramPollerOptions) {
  const { bot, logger } = options;
  let stopped = false;
  let failures = 0;
  let wake: (() => void) | undefined;
  /** A wait that a stop cuts short. */
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  async function pollWhileHolding(lock: PollerLock) {
    // getUpdates is refused while a webhook is set: a desk switched to polling removes it.
    await bot.deleteWebhook();
    logger.info('polling telegram getUpdates (this process holds the bot)');
    while (!stopped) {
      await lock.check();
      const updates = await bot.getUpdates(await options.nextOffset(), options.pollTimeoutSeconds);
      for (const update of updates) await options.store(JSON.stringify(update));
      if (updates.length > 0) options.onStored();
      failures = 0;
    }
  }

  const running = (async () => {
    while (!stopped) {
      let lock: PollerLock | null = null;
      try {
        lock = await options.lock();
        if (!lock) {
          await pause(options.standbyMs);
          continue;
        }
        await pollWhileHolding(lock);
      } catch (error) {
        failures++;
        logger.warn({ err: error, failures }, 'telegram polling failed; trying again');
        await pause(Math.min(1000 * 2 ** Math.min(failures, 6), 60_000));
      } finally {
        await lock?.release();
      }
    }
  })();

  return {
    /** Ends after the poll in flight returns (at most the long-poll wait). */
    async stop() {
      stopped = true;
      wake?.();
      await running;
    },
  };
}

export type TelegramPoller = ReturnType<typeof startTelegramPoller>;
