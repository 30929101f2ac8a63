import { Client, Connection } from '@temporalio/client';
import type { ParsedMail } from 'mailparser';
import postgres from 'postgres';
import type { TicketRun } from './load';
import type { FaultKind } from './rig';

export interface FaultRecord {
  kind: FaultKind;
  phase: number;
  injectedAt: number;
  repairedAt: number;
  /** When every process answered ready again (for smtp: the first message delivered after it came back). */
  recoveredAt?: number;
}

export interface Finding {
  ticket?: number | string;
  what: string;
}

export interface PhaseRow {
  kind: FaultKind;
  tickets: number;
  /** Requests the caller got an error or a refusal for; `adopted` of them turned out registered. */
  refused: number;
  adopted: number;
  faults: number;
  lost: number;
  duplicated: number;
  stuck: number;
  /** Answers of 5xx other than 503 "retry later" the load got. */
  serverErrors: number;
  /** SLA breaches due between a fault of this kind and its recovery, and the latest of them. */
  timersDue: number;
  missedTimers: number;
  maxTimerLagMs: number | null;
  maxRecoveryMs: number | null;
  findings: Finding[];
  /** What the callers of the refused requests were told (not a failure: a refusal is allowed). */
  refusals: string[];
}

/**
 * What the run left behind, checked from the desk's database, Temporal's own record and the SMTP
 * sink's mailbox, per phase (one fault kind each): every filed ticket was refused to its caller or
 * exists once, whole, and closed; no row or notice twice; no workflow left running; every SLA
 * breach timer due fired, and how late.
 */
