import { simpleParser, type AddressObject } from 'mailparser';
import type { ArticleAttachment } from '../db/schema';
import type { MailHeaders } from '../domain/mail-guard';
import { sanitizeAttachmentName } from '../domain/mail-text';

/** What the desk reads of an e-mail: the parts threading, the guard and the article need. */
export interface InboundMail {
  messageId: string | null;
  /** The sender's address, lower-cased; empty for a null sender (a bounce's `<>`). */
  from: string;
  fromName: string | null;
  subject: string;
  text: string;
  headers: MailHeaders;
  contentType: string | undefined;
  reportType: string | undefined;
  /** In-Reply-To first, then References. */
  references: string[];
  recipients: string[];
  attachments: ArticleAttachment[];
  /** For a bounce: the Message-ID of the message that could not be delivered, when it came back. */
  returnedMessageId: string | null;
}

const addressesOf = (field: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(field) ? field : field ? [field] : [])
    .flatMap((group) => group.value)
    .flatMap((address) => [address, ...(address.group ?? [])])
    .map((address) => address.address?.toLowerCase())
    .filter((address): address is string => Boolean(address));

const messageIdsIn = (text: string | string[] | undefined) =>
  (Array.isArray(text) ? text.join(' ') : (text ?? '')).match(/<[^<>\s]+>/gu) ?? [];

/** First value of each header as it was written (unfolded), for the loop and auto-reply guard. */
function headerMap(lines: ReadonlyArray<{ key: string; line: string }>): MailHeaders {
  const headers = new Map<string, string>();
  for (const { key, line } of lines) {
    if (headers.has(key)) continue;
    headers.set(
      key,
      line
        .slice(line.indexOf(':') + 1)
        .replace(/\r?\n[ \t]+/gu, ' ')
        .trim(),
    );
  }
  return headers;
}

/**
 * Parses a raw message with mailparser, which decodes every charset the MIME headers name
 * (windows-1251 and koi8-r included). Attachments are listed by sanitised name and size; their
 * content stays in the stored raw message.
 */
export async function parseInboundMail(raw: Buffer): Promise<InboundMail> {
  const mail = await simpleParser(raw, { skipHtmlToText: false, skipTextToHtml: true, skipImageLinks: true });
  const contentType = mail.headers.get('content-type') as
    { value?: string; params?: Record<string, string> } | undefined;
  const from = mail.from?.value[0];
  const returned = mail.attachments.find((a) => ['message/rfc822', 'text/rfc822-headers'].includes(a.contentType));
  const returnedMessageId = returned
    ? (/^message-id:\s*(<[^<>\s]+>)/imu.exec(returned.content.toString('latin1'))?.[1] ?? null)
    : null;
  return {
    messageId: mail.messageId ? (messageIdsIn(mail.messageId)[0] ?? null) : null,
    from: from?.address?.toLowerCase() ?? '',
    fromName: from?.name || null,
    subject: mail.subject ?? '',
    text: (mail.text ?? '').trim(),
    headers: headerMap(mail.headerLines),
    contentType: contentType?.value,
    reportType: contentType?.params?.['report-type'],
    references: [...messageIdsIn(mail.inReplyTo), ...messageIdsIn(mail.references)],
    recipients: [...addressesOf(mail.to), ...addressesOf(mail.cc)],
    attachments: mail.attachments.map((attachment) => ({
      filename: sanitizeAttachmentName(attachment.filename),
      contentType: attachment.contentType,
      size: attachment.size,
    })),
    returnedMessageId,
  };
}
