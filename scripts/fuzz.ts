/**
 * `npm run fuzz -- --runs 10000 [--seed N]`: the fuzz test (test/fuzz.test.ts) with more requests,
 * against the servers the test setup starts; it prints the seed and the table of requests per
 * route and status class.
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10000' }, seed: { type: 'string' } } });
if (!/^[1-9]\d*$/.test(values.runs!)) throw new Error(`--runs must be a positive whole number, got "${values.runs}"`);
if (values.seed !== undefined && !/^-?\d+$/.test(values.seed))
  throw new Error(`--seed must be a whole number, got "${values.seed}"`);
const result = spawnSync('npx', ['vitest', 'run', 'test/fuzz.test.ts'], {
  stdio: 'inherit',
  env: { ...process.env, FUZZ_RUNS: values.runs, ...(values.seed === undefined ? {} : { FUZZ_SEED: values.seed }) },
});
process.exit(result.status ?? 1);
