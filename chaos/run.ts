import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { seededRandom } from '../bench/generator';
import { closeDatabase, openDatabase } from '../src/db/client';
import { tokenScopes } from '../src/domain/enums';
import { sleep } from '../src/infra/processes';
import { createIdentityService } from '../src/services/identity-service';
import { createLoad, type TicketRun } from './load';
import { startRig, type FaultKind, type Rig } from './rig';
import { faultTable, verifyRun, type FaultRecord, type PhaseRow } from './verify';

export interface ChaosOptions {
  /** Tickets in all, shared out over the fault kinds. */
  tickets: number;
  /** Faults of each kind. */
  faults: number;
  kinds: FaultKind[];
  seed: number;
  /** Tickets filed a second. */
  rate: number;
  /** How long Temporal and PostgreSQL stay down once killed. */
  downMs: number;
  smtpDownMs: number;
  /** The shortest stretch of load per fault. */
  faultGapMs: number;
  /** How long the load waits for each step of a ticket (filed → queued → accepted → … → closed) before it gives up on it. */
  ticketDeadlineMs: number;
  /** Keep the servers' files (logs, data) after the run. */
  keep?: boolean;
  log: (message: string) => void;
}

export interface ChaosReport {
  seed: number;
  rows: PhaseRow[];
  table: string;
  dir: string;
  /** Exits of the desk's processes nobody asked for (the supervisor started them again). */
  crashes: Array<{ role: string; code: number | string | null; tail: string }>;
  /** What the desk's processes logged as errors (level ≥ 50, but for the 503s of a backend away), the last 20: a 500's reason is there. */
  errorLog: string[];
}

/** The pino lines of level ≥ 50 in a process's log, shortened to their message and error. */
function errorLinesOf(file: string, role: string): string[] {
  if (!fs.existsSync(file)) return [];
  const lines: string[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as {
        level?: number;
        time?: number;
        msg?: string;
        err?: { type?: string; code?: string; message?: string };
      };
      // A backend away answers 503 by design, and is logged so: not what is looked for here.
      if ((entry.level ?? 0) < 50 || entry.msg === 'a backend is unavailable') continue;
      const at = entry.time ? new Date(entry.time).toISOString().slice(11, 23) : '?';
      const err = entry.err
        ? ` — ${entry.err.type ?? 'Error'}${entry.err.code ? ` ${entry.err.code}` : ''}: ${entry.err.message ?? ''}`
        : '';
      lines.push(`${at} ${role}: ${entry.msg ?? ''}${err}`.slice(0, 400));
    } catch {
      // Not one of the desk's JSON lines (the SDK's own output).
    }
  }
  return lines;
}

/** The response deadline the probe service gives: tickets are accepted after it, so each breach timer fires. */
const RESPONSE_SECONDS = 3;
const HOLD_MS = (RESPONSE_SECONDS + 2) * 1000;

const letters = (n: number) =>
  String(n)
    .split('')
    .map((digit) => 'abcdefghij'[Number(digit)])
    .join('');

/** A staff API token issued straight into the database, as an administrator would. */
async function staffToken(databaseUrl: string, login: string) {
  const db = openDatabase(databaseUrl, { max: 1 });
  try {
    return (await createIdentityService({ db }).issueStaffToken(login, 'chaos', [...tokenScopes])).token;
  } finally {
    await closeDatabase(db);
  }
}

