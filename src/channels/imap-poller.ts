import { ImapFlow } from 'imapflow';
import type { Logger } from 'pino';

export interface ImapPollerOptions {
  /** `imap://user:pass@host:143` (`?tls=off` for a plain local server) or `imaps://…:993`. */
  url: string;
  mailbox: string;
  /** A full sweep this often, besides the ones IDLE announces (a dropped IDLE loses nothing). */
  sweepEveryMs: number;
  store(message: { raw: Buffer; envelopeFrom: string | null; envelopeTo: string[] }): Promise<{ id: number }>;
  onStored(id: number): void;
  logger: Logger;
}

/** The keyword a message gets once the desk has stored it: the mailbox's own record of what is taken. */
export const STORED_KEYWORD = '$DeskStored';

/**
 * A mailbox the desk polls (imapflow, IDLE when the server has it): each message without the
 * desk's keyword is fetched, stored, and only then flagged, so a crash between the two fetches it
 * again — the stored copy's hash makes that harmless. Messages are left in place and unread for
 * the people who share the mailbox.
 */
export async function startImapPoller(options: ImapPollerOptions) {
  const { logger } = options;
  const url = new URL(options.url);
  let client: ImapFlow | undefined;
  let stopped = false;
  let sweeping: Promise<void> = Promise.resolve();

  const connect = async () => {
    const next = new ImapFlow({
      host: url.hostname,
      port: Number(url.port || (url.protocol === 'imaps:' ? 993 : 143)),
      secure: url.protocol === 'imaps:',
      doSTARTTLS: url.searchParams.get('tls') === 'off' ? false : undefined,
      auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) },
      logger: false,
    });
    next.on('error', (error: unknown) => logger.warn({ err: error }, 'IMAP connection error'));
    next.on('exists', () => sweep());
    next.on('close', () => {
      if (client === next) client = undefined;
    });
    await next.connect();
    await next.mailboxOpen(options.mailbox);
    client = next;
    return next;
  };

  async function sweepOnce() {
    if (stopped) return;
    const imap = client?.usable ? client : await connect();
    const uids = (await imap.search({ unKeyword: STORED_KEYWORD }, { uid: true })) || [];
    for (const uid of uids) {
      if (stopped) return;
      const message = await imap.fetchOne(String(uid), { source: true }, { uid: true });
      if (!message || !message.source) continue;
      const { id } = await options.store({ raw: message.source, envelopeFrom: null, envelopeTo: [] });
      await imap.messageFlagsAdd(String(uid), [STORED_KEYWORD], { uid: true });
      options.onStored(id);
    }
    // IDLE at once rather than after imapflow's own delay, so new mail is announced as it arrives.
    imap.idle().catch((error: unknown) => logger.debug({ err: error }, 'IMAP IDLE ended'));
  }

  /** Sweeps one after another; a failed sweep is logged and the next one tries again. */
  function sweep(): Promise<void> {
    sweeping = sweeping
      .then(sweepOnce)
      .catch((error: unknown) => logger.warn({ err: error }, 'IMAP sweep failed; retried at the next one'));
    return sweeping;
  }

  await sweep();
  const timer = setInterval(() => void sweep(), options.sweepEveryMs);
  timer.unref();
  logger.info({ server: `${url.protocol}//${url.host}`, mailbox: options.mailbox }, 'polling the IMAP mailbox');
  return {
    sweep,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await sweeping;
      await client?.logout().catch(() => client?.close());
    },
  };
}

export type ImapPoller = Awaited<ReturnType<typeof startImapPoller>>;
