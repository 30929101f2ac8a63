/**
 * `npm run chaos -- --tickets 1000 --faults 10 --kinds worker,api,temporal,postgres,smtp [--seed S]`:
 * tickets filed and driven to their end over HTTP against separate API and worker processes while
 * each kind of fault is injected `--faults` times at random moments; then the check and the table
 * (chaos/run.ts). Exits 1 when a ticket was lost, duplicated or stuck.
 */
import { parseArgs } from 'node:util';
import { parseDuration } from '../src/config';
import { faultKinds, type FaultKind } from '../chaos/rig';
import { runChaos } from '../chaos/run';

const { values } = parseArgs({
  options: {
    tickets: { type: 'string', default: '1000' },
    faults: { type: 'string', default: '10' },
    kinds: { type: 'string', default: faultKinds.join(',') },
    seed: { type: 'string' },
    rate: { type: 'string', default: '2' },
    down: { type: 'string', default: '5s' },
    'smtp-down': { type: 'string', default: '60s' },
    'fault-gap': { type: 'string', default: '20s' },
    'ticket-deadline': { type: 'string', default: '10m' },
    keep: { type: 'boolean', default: false },
  },
});

const whole = (name: string, text: string) => {
  if (!/^[1-9]\d*$/.test(text)) throw new Error(`--${name} must be a positive whole number, got "${text}"`);
  return Number(text);
};
const duration = (name: string, text: string) => {
  const ms = parseDuration(text);
  if (ms === undefined) throw new Error(`--${name} must be a duration like 5s or 2m, got "${text}"`);
  return ms;
};
const kinds = values.kinds!.split(',').map((kind) => kind.trim());
const unknown = kinds.filter((kind) => !(faultKinds as readonly string[]).includes(kind));
if (unknown.length) throw new Error(`--kinds: ${unknown.join(', ')} not among ${faultKinds.join(', ')}`);
const rate = Number(values.rate);
if (!(rate > 0)) throw new Error(`--rate must be a positive number of tickets a second, got "${values.rate}"`);
const seed = values.seed === undefined ? Math.floor(Math.random() * 1_000_000) : whole('seed', values.seed);

const log = (message: string) => console.log(`[chaos ${new Date().toISOString().slice(11, 19)}] ${message}`);
runChaos({
  tickets: whole('tickets', values.tickets!),
  faults: whole('faults', values.faults!),
  kinds: kinds as FaultKind[],
  seed,
  rate,
  downMs: duration('down', values.down!),
  smtpDownMs: duration('smtp-down', values['smtp-down']!),
  faultGapMs: duration('fault-gap', values['fault-gap']!),
  ticketDeadlineMs: duration('ticket-deadline', values['ticket-deadline']!),
  keep: values.keep,
  log,
}).then(
  (report) => {
    console.log(`\nseed ${report.seed}\n${report.table}`);
    for (const row of report.rows)
      for (const finding of row.findings) console.log(`  ${row.kind}: ${finding.ticket}: ${finding.what}`);
    for (const row of report.rows)
      for (const refusal of row.refusals) console.log(`  ${row.kind}, refused: ${refusal}`);
    for (const crash of report.crashes)
      console.log(`  ${crash.role} exited on its own (${crash.code}):\n${crash.tail}`);
    if (report.errorLog.length)
      console.log(`errors the desk logged (last ${report.errorLog.length}):\n${report.errorLog.join('\n')}`);
    const bad = report.rows.some(
      (row) => row.lost + row.duplicated + row.stuck + row.serverErrors + row.missedTimers > 0,
    );
    process.exit(bad ? 1 : 0);
  },
  (error) => {
    console.error(error);
    process.exit(2);
  },
);
