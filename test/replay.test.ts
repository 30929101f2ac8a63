import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { describe, expect, it, inject } from 'vitest';

const historiesDir = path.join(__dirname, 'histories');

/**
 * Histories of real tickets, recorded from the dev server (RECORD_HISTORIES=1 npm test -- ticket-lifecycle).
 * A change to workflows/ that would break tickets already running fails here: guard it with patched().
 */
describe('recorded ticket histories replay on the current workflow code', () => {
  const files = fs.readdirSync(historiesDir).filter((f) => f.endsWith('.json'));

  it('has recorded histories to replay', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s replays without non-determinism', async (file) => {
    const history = historyFromJSON(JSON.parse(fs.readFileSync(path.join(historiesDir, file), 'utf8')));
    await Worker.runReplayHistory(
      { workflowBundle: { codePath: inject('workflowBundlePath') } },
      history,
      file.replace(/\.json$/, ''),
    );
  });
});
