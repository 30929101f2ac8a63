import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';

export interface SmtpReceiverOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** The largest message accepted, in bytes: announced in EHLO (SIZE) and enforced while reading. */
  maxSize: number;
  /** Whether the desk receives mail for this address; any other recipient is refused with 550. */
  acceptsRecipient(address: string): boolean;
  /** Keeps the raw message; the sender is answered 250 only once this resolves. */
  store(message: { raw: Buffer; envelopeFrom: string | null; envelopeTo: string[] }): Promise<{ id: number }>;
  /** Called after each message is stored: processing follows, never delaying the answer. */
  onStored(id: number): void;
  logger: Logger;
}

/** More recipients than a person writes to: mass mail, answered 452 so the sender splits it. */
const MAX_RECIPIENTS = 100;

const smtpError = (responseCode: number, message: string) => Object.assign(new Error(message), { responseCode });

/**
 * The desk as its own MX (smtp-server): mail only for the desk's addresses, read up to the size
 * limit, stored, and only then answered 250, so a crash before the answer leaves the sender to
 * retry and never loses a message; 451 when it could not be stored. No AUTH: senders are the
 * world, and nothing here relays.
 */
export async function startSmtpReceiver(options: SmtpReceiverOptions) {
  const { logger } = options;
  const server = new SMTPServer({
    name: 'desk',
    banner: 'service desk',
    size: options.maxSize,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onRcptTo(address, session, callback) {
      if (!options.acceptsRecipient(address.address.toLowerCase()))
        return callback(smtpError(550, `5.1.1 <${address.address}>: no such mailbox here`));
      if (session.envelope.rcptTo.length >= MAX_RECIPIENTS)
        return callback(smtpError(452, '4.5.3 too many recipients'));
      callback();
    },
    onData(stream: SMTPServerDataStream, session, callback) {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= options.maxSize) chunks.push(chunk);
      });
      stream.on('end', () => {
        if (stream.sizeExceeded || size > options.maxSize)
          return callback(smtpError(552, `5.3.4 message larger than ${options.maxSize} bytes`));
        const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address || null : null;
        const envelopeTo = session.envelope.rcptTo.map((to) => to.address.toLowerCase());
        options
          .store({ raw: Buffer.concat(chunks), envelopeFrom, envelopeTo })
          .then(({ id }) => {
            callback(null, `2.0.0 stored as ${id}`);
            options.onStored(id);
          })
          .catch((error: unknown) => {
            logger.error({ err: error }, 'inbound e-mail could not be stored; the sender will retry');
            callback(smtpError(451, '4.3.0 could not store the message, try again later'));
          });
      });
    },
  });
  server.on('error', (error) => logger.warn({ err: error }, 'SMTP receiver connection error'));
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  logger.info({ host: options.host, port, maxSize: options.maxSize }, 'SMTP receiver listening');
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type SmtpReceiver = Awaited<ReturnType<typeof startSmtpReceiver>>;
