import { describe, expect, it } from 'vitest';
import { automaticKind, failedRecipients, isBounce } from '../../src/domain/mail-guard';
import {
  bareAddress,
  normalizeSubject,
  sanitizeAttachmentName,
  subjectWithNumber,
  ticketNumberInSubject,
} from '../../src/domain/mail-text';
import {
  findThread,
  signedMessageId,
  signedPlusAddress,
  ticketOfPlusAddress,
  ticketOfSignedMessageId,
  type ThreadLookup,
} from '../../src/domain/mail-threading';

describe('subjects', () => {
  it.each([
    ['Re: Не печатает принтер', 'Не печатает принтер'],
    ['RE: Fwd: re: принтер', 'принтер'],
    ['Отв: Ответ: Пересл: принтер', 'принтер'],
    ['Re[2]: Re(3):  принтер   снова', 'принтер снова'],
    ['Fw: AW: WG: printer', 'printer'],
    ['Reply about printer', 'Reply about printer'],
    ['Отчёт: принтер', 'Отчёт: принтер'],
    ['', ''],
  ])('normalises %j to %j', (subject, normalized) => {
    expect(normalizeSubject(subject)).toBe(normalized);
  });

  it('finds the [#number], adds it once, ignores what is not a number', () => {
    expect(ticketNumberInSubject('Re: [#1042] Принтер')).toBe(1042);
    expect(ticketNumberInSubject('#1042 Принтер')).toBeNull();
    expect(ticketNumberInSubject('[#0] x')).toBeNull();
    expect(ticketNumberInSubject('[#12345678901234] x')).toBeNull();
    expect(subjectWithNumber(1042, 'Принтер')).toBe('[#1042] Принтер');
    expect(subjectWithNumber(1042, '[#1042] Принтер')).toBe('[#1042] Принтер');
  });

  it.each([
    ['../../etc/passwd', 'passwd'],
    ['..\\..\\windows\\system.ini', 'system.ini'],
    ['.htaccess', 'htaccess'],
    ['счёт\u0000.pdf', 'счёт_.pdf'],
    ['a<b>:c|d?.txt', 'a_b__c_d_.txt'],
    ['../', 'attachment'],
    [undefined, 'attachment'],
    ['акт.pdf', 'акт.pdf'],
  ])('sanitises the attachment name %j to %j', (name, clean) => {
    expect(sanitizeAttachmentName(name)).toBe(clean);
  });

  it('shortens a long name and keeps its extension', () => {
    const clean = sanitizeAttachmentName(`${'я'.repeat(500)}.pdf`);
    expect(clean.length).toBe(120);
    expect(clean.endsWith('.pdf')).toBe(true);
  });
});

describe('the desk’s address', () => {
  it('is the address of a mailbox with or without its display name, lower-cased', () => {
    expect(bareAddress('Service Desk <Desk@Example.com>')).toBe('desk@example.com');
    expect(bareAddress(' desk@example.com ')).toBe('desk@example.com');
  });
});

describe('signed Message-IDs and plus-addresses', () => {
  const secret = 'desk-secret';
  it('round-trips and refuses a forged or altered signature', () => {
    const id = signedMessageId(1042, 'resolution:2', 'desk.test', secret);
    expect(id).toMatch(/^<ticket-1042\.resolution-2\.[0-9a-f]{12}@desk\.test>$/);
    expect(ticketOfSignedMessageId(id, secret)).toBe(1042);
    expect(ticketOfSignedMessageId(id.replace('1042', '1043'), secret)).toBeNull();
    expect(ticketOfSignedMessageId(id, 'another-secret')).toBeNull();
    expect(ticketOfSignedMessageId('<ticket-1042.resolution@desk.test>', secret)).toBeNull();
    const plus = signedPlusAddress('desk@desk.test', 1042, secret);
    expect(plus).toMatch(/^desk\+t1042\.[0-9a-f]{12}@desk\.test$/);
    expect(ticketOfPlusAddress(plus, secret)).toBe(1042);
    expect(ticketOfPlusAddress('desk+t1042.000000000000@desk.test', secret)).toBeNull();
    expect(ticketOfPlusAddress('desk@desk.test', secret)).toBeNull();
  });
});