/** A catalog service only this run's tickets reach (its keyword), with a response deadline of seconds. */
async function probeService(rig: Rig, token: string, keyword: string) {
  const call = async (method: string, route: string, body: unknown) => {
    const answer = await fetch(`${rig.api.url}${route}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (answer.status >= 300) throw new Error(`${method} ${route}: ${answer.status} ${await answer.text()}`);
  };
  const code = `chaos-${keyword}`;
  await call('POST', '/catalog/services', {
    code,
    nameRu: 'Проверка отказов',
    nameEn: 'Chaos probe',
    category: 'general',
    price: '500.00',
    normHours: 1,
    supportLine: 1,
    keywords: [keyword],
  });
  await call('PUT', `/catalog/services/${code}/sla/one_time`, {
    calendarCode: '24x7',
    responseSeconds: RESPONSE_SECONDS,
    resolutionSeconds: 3600,
    warningShare: 0.5,
  });
}

/**
 * `npm run chaos`: load on separate API and worker processes while faults of each kind are
 * injected at random moments (one phase per kind, `faults` of it), then the check of what is
 * left (chaos/verify.ts) and the table.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const { log } = options;
  const random = seededRandom(options.seed);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'desk-chaos-'));
  const taskQueue = `chaos-${options.seed}`;
  log(`seed ${options.seed}; files in ${dir}`);
  const rig = await startRig({
    dir,
    taskQueue,
    downMs: options.downMs,
    smtpDownMs: options.smtpDownMs,
    log,
  });
  try {
    if (!(await rig.allReady(300_000))) throw new Error(`the desk did not start; see ${dir}/api.log and worker.log`);
    const token = await staffToken(rig.databaseUrl(), 'sidorova');
    const keyword = `chaosq${letters(options.seed)}`;
    await probeService(rig, token, keyword);

    const markerPrefix = `chaos-${options.seed}-`;
    const sql = postgres(rig.databaseUrl(), { max: 1, onnotice: () => {}, connect_timeout: 5 });
    const findByMarker = async (marker: string) => {
      const [row] = await sql<
        { id: number }[]
      >`select id::int as id from tickets where description like ${`%${marker}`}`;
      return row?.id;
    };
    const load = createLoad({
      rig,
      seed: options.seed,
      keyword,
      token,
      holdMs: HOLD_MS,
      ticketDeadlineMs: options.ticketDeadlineMs,
      findByMarker,
      log,
    });
    const outboxDrained = async (timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        try {
          const [row] = await sql<{ n: number }[]>`select count(*)::int as n from outbox where status <> 'sent'`;
          if (row!.n === 0) return true;
        } catch {
          // The database may be coming back.
        }
        await sleep(250);
      }
      return false;
    };

    const runs: TicketRun[] = [];
    const lives: Promise<void>[] = [];
    const faults: FaultRecord[] = [];
    const perPhase = Math.ceil(options.tickets / options.kinds.length);
    const intervalMs = 1000 / options.rate;
    for (const [phase, kind] of options.kinds.entries()) {
      const phaseMs = Math.max(perPhase * intervalMs, options.faults * options.faultGapMs);
      const started = Date.now();
      log(`phase ${phase + 1}/${options.kinds.length}: ${kind}, ${perPhase} tickets, ${options.faults} faults`);
      const filing = (async () => {
        for (let i = 0; i < perPhase && runs.length < options.tickets; i++) {
          await sleep(Math.max(0, started + i * intervalMs - Date.now()));
          const n = runs.length + 1;
          const run: TicketRun = {
            n,
            marker: `${markerPrefix}${n}`,
            email: `${markerPrefix}${n}@chaos.example`,
            phase,
            filedAt: Date.now(),
            reached: 'filed',
            serverErrors: [],
          };
          runs.push(run);
          lives.push(load.live(run));
        }
      })();
      // Each fault at a random moment of its share of the phase, one after another.
      const slotMs = phaseMs / options.faults;
      for (let j = 0; j < options.faults; j++) {
        await sleep(Math.max(0, started + j * slotMs + random() * slotMs * 0.6 - Date.now()));
        const injectedAt = Date.now();
        const { repairedAt } = await rig.inject(kind);
        const ready = await rig.allReady(180_000);
        const drained = kind === 'smtp' ? await outboxDrained(180_000) : true;
        const fault: FaultRecord = { kind, phase, injectedAt, repairedAt };
        if (ready && drained) fault.recoveredAt = Date.now();
        faults.push(fault);
        log(
          `  ${kind} fault ${j + 1}: down ${((repairedAt - injectedAt) / 1000).toFixed(1)} s, ${
            fault.recoveredAt
              ? `recovered ${((fault.recoveredAt - injectedAt) / 1000).toFixed(1)} s after`
              : 'NOT recovered'
          }`,
        );
      }
      await filing;
    }
    log(`all faults injected; waiting for ${runs.length} tickets to reach their end…`);
    await Promise.all(lives);
    await outboxDrained(60_000);
    await sql.end();

    const rows = await verifyRun({
      databaseUrl: rig.databaseUrl(),
      temporalAddress: rig.temporalAddress(),
      taskQueue,
      markerPrefix,
      runs,
      faults,
      phases: options.kinds,
      mail: rig.smtp.received(),
      settleMs: 60_000,
    });
    const crashes = [rig.api, rig.worker].flatMap((role) =>
      role.unplannedExits.map((exit) => ({ role: role.role, code: exit.code, tail: exit.tail })),
    );
    const errorLog = [
      ...errorLinesOf(path.join(dir, 'api.log'), 'api'),
      ...errorLinesOf(path.join(dir, 'worker.log'), 'worker'),
    ]
      .sort()
      .slice(-20);
    return { seed: options.seed, rows, table: faultTable(rows), dir, crashes, errorLog };
  } finally {
    await rig.stop();
    if (!options.keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}
