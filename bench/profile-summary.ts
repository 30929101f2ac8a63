/**
 * `npx tsx bench/profile-summary.ts FILE.cpuprofile [--top N]`: where a CPU profile's time went,
 * as self time per package (or project folder) and per function, largest first.
 */
import fs from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** `node_modules/@scope/pkg/…` → `@scope/pkg`; a project file → its folder; natives and GC by their names. */
export function ownerOf(url: string, functionName: string): string {
  if (!url) return `(${functionName || 'native'})`;
  const file = url.replace(/^file:\/\//, '');
  const modules = file.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const [first, second] = file.slice(modules + 'node_modules/'.length).split('/');
    return first!.startsWith('@') ? `${first}/${second}` : first!;
  }
  if (file.startsWith('node:')) return file;
  const root = path.resolve(__dirname, '..');
  return file.startsWith(root) ? path.dirname(path.relative(root, file)) : file;
}

export function summarizeProfile(profile: Profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const owners = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const { callFrame } = byId.get(id)!;
    total += us;
    const owner = ownerOf(callFrame.url, callFrame.functionName);
    owners.set(owner, (owners.get(owner) ?? 0) + us);
    const fn = `${callFrame.functionName || '(anonymous)'} ${owner}:${callFrame.lineNumber + 1}`;
    functions.set(fn, (functions.get(fn) ?? 0) + us);
  }
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return { totalMs: total / 1000, owners: sorted(owners), functions: sorted(functions) };
}

if (require.main === module) {
  const [file, ...rest] = process.argv.slice(2);
  if (!file) {
    console.error('usage: npx tsx bench/profile-summary.ts FILE.cpuprofile [--top N]');
    process.exit(2);
  }
  const top = rest[0] === '--top' ? Number(rest[1]) : 25;
  const { totalMs, owners, functions } = summarizeProfile(JSON.parse(fs.readFileSync(file, 'utf8')));
  const share = (us: number) =>
    `${((us / 1000 / totalMs) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0)} ms`;
  console.log(`${file}: ${totalMs.toFixed(0)} ms sampled\n\nby package or folder:`);
  for (const [owner, us] of owners.slice(0, top)) console.log(`  ${share(us)}  ${owner}`);
  console.log('\nby function:');
  for (const [fn, us] of functions.slice(0, top)) console.log(`  ${share(us)}  ${fn}`);
}
