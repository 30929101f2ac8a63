/**
 * `npx tsx scripts/check-labelled.ts data/tickets-labelled.jsonl`: checks a labelled file
 * ({"text":..., "category":...} per line) before anyone trains on it — every line parses, has
 * the two string fields and one of the known categories, no text appears twice, and the file
 * is big enough — then prints the counts per category and per language. Exits 1 on a problem.
 */
import fs from 'node:fs';

export const LABELLED_CATEGORIES = [
  'repair',
  'connectivity',
  'billing',
  'facilities',
  'warranty',
  'complaint',
  'general',
  'status',
] as const;

/** What issue 16 asks of the file: enough tickets in all, and enough of every category. */
export const MIN_TOTAL = 1100;
export const MIN_PER_CATEGORY = 110;

export type Language = 'ru' | 'en' | 'mixed' | 'translit';

export interface LabelledReport {
  total: number;
  perCategory: Record<string, number>;
  perLanguage: Record<Language, number>;
  problems: string[];
}

// Common Russian words as people type them in Latin letters: two of them in an all-Latin text
// mean transliterated Russian rather than English.
const TRANSLIT =
  /\b(ne|ya|mne|mo[iy]\w*|kogda|gotov\w*|pochemu|rabot\w*|spasibo|pozh\w*|zdravstv\w*|privet|nuzh\w*|chto|kak|uzhe|eshe|esche|skolko|sch[eyo]t\w*|remont\w*|garant\w*|zhalob\w*|net|est|mozhno|gde|vash\w*|vas|vy|v|na|za|seychas|segodnya|zavtra|pochin\w*|zabrat|telefon\w*|noutbuk\w*|ekran\w*|ofis\w*|dengi|oplat\w*|zayavk\w*|prishlite|skazhite|podskazhite|ochen|slomal\w*|propad\w*|chasy|chinite|posle|iz|dlya|kabinet\w*)\b/gi;

/** A rough language tag, enough to see the mix of the file: by the share of Cyrillic and Latin words. */
export function languageOf(text: string): Language {
  const words = text.match(/\p{L}+/gu) ?? [];
  let cyrillic = 0;
  let latin = 0;
  for (const word of words) {
    const hasCyrillic = /\p{Script=Cyrillic}/u.test(word);
    const hasLatin = /\p{Script=Latin}/u.test(word);
    if (hasCyrillic && hasLatin) return 'mixed';
    if (hasCyrillic) cyrillic++;
    else if (hasLatin) latin++;
  }
  if (cyrillic === 0) return (text.match(TRANSLIT)?.length ?? 0) >= 2 ? 'translit' : 'en';
  if (latin === 0) return 'ru';
  // A brand or "Wi-Fi" in a Russian sentence keeps it Russian; a quarter of the words in each script is a mix.
  return Math.min(cyrillic, latin) / (cyrillic + latin) >= 0.25 ? 'mixed' : cyrillic > latin ? 'ru' : 'en';
}

export function checkLabelled(content: string, file = 'input'): LabelledReport {
  const known = new Set<string>(LABELLED_CATEGORIES);
  const perCategory: Record<string, number> = Object.fromEntries(LABELLED_CATEGORIES.map((c) => [c, 0]));
  const perLanguage: Record<Language, number> = { ru: 0, en: 0, mixed: 0, translit: 0 };
  const problems: string[] = [];
  const seen = new Map<string, number>();
  let total = 0;
  const lines = content.split('\n');
  lines.forEach((raw, i) => {
    const n = i + 1;
    const line = raw.trim();
    if (!line) {
      if (i < lines.length - 1) problems.push(`${file}:${n}: empty line`);
      return;
    }
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (err) {
      problems.push(`${file}:${n}: not JSON (${(err as Error).message})`);
      return;
    }
    const { text, category } = (row ?? {}) as { text?: unknown; category?: unknown };
    if (typeof text !== 'string' || !text.trim() || typeof category !== 'string') {
      problems.push(`${file}:${n}: needs a non-empty "text" string and a "category" string`);
      return;
    }
    const extra = Object.keys(row as object).filter((k) => k !== 'text' && k !== 'category');
    if (extra.length) problems.push(`${file}:${n}: unexpected fields ${extra.join(', ')}`);
    if (!known.has(category)) {
      problems.push(`${file}:${n}: unknown category "${category}" (known: ${LABELLED_CATEGORIES.join(', ')})`);
      return;
    }
    const key = text.trim().toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) problems.push(`${file}:${n}: same text as line ${first}`);
    else seen.set(key, n);
    total++;
    perCategory[category]++;
    perLanguage[languageOf(text)]++;
  });
  if (total < MIN_TOTAL) problems.push(`${file}: ${total} tickets, at least ${MIN_TOTAL} wanted`);
  for (const category of LABELLED_CATEGORIES)
    if (perCategory[category] < MIN_PER_CATEGORY)
      problems.push(`${file}: ${perCategory[category]} "${category}" tickets, at least ${MIN_PER_CATEGORY} wanted`);
  return { total, perCategory, perLanguage, problems };
}

function main(): void {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: npx tsx scripts/check-labelled.ts <file.jsonl>');
    process.exit(1);
  }
  const report = checkLabelled(fs.readFileSync(file, 'utf8'), file);
  const share = (n: number) => `${n} (${((100 * n) / Math.max(report.total, 1)).toFixed(1)} %)`;
  console.log(`${report.total} tickets in ${file}`);
  console.log('per category:');
  for (const [category, n] of Object.entries(report.perCategory)) console.log(`  ${category.padEnd(13)} ${share(n)}`);
  console.log('per language:');
  for (const [language, n] of Object.entries(report.perLanguage)) console.log(`  ${language.padEnd(13)} ${share(n)}`);
  for (const problem of report.problems) console.error(problem);
  if (report.problems.length) process.exit(1);
}

if (require.main === module) main();
