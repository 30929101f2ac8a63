import fs from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { bareAddress } from '../domain/mail-text';

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  messageId: string;
}

export interface Mailer {
  /** Where mail goes, for logs: the SMTP URL without credentials, or the drop folder. */
  readonly target: string;
  send(email: OutgoingEmail): Promise<void>;
  close(): void;
}

/**
 * Every message the desk sends is automatic (notices, answers): marked so (RFC 3834) that
 * auto-responders stay silent and the desk's own guard knows its mail when it comes back.
 */
const automaticHeaders = (from: string) => ({
  'Auto-Submitted': 'auto-replied',
  'X-Auto-Response-Suppress': 'All',
  'X-Loop': bareAddress(from),
});

/**
 * E-mail over SMTP when SMTP_URL is set; otherwise each message is written as an .eml file
 * into `dropDir`, so a desk started without a mail server still keeps what it would send.
 */
export function createMailer(options: { smtpUrl?: string; from: string; dropDir: string }): Mailer {
  const headers = automaticHeaders(options.from);
  if (options.smtpUrl) {
    const url = new URL(options.smtpUrl);
    const transport = nodemailer.createTransport({
      host: url.hostname,
      port: Number(url.port || (url.protocol === 'smtps:' ? 465 : 25)),
      secure: url.protocol === 'smtps:',
      auth: url.username
        ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
        : undefined,
      ignoreTLS: url.searchParams.get('tls') === 'off',
      // A send well inside the channel activity's 60 s and the outbox's hold on the message
      // (SEND_CLAIM_HOLD_MS): nodemailer's own defaults wait up to 2 and 10 minutes.
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    });
    return {
      target: `${url.protocol}//${url.host}`,
      async send(email) {
        await transport.sendMail({ from: options.from, headers, ...email });
      },
      close: () => transport.close(),
    };
  }
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true });
  return {
    target: options.dropDir,
    async send(email) {
      const info = await transport.sendMail({ from: options.from, headers, ...email });
      await fs.promises.mkdir(options.dropDir, { recursive: true });
      // <ticket-1001.resolution.<signature>@host> → ticket-1001.resolution.<signature>.eml
      const file = path.join(
        options.dropDir,
        `${email.messageId.replace(/^<|@.*$/g, '').replace(/[^\w.-]/g, '_')}.eml`,
      );
      await fs.promises.writeFile(file, info.message as Buffer);
    },
    close: () => transport.close(),
  };
}