export async function verifyRun(input: {
  databaseUrl: string;
  temporalAddress: string;
  taskQueue: string;
  markerPrefix: string;
  runs: TicketRun[];
  faults: FaultRecord[];
  phases: FaultKind[];
  mail: ParsedMail[];
  /** How long a workflow still running is waited for before it counts as stuck. */
  settleMs: number;
}): Promise<PhaseRow[]> {
  const sql = postgres(input.databaseUrl, { max: 2, onnotice: () => {} });
  const connection = await Connection.connect({ address: input.temporalAddress });
  try {
    type TicketRow = {
      id: number;
      description: string;
      stage: string;
      responseDueAt: Date | null;
      acceptedAt: Date | null;
    };
    const rows = await sql<TicketRow[]>`
      select id::int as id, description, stage, response_due_at as "responseDueAt", accepted_at as "acceptedAt"
      from tickets where description like ${`%${input.markerPrefix}%`}`;
    const markerOf = (description: string) => new RegExp(`${input.markerPrefix}\\d+`).exec(description)?.[0];
    const byMarker = new Map<string, TicketRow[]>();
    for (const row of rows) {
      const marker = markerOf(row.description)!;
      byMarker.set(marker, [...(byMarker.get(marker) ?? []), row]);
    }
    const ids = rows.map((row) => row.id);

    const client = new Client({ connection });
    const workflows = await ticketWorkflows(client, input.taskQueue, input.settleMs);

    // Rows a ticket has once in this run's path (no reopening), and its mail.
    const repeatedEvents = await sql<{ ticketId: number; action: string; n: number }[]>`
      select ticket_id::int as "ticketId", action, count(*)::int as n from ticket_events
      where ticket_id = any(${ids}) and action in ('received', 'registered', 'classified', 'queued', 'accepted',
        'work_recorded', 'resolved', 'notified', 'survey_requested', 'survey_answered', 'closed')
      group by ticket_id, element_id, action having count(*) > 1`;
    const repeatedSla = await sql<{ ticketId: number; action: string; n: number }[]>`
      select ticket_id::int as "ticketId", action || ':' || coalesce(data->>'target', '') as action, count(*)::int as n
      from ticket_events where ticket_id = any(${ids}) and action in ('sla_started', 'sla_warned', 'sla_breached', 'sla_met')
      group by ticket_id, action, data->>'target' having count(*) > 1`;
    const workEntries = await sql<{ ticketId: number; n: number }[]>`
      select ticket_id::int as "ticketId", count(*)::int as n from ticket_work_entries
      where ticket_id = any(${ids}) group by ticket_id having count(*) > 1`;
    const clientsTwice = await sql<{ email: string; n: number }[]>`
      select email, count(*)::int as n from clients where email like ${`${input.markerPrefix}%`}
      group by email having count(*) > 1`;
    const sentMail = await sql<{ ticketId: number; purpose: string; messageId: string; status: string }[]>`
      select ticket_id::int as "ticketId", purpose, message_id as "messageId", status from outbox where ticket_id = any(${ids})`;
    const breaches = await sql<{ ticketId: number; at: Date; dueAt: string }[]>`
      select ticket_id::int as "ticketId", at, data->>'dueAt' as "dueAt" from ticket_events
      where ticket_id = any(${ids}) and action = 'sla_breached' and data->>'target' = 'response'`;

    // The row's accepted_at is when the accept's write committed, which a database or worker
    // outage delays past the deadline; the clock decided at the workflow's time of the accept.
    const breachedIds = new Set(breaches.map((breach) => breach.ticketId));
    const acceptedInWorkflow = new Map<number, number | null>();
    for (const row of rows)
      if (row.responseDueAt && row.acceptedAt && row.acceptedAt > row.responseDueAt && !breachedIds.has(row.id))
        acceptedInWorkflow.set(row.id, await acceptedInWorkflowAt(client, row.id));

    const mailById = new Map<string, number>();
    for (const mail of input.mail)
      if (mail.messageId) mailById.set(mail.messageId, (mailById.get(mail.messageId) ?? 0) + 1);
    const bare = (id: string) => id.replace(/^<|>$/g, '');
    const mailsOf = (messageId: string) => mailById.get(bare(messageId)) ?? mailById.get(messageId) ?? 0;

    const phaseStarts = input.phases.map((_, phase) =>
      Math.min(...input.runs.filter((run) => run.phase === phase).map((run) => run.filedAt)),
    );
    const phaseOf = (at: number) => phaseStarts.reduce((found, start, phase) => (at >= start ? phase : found), 0);
    const faultOf = (at: number) =>
      input.faults.find((fault) => at >= fault.injectedAt && at <= (fault.recoveredAt ?? fault.repairedAt));

    return input.phases.map((kind, phase) => {
      const findings: Finding[] = [];
      const runs = input.runs.filter((run) => run.phase === phase);
      let lost = 0;
      let duplicated = 0;
      let stuck = 0;
      let refused = 0;
      let adopted = 0;
      const phaseIds = new Set<number>();
      let serverErrors = 0;
      const refusals: string[] = [];
      for (const run of runs) {
        for (const answer of run.serverErrors) {
          serverErrors++;
          findings.push({ ticket: run.ticketId ?? run.marker, what: `answered ${answer.slice(0, 300)}` });
        }
        const found = byMarker.get(run.marker) ?? [];
        if (found.length > 1) {
          duplicated++;
          findings.push({
            ticket: run.marker,
            what: `filed once, registered ${found.length} times (${found.map((row) => row.id).join(', ')}); the caller got ${JSON.stringify(run.filing).slice(0, 300)}`,
          });
        }
        const ticket = found[0];
        if (run.filing?.outcome !== 'registered') {
          refused++;
          refusals.push(
            `${run.marker}${run.adopted ? ` (found registered: ${run.ticketId})` : ''}: ${JSON.stringify(run.filing).slice(0, 200)}`,
          );
        }
        if (run.adopted) adopted++;
        if (!ticket) {
          if (run.filing?.outcome === 'registered') {
            lost++;
            findings.push({ ticket: run.ticketId, what: 'answered 201/202 but not in the database' });
          }
          continue;
        }
        phaseIds.add(ticket.id);
        const workflow = workflows.get(`ticket-${ticket.id}`)?.status;
        if (!workflow) {
          lost++;
          findings.push({
            ticket: ticket.id,
            what: 'in the database, but Temporal has no workflow for it (half-registered)',
          });
          continue;
        }
        if (ticket.stage !== 'closed' || workflow !== 'COMPLETED') {
          stuck++;
          findings.push({
            ticket: ticket.id,
            what: `stage ${ticket.stage}, workflow ${workflow}; driver reached ${run.reached}${run.problem ? `: ${run.problem}` : ''}`,
          });
        }
      }
      // A workflow of this run that its database does not know: registered halfway.
      for (const [id, workflow] of workflows) {
        const number = Number(id.slice('ticket-'.length));
        if (!ids.includes(number) && phaseOf(workflow.startedAt) === phase) {
          lost++;
          findings.push({ ticket: id, what: `workflow (${workflow.status}) without a ticket row (half-registered)` });
        }
      }
      const mine = <T extends { ticketId: number }>(list: T[]) => list.filter((row) => phaseIds.has(row.ticketId));
      for (const row of [...mine(repeatedEvents), ...mine(repeatedSla)]) {
        duplicated++;
        findings.push({ ticket: row.ticketId, what: `event ${row.action} recorded ${row.n} times` });
      }
      for (const row of mine(workEntries)) {
        duplicated++;
        findings.push({ ticket: row.ticketId, what: `${row.n} work entries for one` });
      }
      if (phase === 0)
        for (const row of clientsTwice) {
          duplicated++;
          findings.push({ ticket: row.email, what: `client stored ${row.n} times` });
        }
      for (const message of mine(sentMail)) {
        const copies = mailsOf(message.messageId);
        if (copies > 1) {
          duplicated++;
          findings.push({
            ticket: message.ticketId,
            what: `${message.purpose} mailed ${copies} times (${message.messageId})`,
          });
        }
        if (message.status === 'sent' && copies === 0) {
          lost++;
          findings.push({ ticket: message.ticketId, what: `${message.purpose} marked sent, never received` });
        }
        if (message.status !== 'sent') {
          stuck++;
          findings.push({ ticket: message.ticketId, what: `${message.purpose} still ${message.status} in the outbox` });
        }
      }

      if (phase === 0) {
        const known = new Set(sentMail.map((message) => bare(message.messageId)));
        for (const mail of input.mail)
          if (!mail.messageId || !known.has(bare(mail.messageId))) {
            duplicated++;
            findings.push({ ticket: mail.messageId ?? '?', what: `mail "${mail.subject}" the outbox never held` });
          }
      }

      // Breach timers: each due while the ticket still waited must have fired; lag from its due time.
      let timersDue = 0;
      let missedTimers = 0;
      let maxTimerLagMs: number | null = null;
      for (const ticket of rows.filter((row) => phaseIds.has(row.id))) {
        if (!ticket.responseDueAt) continue;
        const due = ticket.responseDueAt.getTime();
        const acceptedAt = acceptedInWorkflow.get(ticket.id) ?? ticket.acceptedAt?.getTime();
        const waited = acceptedAt === undefined || acceptedAt > due;
        const fired = breaches.find((breach) => breach.ticketId === ticket.id);
        if (waited && !fired) {
          missedTimers++;
          findings.push({
            ticket: ticket.id,
            what: `response deadline ${ticket.responseDueAt.toISOString()} passed${acceptedAt === undefined ? '' : ` before the accept at ${new Date(acceptedAt).toISOString()}`}, no breach recorded`,
          });
        }
      }
      for (const breach of breaches) {
        const due = Date.parse(breach.dueAt);
        const fault = faultOf(due);
        if (fault?.kind !== kind) continue;
        timersDue++;
        const lag = breach.at.getTime() - due;
        maxTimerLagMs = Math.max(maxTimerLagMs ?? 0, lag);
      }
      const faults = input.faults.filter((fault) => fault.phase === phase);
      const recoveries = faults.filter((f) => f.recoveredAt).map((f) => f.recoveredAt! - f.injectedAt);
      return {
        kind,
        tickets: runs.length,
        refused,
        adopted,
        faults: faults.length,
        lost,
        duplicated,
        stuck,
        serverErrors,
        timersDue,
        missedTimers,
        maxTimerLagMs,
        maxRecoveryMs: recoveries.length ? Math.max(...recoveries) : null,
        findings,
        refusals,
      };
    });
  } finally {
    await connection.close();
    await sql.end();
  }
}

