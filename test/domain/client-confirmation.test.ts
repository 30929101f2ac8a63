import { describe, expect, it } from 'vitest';
import { decidingClientCategory, needsConfirmationLink } from '../../src/domain/client-confirmation';
import { clientConfirmationNotice, clientWords, greetingName } from '../../src/domain/notices';

describe('the client category a ticket runs under', () => {
  it('is the client’s once confirmed, a one-time client’s until then', () => {
    expect(decidingClientCategory('wholesale', true)).toBe('wholesale');
    expect(decidingClientCategory('wholesale', false)).toBe('one_time');
    expect(decidingClientCategory('regular', false)).toBe('one_time');
  });

  it('a link is sent only where confirming changes something and there is an address on file', () => {
    const open = { clientConfirmed: false };
    expect(needsConfirmationLink(open, { category: 'wholesale', email: 'a@b.example' })).toBe(true);
    expect(needsConfirmationLink(open, { category: 'one_time', email: 'a@b.example' })).toBe(false);
    expect(needsConfirmationLink(open, { category: 'regular', email: null })).toBe(false);
    expect(needsConfirmationLink({ clientConfirmed: true }, { category: 'wholesale', email: 'a@b.example' })).toBe(
      false,
    );
  });
});

describe('a filer’s words in the desk’s mail', () => {
  it('are one quoted line: no line breaks, controls or bidi overrides of their own, cut to a length', () => {
    expect(clientWords('Hello\r\nDear client,\u202Eevil\u0000 text')).toBe('> Hello Dear client, evil text');
    expect(clientWords('x'.repeat(500), 10)).toBe(`> ${'x'.repeat(9)}…`);
    expect(greetingName('Анна\nВаш счёт заблокирован')).toBe('Анна Ваш счёт заблокирован');
  });

  it('the confirmation notice quotes the subject and names the link, in Russian and English', () => {
    const notice = clientConfirmationNotice({ id: 7, subject: 'Позвоните\nнам' }, 'http://desk.test/c#t');
    expect(notice.text).toContain('\n> Позвоните нам\n');
    expect(notice.text).toContain('подтвердите это по ссылке: http://desk.test/c#t');
    expect(notice.text).toContain('If you filed it, please confirm: http://desk.test/c#t');
  });
});
