import { describe, expect, it } from 'vitest';
import { escapeDnValue, returnPath } from '../../src/domain/sign-on';

describe('single sign-on rules', () => {
  it('returns only to a path of the desk', () => {
    expect(returnPath('/ticket.html?id=1001')).toBe('/ticket.html?id=1001');
    for (const away of [undefined, '', 'https://evil.example/', '//evil.example/', '/\\evil.example', 'javascript:1'])
      expect(returnPath(away), String(away)).toBe('/processes.html');
    expect(returnPath('/a\nb')).toBe('/processes.html');
  });

  it('escapes what would end a DN value or add an RDN', () => {
    expect(escapeDnValue('ivanova')).toBe('ivanova');
    expect(escapeDnValue('x,ou=admins')).toBe('x\\,ou\\=admins');
    expect(escapeDnValue('a+b"c\\d<e>f;g')).toBe('a\\+b\\"c\\\\d\\<e\\>f\\;g');
    expect(escapeDnValue('#lead')).toBe('\\#lead');
    expect(escapeDnValue(' both ')).toBe('\\ both\\ ');
    expect(escapeDnValue('nul\u0000')).toBe('nul\\00');
    // Filter characters mean nothing in a DN and stay as they are.
    expect(escapeDnValue('*)(uid=*')).toBe('*)(uid\\=*');
  });
});