describe('threading precedence', () => {
  const secret = 's';
  const lookup = (byMessageId: Record<string, number>, addresses: Record<number, string[]>): ThreadLookup => ({
    ticketByMessageId: async (ids) => ids.map((id) => byMessageId[id]).find((t) => t !== undefined) ?? null,
    addressesOf: async (ticketId) => addresses[ticketId] ?? null,
  });
  const known = lookup({ '<client-first@mail.ru>': 2000 }, { 3000: ['client@mail.ru'], 2000: ['other@mail.ru'] });
  const clues = { references: [], recipients: ['desk@desk.test'], subjectNumber: null, sender: 'client@mail.ru' };

  it('our signed reference wins over everything else', async () => {
    const references = ['<client-first@mail.ru>', signedMessageId(1000, 'resolution', 'desk.test', secret)];
    const recipients = [signedPlusAddress('desk@desk.test', 4000, secret)];
    expect(await findThread({ ...clues, references, recipients, subjectNumber: 3000 }, secret, known)).toEqual({
      ticketId: 1000,
      by: 'signed_reference',
    });
  });
  it('then the signed plus-address, then any Message-ID of a ticket', async () => {
    const recipients = [signedPlusAddress('desk@desk.test', 4000, secret)];
    const references = ['<client-first@mail.ru>'];
    expect(await findThread({ ...clues, references, recipients }, secret, known)).toMatchObject({ ticketId: 4000 });
    expect(await findThread({ ...clues, references, subjectNumber: 3000 }, secret, known)).toEqual({
      ticketId: 2000,
      by: 'message_id',
    });
  });
  it('a [#number] only from the client or a participant; a forged reference is no reference', async () => {
    expect(await findThread({ ...clues, subjectNumber: 3000 }, secret, known)).toEqual({
      ticketId: 3000,
      by: 'subject_number',
    });
    expect(await findThread({ ...clues, subjectNumber: 3000, sender: 'Client@Mail.ru' }, secret, known)).toMatchObject({
      ticketId: 3000,
    });
    expect(await findThread({ ...clues, subjectNumber: 2000 }, secret, known)).toEqual({
      ticketId: null,
      by: 'new_ticket',
    });
    expect(await findThread({ ...clues, subjectNumber: 9999 }, secret, known)).toMatchObject({ ticketId: null });
    const forged = ['<ticket-3000.resolution.0123456789ab@desk.test>'];
    expect(await findThread({ ...clues, references: forged }, secret, known)).toMatchObject({ ticketId: null });
  });
});

describe('the loop and auto-reply guard', () => {
  const desk = { ownDomains: ['desk.test'], loopMarker: 'desk@desk.test' };
  const mail = (headers: Record<string, string>, from = 'client@mail.ru', extra = {}) => ({
    headers: new Map(Object.entries(headers)),
    from,
    ...extra,
  });

  it('a person’s mail passes, including Auto-Submitted: no', () => {
    expect(automaticKind(mail({ subject: 'Принтер' }), desk)).toBeNull();
    expect(automaticKind(mail({ 'auto-submitted': 'no' }), desk)).toBeNull();
    expect(automaticKind(mail({ 'auto-submitted': 'No ; comment' }), desk)).toBeNull();
    expect(automaticKind(mail({ precedence: 'first-class' }), desk)).toBeNull();
  });

  it.each([
    [{ 'auto-submitted': 'auto-replied' }, 'auto_submitted'],
    [{ 'auto-submitted': 'auto-generated' }, 'auto_submitted'],
    [{ 'x-auto-response-suppress': 'All' }, 'auto_response_suppress'],
    [{ precedence: 'bulk' }, 'bulk'],
    [{ precedence: 'List' }, 'bulk'],
    [{ precedence: 'junk' }, 'bulk'],
    [{ 'x-loop': 'desk@desk.test' }, 'loop'],
    [{ 'list-id': '<news.example.com>' }, 'list'],
    [{ 'list-unsubscribe': '<mailto:u@example.com>' }, 'list'],
  ] as const)('%j is %s', (headers, kind) => {
    expect(automaticKind(mail(headers), desk)).toBe(kind);
  });

  it('our own domain, mailer-daemon and postmaster senders, an empty sender, a DSN', () => {
    expect(automaticKind(mail({}, 'desk@DESK.test'), desk)).toBe('own_domain');
    expect(automaticKind(mail({}, 'MAILER-DAEMON@mx.mail.ru'), desk)).toBe('mailer_daemon');
    expect(automaticKind(mail({}, 'postmaster@mail.ru'), desk)).toBe('mailer_daemon');
    expect(automaticKind(mail({}, ''), desk)).toBe('mailer_daemon');
    const dsn = { contentType: 'multipart/report', reportType: 'delivery-status' };
    expect(isBounce(dsn)).toBe(true);
    expect(automaticKind(mail({}, 'mailer-daemon@mx.mail.ru', dsn), desk)).toBe('bounce');
    expect(isBounce({ contentType: 'multipart/report', reportType: 'disposition-notification' })).toBe(false);
  });

  it('reads the permanently failed recipients of a delivery-status part, not the delayed ones', () => {
    const status = [
      'Reporting-MTA: dns; mx.mail.ru',
      '',
      'Final-Recipient: rfc822; Gone@Mail.ru',
      'Action: failed',
      'Status: 5.1.1',
      'Diagnostic-Code: smtp; 550 5.1.1 user unknown',
      '',
      'Final-Recipient: rfc822; slow@mail.ru',
      'Action: delayed',
      'Status: 4.4.1',
    ].join('\r\n');
    expect(failedRecipients(status)).toEqual([
      { address: 'gone@mail.ru', status: '5.1.1', diagnostic: 'smtp; 550 5.1.1 user unknown' },
    ]);
    expect(failedRecipients('garbage')).toEqual([]);
  });
});
