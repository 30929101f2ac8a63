import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { runBench, type BenchReport } from '../bench/harness';
import { defaultOptions, scenarioNames } from '../bench/options';
import { silentProgress } from '../bench/progress';
import { formatReport } from '../bench/table';

/**
 * Every benchmark scenario with tiny sizes against the test run's Temporal and PostgreSQL:
 * the harness cannot rot silently. Speed is judged by `npm run bench`, never here.
 */
describe('npm run bench, every scenario at a tiny size', () => {
  it('produces a whole, sane report', { timeout: 300_000 }, async () => {
    const options = {
      ...defaultOptions,
      n: 10,
      inFlight: 5,
      rates: [5],
      durationS: 2,
      open: 20,
      accepts: 5,
      listingRows: 2_000,
      listingRequests: 10,
      figuresTickets: 2_000,
      figuresRequests: 2,
      authRequests: 10,
      mails: 10,
      updates: 12,
      warmup: 2,
      pairs: 2,
      latencyPairs: 2,
    };
    const report: BenchReport = await runBench([...scenarioNames], options, {
      temporalAddress: inject('temporalAddress'),
      databaseUrl: inject('adminDatabaseUrl'),
      ticketBundlePath: inject('workflowBundlePath'),
      dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'bench-smoke-')),
      log: () => {},
      progress: silentProgress,
    });
    const { floor, throughput, pairs, latency, history, open, listing, figures, auth, channels, scaleout } =
      report.results;

    expect(Object.keys(floor!.shapes).sort()).toEqual([
      'emptyWorkflow',
      'threeActivitiesWorkflow',
      'threeLocalActivitiesWorkflow',
    ]);
    for (const shape of Object.values(floor!.shapes)) {
      expect(shape.n).toBe(10);
      expect(shape.latencyMs.count).toBe(10);
      expect(shape.perSecond).toBeGreaterThan(0);
    }
    expect(floor!.worker).toEqual(report.environment.worker);

    expect(throughput!.outcomes.byStatus).toEqual({ 201: 10 });
    expect(throughput!.queued).toBe(10);
    expect(throughput!.ratioToFloor).toBeGreaterThan(0);
    expect(throughput!.ratioToFloor).toBeLessThan(2);

    expect(pairs!.pairs.map((p) => p.pair)).toEqual([1, 2]);
    for (const p of pairs!.pairs) {
      expect(p.ratio).toBeGreaterThan(0);
      // Every ticket and floor workflow costs some CPU in this process, and the tickets some in their database backends.
      expect(p.floorCpuMsEach).toBeGreaterThan(0);
      expect(p.ticketCpuMsEach).toBeGreaterThan(0);
      expect(p.tickets.cpuMs.postgres).toBeGreaterThan(0);
      expect(p.tickets.loadAverage).toHaveLength(2);
    }
    expect(pairs!.ratio.min).toBeLessThanOrEqual(pairs!.ratio.median);
    expect(pairs!.ratio.median).toBeLessThanOrEqual(pairs!.ratio.max);

    expect(latency!.rates).toHaveLength(1);
    expect(latency!.rates[0]!.outcomes.byStatus).toEqual({ 201: 20 });
    expect(latency!.rates[0]!.latencyMs.p99).toBeGreaterThanOrEqual(latency!.rates[0]!.latencyMs.p50);
    expect(latency!.rates[0]!.floorLatencyMs.count).toBe(20);
    expect(latency!.rates[0]!.rounds.map((r) => r.latencyMs.count)).toEqual([10, 10]);
    expect(latency!.rates[0]!.p99Ratio.median).toBeGreaterThan(0);

    expect(history!.steps.map((s) => s.status)).toEqual([201, 200, 201, 200, 202]);
    expect(history!.events).toBeGreaterThan(20);
    expect(history!.localActivities).toBeGreaterThanOrEqual(5);
    expect(history!.activityTasks).toBe(1);
    expect(history!.updates).toBe(4);
    expect(history!.signals).toBe(1);
    expect(history!.workflowTasks).toBeGreaterThan(0);
    expect(history!.payloadBytes).toBeGreaterThan(0);

    expect(open!.created.byStatus).toEqual({ 201: 20 });
    expect(open!.queued).toBe(20);
    expect(open!.accepts.outcomes.byStatus).toEqual({ 200: 5 });
    expect(open!.memory.processRssMiB).toBeGreaterThan(0);
    expect(open!.memory.databaseMiB).toBeGreaterThan(0);
    // The test run's server was not started by the bench, so its memory is not ours to read.
    expect(open!.memory.temporalServerRssMiB).toBeNull();

    expect(listing!.rows).toBe(2_000);
    for (const query of Object.values(listing!.queries)) {
      expect(query.outcomes.byStatus).toEqual({ 200: 10 });
      expect(query.meanRows).toBeGreaterThan(0);
      expect(query.plan.join('\n')).toMatch(/Execution Time/);
    }

    // 2,000 tickets with their events; every query answered 200 with something in it, every plan run.
    expect(figures!.tickets).toBe(2_000);
    expect(figures!.events).toBeGreaterThan(20_000);
    expect(figures!.breached).toBeGreaterThan(100);
    expect(figures!.reopened).toBeGreaterThan(40);
    expect(Object.keys(figures!.queries)).toHaveLength(12);
    for (const query of Object.values(figures!.queries)) {
      expect(query.outcomes.byStatus).toEqual({ 200: 2 });
      expect(query.rows).toBeGreaterThan(0);
      expect(query.bytes).toBeGreaterThan(100);
    }
    expect(figures!.queries['figures year by operator']!.rows).toBeGreaterThan(10);
    expect(figures!.queries['figures month per day']!.rows).toBeGreaterThanOrEqual(30);
    expect(figures!.queries['audit month']!.rows).toBeGreaterThan(0);
    expect(figures!.yearFigures).toMatchObject({
      registered: expect.any(Number),
      slaAchievedPercent: expect.any(Number),
    });
    expect(figures!.yearFigures.registered).toBeGreaterThan(1_500);
    // The tally of each period, the tickets one by one (a day), the audit's list and the timeline's events.
    expect(figures!.plans.map((p) => p.label)).toEqual([
      'figures year (figureTallySql)',
      'figures month (figureTallySql)',
      'figures day (figureTallySql)',
      'figures day (figureTicketsSql)',
      'audit month (listEscalations)',
      'breach timeline: the ticket’s events',
    ]);
    for (const plan of figures!.plans) {
      expect(plan.plan.join('\n')).toMatch(/Execution Time/);
      expect(plan.rows).toBeGreaterThan(0);
    }

    expect(auth!.probes.publicRoute.outcomes.byStatus).toEqual({ 200: 10 });
    expect(auth!.probes.session.outcomes.byStatus).toEqual({ 200: 10 });
    expect(auth!.probes.token.outcomes.byStatus).toEqual({ 200: 10 });
    expect(auth!.probes.refused.outcomes.byStatus).toEqual({ 401: 10 });
    expect(auth!.probes.publicRoute.ratioP50).toBe(1);
    for (const probe of Object.values(auth!.probes)) expect(probe.latencyMs.count).toBe(10);

    // Five new e-mails, five replies (one to the resolution notice, two follow-ups, two [#n]); 3 chats × 4 updates.
    const { mail, telegram } = channels!;
    expect(mail.byKind).toEqual({ new: 5, reply_to_notice: 1, follow_up: 2, subject_tag: 2 });
    expect(mail.smtp.byStatus).toEqual({ 250: 10 });
    expect(mail.threaded).toMatchObject({ correct: 10, total: 10, wrong: [] });
    expect(mail.threaded.byRule).toEqual({ new_ticket: 5, signed_reference: 1, message_id: 2, subject_number: 2 });
    expect(mail.reopened).toBe(1);
    expect(mail.receiptToTicketMs.all.count).toBe(10);
    expect(mail.paced).toBeNull();
    expect(mail.processedPerSecond.newTickets).toBeGreaterThan(0);
    expect(mail.processedPerSecond.replies).toBeGreaterThan(0);
    expect(telegram).toMatchObject({ updates: 12, chats: 3, stored: 12, lost: 0, duplicated: 0 });
    expect(telegram.posts).toBeGreaterThan(12);
    expect(telegram.webhook.byStatus).toEqual({ 200: telegram.posts });
    expect(telegram.statuses).toEqual({ processed: 12 });
    expect([telegram.tickets, telegram.articles]).toEqual([
      { expected: 3, found: 3 },
      { expected: 9, found: 9 },
    ]);
    expect([telegram.duplicateAnswers, telegram.missingAnswers]).toEqual([0, 0]);
    expect(channels!.memory.peakRssMiB).toBeGreaterThan(0);
    // 1, then 2 worker processes of their own (src/main.ts --role worker) behind an API-only desk.
    expect(scaleout!.phases.map((p) => p.workers)).toEqual([1, 2]);
    for (const p of scaleout!.phases) {
      expect(p.outcomes.byStatus).toEqual({ 201: 10 });
      expect(p.queued).toBe(10);
      expect(p.workflowTasksByWorker).toHaveLength(p.workers);
      expect(p.workflowTasksByWorker.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(10);
      expect(p.loadAverage.start).toHaveLength(3);
      expect(p.loadAverage.max1m).toBeGreaterThanOrEqual(p.loadAverage.start[0]!);
    }
    expect(scaleout!.ratio).toBeGreaterThan(0);

    expect(report.targets.map((t) => t.target)).toEqual(
      expect.arrayContaining([expect.stringMatching(/throughput/), expect.stringMatching(/history events/)]),
    );
    const table = formatReport(report);
    for (const scenario of scenarioNames) expect(table).toContain(`| ${scenario}`);
  });
});
