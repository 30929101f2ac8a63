import type { BenchReport } from './harness';
import type { BenchOptions } from './options';

export interface TargetCheck {
  target: string;
  value: string;
  /** null: not measured at the size the target speaks of (e.g. fewer than 100,000 open tickets). */
  met: boolean | null;
}

const GiB = 1024;

/** The issue's targets, judged on this run's figures. */
export function evaluateTargets(results: BenchReport['results'], options: BenchOptions): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const { throughput, pairs, latency, history, open, listing, figures, channels } = results;
  if (throughput) {
    const ratio = throughput.ratioToFloor;
    checks.push({
      target: 'throughput ≥ 80% of floor (3 local activities)',
      value: ratio === null ? 'no floor' : `${Math.round(ratio * 100)}%`,
      met: ratio === null ? null : ratio >= 0.8,
    });
  }
  if (pairs) {
    const enough = pairs.pairs.length >= 5;
    checks.push({
      target: `throughput: median ratio to floor ≥ 100% over ≥ 5 interleaved pairs`,
      value: `${Math.round(pairs.ratio.median * 100)}% over ${pairs.pairs.length}`,
      met: enough ? pairs.ratio.median >= 1 : null,
    });
    checks.push({
      target: 'throughput: lowest pair ≥ 85% of its floor',
      value: `${Math.round(pairs.ratio.min * 100)}%`,
      met: enough ? pairs.ratio.min >= 0.85 : null,
    });
    checks.push({
      target: 'CPU per ticket ≤ floor per workflow (whole system)',
      value: `${Math.round(pairs.cpuRatio.median * 100)}% (median)`,
      met: enough ? pairs.cpuRatio.median <= 1 : null,
    });
  }
  for (const r of latency?.rates ?? []) {
    const enough = r.rounds.length >= 5;
    checks.push({
      target: `latency at ${r.rate}/s: p99 ≤ 1.5× the floor's (median of interleaved rounds)`,
      value: `${r.p99Ratio.median}× over ${r.rounds.length}`,
      met: enough ? r.p99Ratio.median <= 1.5 : null,
    });
    checks.push({
      target: `latency at ${r.rate}/s: p50 ≤ floor's p50 + 15 ms`,
      value: `+${r.p50AddedMs.median} ms`,
      met: enough ? r.p50AddedMs.median <= 15 : null,
    });
  }
  const at10 = latency?.rates.find((r) => r.rate === 10);
  if (at10) {
    checks.push({
      target: 'latency at 10/s: p50 ≤ 150 ms',
      value: `${at10.latencyMs.p50} ms`,
      met: at10.latencyMs.p50 <= 150,
    });
    checks.push({
      target: 'latency at 10/s: p99 ≤ 300 ms',
      value: `${at10.latencyMs.p99} ms`,
      met: at10.latencyMs.p99 <= 300,
    });
  }
  if (history)
    checks.push({ target: '≤ 80 history events per ticket', value: String(history.events), met: history.events <= 80 });
  if (open) {
    const full = options.open >= 100_000;
    checks.push({
      target: '100,000 open tickets: worker RSS ≤ 1 GiB',
      value: `${open.memory.processRssMiB} MiB at ${open.n.toLocaleString('en')} open`,
      met: full ? open.memory.processRssMiB <= GiB : null,
    });
  }
  if (listing) {
    const full = options.listingRows >= 1_000_000;
    for (const [name, query] of Object.entries(listing.queries)) {
      checks.push({
        target: `listing ${name} p99 ≤ 50 ms over 1M tickets`,
        value: `${query.latencyMs.p99} ms at ${listing.rows.toLocaleString('en')} rows`,
        met: full ? query.latencyMs.p99 <= 50 : null,
      });
    }
  }
  if (figures) {
    const full = options.figuresTickets >= 1_000_000;
    const size = `at ${figures.tickets.toLocaleString('en')} tickets`;
    for (const [name, query] of Object.entries(figures.queries)) {
      const limit = name.startsWith('figures') ? 200 : name.startsWith('audit') ? 100 : 20;
      const ok = query.outcomes.failures.length === 0 && query.latencyMs.p99 <= limit;
      checks.push({
        target: `${name} p99 ≤ ${limit} ms over 1M tickets`,
        value: `${query.latencyMs.p99} ms ${size}${query.latencyMs.p99 > limit ? ` (${round1(query.latencyMs.p99 / limit)}× the target)` : ''}`,
        met: full ? ok : null,
      });
    }
  }
  if (channels) {
    const { mail, telegram } = channels;
    checks.push({
      target: 'e-mail: 100 % threaded as intended',
      value: `${mail.threaded.correct}/${mail.threaded.total}`,
      met: mail.threaded.correct === mail.threaded.total,
    });
    checks.push({
      target: 'Telegram: 0 updates lost, 0 duplicated (rows, tickets, articles, answers)',
      value: `${telegram.lost} lost, ${telegram.duplicated} duplicated rows; tickets ${telegram.tickets.found}/${telegram.tickets.expected}, articles ${telegram.articles.found}/${telegram.articles.expected}, answers ${telegram.duplicateAnswers} extra / ${telegram.missingAnswers} missing`,
      met:
        telegram.lost === 0 &&
        telegram.duplicated === 0 &&
        telegram.tickets.found === telegram.tickets.expected &&
        telegram.articles.found === telegram.articles.expected &&
        telegram.duplicateAnswers === 0 &&
        telegram.missingAnswers === 0,
    });
  }
  return checks;
}

const round1 = (x: number) => Math.round(x * 10) / 10;
