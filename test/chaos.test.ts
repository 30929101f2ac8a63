import { expect, it } from 'vitest';
import { faultKinds } from '../chaos/rig';
import { runChaos } from '../chaos/run';

/**
 * `npm run chaos` small: two tickets and one fault of each kind (worker and API killed with
 * SIGKILL, Temporal and PostgreSQL killed and restarted on their files, the SMTP server down),
 * against separate API and worker processes on servers of the run's own. Nothing lost,
 * duplicated or stuck, no SLA timer missed, and no process of the desk exiting on its own.
 */
it('loses, duplicates and strands no ticket, notice or SLA timer through one fault of each kind', async () => {
  const report = await runChaos({
    tickets: 2 * faultKinds.length,
    faults: 1,
    kinds: [...faultKinds],
    seed: Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 1_000_000)),
    rate: 1,
    downMs: 3_000,
    smtpDownMs: 6_000,
    faultGapMs: 6_000,
    // Per step: the survey's mail can come ~2 min late after the SMTP outage on a loaded machine
    // (the clean-clone run of 59c2bda: the outbox drained 116 s after SMTP was back). Likely a send
    // cut by the outage whose claim's 90 s hold (src/repositories/outbox.ts) is waited out; not proven.
    ticketDeadlineMs: 180_000,
    log: (message) => console.log(`[chaos] ${message}`),
  });
  console.log(`seed ${report.seed}\n${report.table}`);
  if (report.errorLog.length) console.log(`errors the desk logged:\n${report.errorLog.join('\n')}`);
  expect(report.rows.flatMap((row) => row.findings.map((f) => `${row.kind}: ${f.ticket}: ${f.what}`))).toEqual([]);
  for (const row of report.rows) {
    expect(row, row.kind).toMatchObject({
      faults: 1,
      lost: 0,
      duplicated: 0,
      stuck: 0,
      serverErrors: 0,
      missedTimers: 0,
    });
    expect(row.maxRecoveryMs, `${row.kind} recovered`).not.toBeNull();
  }
  // No desk process exits on its own: postgres.js's crash on a cut transaction is patched (test/postgres-driver.test.ts).
  expect(report.crashes).toEqual([]);
}, 420_000);
