import type { BenchReport } from './harness';
import type { LatencySummary } from './stats';

/** The report as a plain-text table (also valid Markdown), then the query plans. */
export function formatReport(report: BenchReport): string {
  const rows: Array<[string, string, string]> = [];
  const add = (scenario: string, figure: string, value: string) => rows.push([scenario, figure, value]);
  const lat = (l: LatencySummary) => `p50 ${l.p50} · p90 ${l.p90} · p99 ${l.p99} · max ${l.max} ms`;
  const { floor, throughput, pairs, latency, history, open, listing, figures, auth, channels, scaleout } =
    report.results;

  if (floor) {
    for (const [shape, r] of Object.entries(floor.shapes))
      add(
        'floor',
        `${shape.replace('Workflow', '')} (${r.n}, ${floor.inFlight} in flight)`,
        `${r.perSecond}/s · ${lat(r.latencyMs)}`,
      );
  }
  if (throughput) {
    add(
      'throughput',
      `tickets registered→queued (${throughput.n}, ${throughput.inFlight} in flight)`,
      `${throughput.perSecond}/s · queued ${throughput.queued}/${throughput.n}`,
    );
    add(
      'throughput',
      'ratio to floor threeLocalActivities',
      throughput.ratioToFloor === null
        ? '—'
        : `${Math.round(throughput.ratioToFloor * 100)}% (floor ${throughput.floorPerSecond}/s)`,
    );
    add('throughput', 'register→queued under load', lat(throughput.latencyMs));
  }
  if (pairs) {
    const pct = (x: number) => `${Math.round(x * 100)}%`;
    for (const p of pairs.pairs)
      add(
        'pairs',
        `pair ${p.pair}${p.underLoad ? ' (under load)' : ''}: floor · ours, load ${p.floor.loadAverage[0]}→${p.tickets.loadAverage[1]}`,
        `${p.floorPerSecond}/s · ${p.ticketsPerSecond}/s = ${pct(p.ratio)} · CPU ${p.floorCpuMsEach} · ${p.ticketCpuMsEach} ms each · ` +
          `GC ${p.floor.gc.totalMs} · ${p.tickets.gc.totalMs} ms · loop delay p99 ${p.floor.eventLoopDelayMs.p99} · ${p.tickets.eventLoopDelayMs.p99} ms`,
      );
    add(
      'pairs',
      `ratio to floor, ${pairs.pairs.length} pairs of ${pairs.n}`,
      `median ${pct(pairs.ratio.median)} (${pct(pairs.ratio.min)}–${pct(pairs.ratio.max)})`,
    );
    add(
      'pairs',
      'CPU per ticket ÷ floor per workflow',
      `median ${pct(pairs.cpuRatio.median)} (${pct(pairs.cpuRatio.min)}–${pct(pairs.cpuRatio.max)})`,
    );
    const last = pairs.pairs[pairs.pairs.length - 1]!;
    add(
      'pairs',
      'CPU split of the last pair: process · Temporal · PostgreSQL',
      `floor ${last.floor.cpuMs.process} · ${last.floor.cpuMs.temporal ?? '—'} · ${last.floor.cpuMs.postgres} ms; ` +
        `ours ${last.tickets.cpuMs.process} · ${last.tickets.cpuMs.temporal ?? '—'} · ${last.tickets.cpuMs.postgres} ms`,
    );
  }
  for (const r of latency?.rates ?? []) {
    add('latency', `${r.rate}/s open loop, ${r.sent} tickets`, `${lat(r.latencyMs)} · got ${r.achievedPerSecond}/s`);
    add('latency', `${r.rate}/s open loop, floor threeLocalActivities`, lat(r.floorLatencyMs));
    const s = (x: { median: number; min: number; max: number }, unit = '') =>
      `median ${x.median}${unit} (${x.min}–${x.max})`;
    add(
      'latency',
      `${r.rate}/s, ${r.rounds.length} interleaved round(s): p99 ÷ floor's · p50 − floor's`,
      `${s(r.p99Ratio, '×')} · ${s(r.p50AddedMs, ' ms')} · load ${r.rounds.map((x) => x.floor.loadAverage[0]).join(', ')}`,
    );
  }
  if (history) {
    add('history', 'events per ticket (7 stages)', String(history.events));
    add(
      'history',
      'workflow tasks · activity tasks · local activities',
      `${history.workflowTasks} · ${history.activityTasks} · ${history.localActivities}`,
    );
    add('history', 'payloads', `${history.payloads} payloads, ${history.payloadBytes} bytes`);
  }
  if (open) {
    add(
      'open',
      `filing ${open.n} tickets`,
      `${open.createdPerSecond}/s · queued ${open.queued}/${open.n} · ${open.waitingInDesk} waiting in all`,
    );
    add(
      'open',
      'desk process RSS after GC (anonymous · files) · peak · heap used',
      `${open.memory.processRssMiB} MiB (${open.memory.rssAnonMiB ?? '—'} · ${open.memory.rssFileMiB ?? '—'}) · ` +
        `${open.memory.peakRssMiB} MiB · ${open.memory.heapUsedMiB} MiB`,
    );
    add('open', 'worker workflow cache', `${report.environment.worker.maxCachedWorkflows ?? '—'} workflows`);
    add(
      'open',
      'desk RSS as tickets were filed',
      open.growth.map((g) => `${g.filed}: ${Math.round(g.processRssMiB)}`).join(' · ') + ' MiB',
    );
    add(
      'open',
      'Temporal server RSS · database size',
      `${open.memory.temporalServerRssMiB ?? '—'} MiB · ${open.memory.databaseMiB} MiB`,
    );
    add(
      'open',
      `accept ${open.accepts.n} waiting tickets`,
      `${lat(open.accepts.latencyMs)} · ${open.accepts.outcomes.byStatus['200'] ?? 0} accepted`,
    );
  }
  if (listing) {
    add(
      'listing',
      `${listing.rows} tickets seeded`,
      `in ${listing.seedSeconds} s · table + indexes ${listing.tableMiB} MiB`,
    );
    for (const [name, q] of Object.entries(listing.queries))
      add('listing', `${name} (${q.requests} requests, ~${q.meanRows} rows each)`, lat(q.latencyMs));
  }

  if (figures) {
    add(
      'figures',
      `${figures.tickets} tickets, ${figures.events} events seeded`,
      `in ${figures.seedSeconds} s · ${figures.breached} breached · ${figures.reopened} reopened · ${figures.surveys} surveys · ` +
        `${figures.workEntries} work entries · database ${figures.databaseMiB} MiB`,
    );
    for (const [name, q] of Object.entries(figures.queries))
      add(
        'figures',
        `${name} (${q.requests} requests, ${q.rows} rows, ${Math.round(q.bytes / 1024)} KiB)`,
        `${lat(q.latencyMs)}${q.outcomes.failures.length > 0 ? ` · ${q.outcomes.failures[0]}` : ''}`,
      );
    const y = figures.yearFigures as Record<string, number | null>;
    add(
      'figures',
      'the year as the API counts it',
      `registered ${y.registered} · resolved ${y.resolved} · backlog ${y.backlog} · SLA achieved ${y.slaAchievedPercent}% · ` +
        `reopen rate ${y.reopenRatePercent}% · CSAT ${y.csatMean} · NPS ${y.npsScore} · FCR ${y.fcrPercent}%`,
    );
    for (const p of figures.plans)
      add('figures', `SQL of ${p.label}`, `${p.executionMs ?? '—'} ms in PostgreSQL · ${p.rows ?? '—'} rows out`);
  }

  if (auth) {
    for (const probe of Object.values(auth.probes))
      add(
        'auth',
        `${probe.request} (${auth.requests})`,
        `${lat(probe.latencyMs)} · added p50 ${probe.addedP50Ms} ms · ×${probe.ratioP50} the public route`,
      );
  }

  if (channels) {
    const { mail, telegram, memory } = channels;
    const pct = (part: number, whole: number) => `${whole === 0 ? '—' : round1((part / whole) * 100)}%`;
    add(
      'channels',
      `e-mails through the SMTP receiver (${mail.byKind.new} new, ${mail.byKind.reply_to_notice} replies to the resolution notice, ${mail.byKind.follow_up} follow-ups, ${mail.byKind.subject_tag} [#n] in the subject)`,
      `${mail.perSecond}/s answered 250 (${mail.paced ? `paced at ${mail.paced}/s` : 'as fast as 10 connections go'}) · SMTP ${lat(mail.smtpLatencyMs)}`,
    );
    add(
      'channels',
      'e-mails threaded as intended',
      `${mail.threaded.correct}/${mail.threaded.total} = ${pct(mail.threaded.correct, mail.threaded.total)} · by rule ${Object.entries(
        mail.threaded.byRule,
      )
        .map(([rule, n]) => `${rule} ${n}`)
        .join(', ')} · ${mail.reopened} reopened`,
    );
    add('channels', 'e-mail stored → article on its ticket, all', lat(mail.receiptToTicketMs.all));
    add(
      'channels',
      'e-mail stored → on its ticket: new tickets · replies, p50 / p99',
      `${mail.receiptToTicketMs.newTickets.p50} / ${mail.receiptToTicketMs.newTickets.p99} ms · ${mail.receiptToTicketMs.replies.p50} / ${mail.receiptToTicketMs.replies.p99} ms`,
    );
    add(
      'channels',
      'e-mails the desk settled per second (first stored → last on its ticket): new · replies',
      `${mail.processedPerSecond.newTickets}/s · ${mail.processedPerSecond.replies}/s`,
    );
    add(
      'channels',
      `Telegram updates through the webhook (${telegram.updates} in ${telegram.chats} chats, ${telegram.posts} POSTs with redeliveries)`,
      `answers ${Object.entries(telegram.webhook.byStatus)
        .map(([status, n]) => `${status}×${n}`)
        .join(' ')} · ${lat(telegram.webhookLatencyMs)}`,
    );
    add(
      'channels',
      'Telegram in the database: stored · lost · duplicated · statuses',
      `${telegram.stored} · ${telegram.lost} lost · ${telegram.duplicated} duplicated · ${Object.entries(
        telegram.statuses,
      )
        .map(([status, n]) => `${status} ${n}`)
        .join(', ')}`,
    );
    add(
      'channels',
      'Telegram tickets · articles · bot answers duplicated / missing',
      `${telegram.tickets.found}/${telegram.tickets.expected} · ${telegram.articles.found}/${telegram.articles.expected} · ${telegram.duplicateAnswers} / ${telegram.missingAnswers}`,
    );
    add('channels', 'Telegram update stored → processed', lat(telegram.receiptToProcessedMs));
    add(
      'channels',
      'bench process RSS (both desks and the load): before · peak · after GC · heap after',
      `${memory.rssBeforeMiB} · ${memory.peakRssMiB} · ${memory.rssAfterMiB} · ${memory.heapUsedAfterMiB} MiB`,
    );
  }

  if (scaleout) {
    for (const p of scaleout.phases)
      add(
        'scaleout',
        `${p.workers} worker process(es): tickets registered→queued (${scaleout.n}, ${scaleout.inFlight} in flight)`,
        `${p.perSecond}/s · queued ${p.queued}/${scaleout.n} · p50 ${p.latencyMs.p50} · p99 ${p.latencyMs.p99} ms · ` +
          `workflow tasks per worker ${p.workflowTasksByWorker.join(' · ')} · ` +
          `load ${p.loadAverage.start[0]}→${p.loadAverage.end[0]} (max ${p.loadAverage.max1m})`,
      );
    add(
      'scaleout',
      '2 workers ÷ 1 worker · floor threeLocalActivities (one in-process worker)',
      `${scaleout.ratio === null ? '—' : `${Math.round(scaleout.ratio * 100)}%`} · ${scaleout.floorPerSecond ?? '—'}/s`,
    );
  }

  const env = report.environment;
  const lines = [
    `Benchmark ${report.startedAt} — ${env.machine.cpus} × ${env.machine.cpuModel}, ${env.machine.memoryGiB} GiB, load ${env.machine.loadAverage.join(' ')}, Node ${env.machine.node}`,
    `Temporal ${env.temporal.serverVersion}: ${env.temporal.how} (${env.temporal.storage})`,
    `PostgreSQL: ${env.postgres.how}`,
    '',
    ...markdownTable(['scenario', 'figure', 'value'], rows),
    '',
    ...markdownTable(
      ['target', 'this run', 'met'],
      report.targets.map((t) => [t.target, t.value, t.met === null ? 'n/a (smaller run)' : t.met ? 'yes' : 'NO']),
    ),
  ];
  if (listing) {
    for (const [name, q] of Object.entries(listing.queries))
      lines.push('', `Plan of ${name}:`, ...q.plan.map((l) => `  ${l}`));
  }
  for (const p of figures?.plans ?? []) lines.push('', `Plan of ${p.label}:`, ...p.plan.map((l) => `  ${l}`));
  return lines.join('\n');
}

const round1 = (x: number) => Math.round(x * 10) / 10;

function markdownTable(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)];
}
