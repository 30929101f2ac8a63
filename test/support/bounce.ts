/**
 * A delivery status notification (RFC 3464) as a receiving server sends it back to the desk: the
 * recipient it failed for and, when it returns them, the returned message's headers (its Message-ID).
 */
export function bounceMail(bounce: {
  messageId: string;
  recipient: string;
  status?: string;
  subject?: string;
  returnedMessageId?: string;
}): string {
  return [
    'From: MAILER-DAEMON@mx.example.com',
    'To: desk@desk.test',
    `Subject: ${bounce.subject ?? 'Undelivered Mail'}`,
    `Message-ID: ${bounce.messageId}`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="B"',
    '',
    '--B',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.com',
    '',
    `Final-Recipient: rfc822; ${bounce.recipient}`,
    'Action: failed',
    `Status: ${bounce.status ?? '5.1.1'}`,
    '',
    ...(bounce.returnedMessageId
      ? ['--B', 'Content-Type: text/rfc822-headers', '', `Message-ID: ${bounce.returnedMessageId}`, '']
      : []),
    '--B--',
    '',
  ].join('\r\n');
}
