import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkLabelled,
  languageOf,
  LABELLED_CATEGORIES,
  MIN_PER_CATEGORY,
  MIN_TOTAL,
} from '../../scripts/check-labelled';

const file = path.join(__dirname, '../../data/tickets-labelled.jsonl');

describe('data/tickets-labelled.jsonl', () => {
  const report = checkLabelled(fs.readFileSync(file, 'utf8'), 'data/tickets-labelled.jsonl');

  it('passes the check: every line parses, known categories, no duplicate texts', () => {
    expect(report.problems).toEqual([]);
  });

  it('is big enough, with every category present and large enough', () => {
    expect(report.total).toBeGreaterThanOrEqual(MIN_TOTAL);
    for (const category of LABELLED_CATEGORIES) expect(report.perCategory[category]).toBeGreaterThanOrEqual(MIN_PER_CATEGORY);
  });

  it('mixes Russian, English and mixed or transliterated texts', () => {
    const share = (n: number) => n / report.total;
    expect(share(report.perLanguage.ru)).toBeGreaterThan(0.5);
    expect(share(report.perLanguage.en)).toBeGreaterThan(0.2);
    expect(share(report.perLanguage.mixed + report.perLanguage.translit)).toBeGreaterThan(0.08);
  });
});

describe('checkLabelled', () => {
  const line = (text: string, category: string) => JSON.stringify({ text, category });

  it('names the line of each problem', () => {
    const content = [
      line('Принтер не печатает', 'repair'),
      '{"text": "broken',
      line('Какой статус заявки 12?', 'stauts'),
      JSON.stringify({ text: 'no category' }),
      line('  принтер НЕ печатает ', 'repair'),
      line('Счёт за ремонт', 'billing').replace('}', ', "id": 3}'),
      '',
      line('Wi-Fi пропал', 'connectivity'),
      '',
    ].join('\n');
    const { problems, total } = checkLabelled(content, 'f.jsonl');
    expect(problems.slice(0, 6)).toEqual([
      expect.stringMatching(/^f\.jsonl:2: not JSON/),
      'f.jsonl:3: unknown category "stauts" (known: repair, connectivity, billing, facilities, warranty, complaint, general, status)',
      'f.jsonl:4: needs a non-empty "text" string and a "category" string',
      'f.jsonl:5: same text as line 1',
      'f.jsonl:6: unexpected fields id',
      'f.jsonl:7: empty line',
    ]);
    expect(problems).toContain(`f.jsonl: 4 tickets, at least ${MIN_TOTAL} wanted`);
    expect(problems).toContain(`f.jsonl: 0 "status" tickets, at least ${MIN_PER_CATEGORY} wanted`);
    expect(total).toBe(4);
  });

  it('tags the language by script, with brands kept in their sentence', () => {
    expect(languageOf('Ноутбук не включается')).toBe('ru');
    expect(languageOf('Телефон Samsung не включается после падения')).toBe('ru');
    expect(languageOf('When can I collect my camera?')).toBe('en');
    expect(languageOf('мой laptop не включается после update')).toBe('mixed');
    expect(languageOf('mой iPhone не заряжается')).toBe('mixed');
    expect(languageOf('noutbuk ne vkluchaetsya, pomogite')).toBe('translit');
    expect(languageOf('The network is not working')).toBe('en');
  });
});
