import path from 'node:path';
import { resolveTemporalCli } from '../src/infra/temporal-server';

/**
 * Runs before `npm test`: makes sure a Temporal CLI is at hand (TEMPORAL_CLI, PATH,
 * .tools/bin, or a one-off Go build into .tools/bin that takes a few minutes), so the
 * tests' set-up never waits on a build. Nothing to do when TEMPORAL_ADDRESS is set.
 */
async function main() {
  if (process.env.TEMPORAL_ADDRESS) return;
  const cli = await resolveTemporalCli({
    cliPath: process.env.TEMPORAL_CLI || undefined,
    toolsDir: path.resolve(__dirname, '..', '.tools'),
    log: (message) => console.log(`[prepare] ${message}`),
  });
  console.log(cli ? `[prepare] Temporal CLI: ${cli.path} (${cli.source})` : '[prepare] no Temporal CLI and no Go: the tests will let the SDK download one');
}

main().catch((error) => {
  console.error(`[prepare] ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
