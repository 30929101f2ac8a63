import fs from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { ticketWorkflowId } from '../../src/domain/process';
import type { Desk } from '../../src/desk';

const historiesDir = path.join(__dirname, '..', 'histories');

/**
 * With RECORD_HISTORIES=1 (`npm run record-histories`) the ticket's history joins those
 * test/replay.test.ts replays, as `ticket-<topic>-<date>.json`. A file already there is never
 * overwritten: a recording of the same day gets `-2`, `-3`, … so old histories stay as recorded.
 */
export async function recordHistory(
  desk: Pick<Desk, 'temporal'>,
  ticketId: number,
  topic: string,
  /** One run of a ticket that continued as new; its latest run when absent. */
  runId?: string,
): Promise<void> {
  if (!process.env.RECORD_HISTORIES) return;
  const history = await desk.temporal.workflow.getHandle(ticketWorkflowId(ticketId), runId).fetchHistory();
  const stem = `ticket-${topic}-${new Date().toISOString().slice(0, 10)}`;
  for (let copy = 1; ; copy++) {
    try {
      fs.writeFileSync(path.join(historiesDir, `${stem}${copy > 1 ? `-${copy}` : ''}.json`), historyToJSON(history), {
        flag: 'wx',
      });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