/**
 * The run's ticket workflows with their status from each one's own record: the list comes from
 * visibility, which lags; one still running is asked again until `settleMs` has passed.
 */
async function ticketWorkflows(client: Client, taskQueue: string, settleMs: number) {
  const workflows = new Map<string, { status: string; startedAt: number }>();
  for await (const workflow of client.workflow.list({
    query: `TaskQueue = '${taskQueue}' AND WorkflowType = 'ticketWorkflow'`,
  }))
    workflows.set(workflow.workflowId, { status: workflow.status.name, startedAt: workflow.startTime.getTime() });
  const deadline = Date.now() + settleMs;
  for (const [id, workflow] of workflows) {
    while (workflow.status === 'RUNNING') {
      workflow.status = (await client.workflow.getHandle(id).describe()).status.name;
      if (workflow.status !== 'RUNNING' || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  return workflows;
}

const seconds = (ms: number | null) => (ms === null ? '–' : `${(ms / 1000).toFixed(1)} s`);

/** The summary table, one row per fault kind. */
export function faultTable(rows: PhaseRow[]): string {
  const header = [
    'fault',
    'tickets',
    'refused (adopted)',
    'faults',
    'lost',
    'duplicated',
    'stuck',
    '5xx',
    'timers due in outage',
    'missed',
    'max timer lag',
    'max recovery',
  ];
  const lines = rows.map((row) => [
    row.kind,
    String(row.tickets),
    `${row.refused} (${row.adopted})`,
    String(row.faults),
    String(row.lost),
    String(row.duplicated),
    String(row.stuck),
    String(row.serverErrors),
    String(row.timersDue),
    String(row.missedTimers),
    seconds(row.maxTimerLagMs),
    seconds(row.maxRecoveryMs),
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...lines.map((line) => line[i]!.length)));
  const format = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  return [format(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(format)].join('\n');
}

/**
 * The workflow's time (its task's start, what the clock's Date.now() read) of the task that took
 * the ticket's accept update, from Temporal's history; null when its run holds no accept.
 */
async function acceptedInWorkflowAt(client: Client, ticketId: number): Promise<number | null> {
  const history = await client.workflow.getHandle(`ticket-${ticketId}`).fetchHistory();
  let taskStartedAt: number | null = null;
  for (const event of history.events ?? []) {
    if (event.workflowTaskStartedEventAttributes && event.eventTime)
      taskStartedAt = Number(event.eventTime.seconds) * 1000 + Math.floor((event.eventTime.nanos ?? 0) / 1e6);
    if (event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'accept')
      return taskStartedAt;
  }
  return null;
}
