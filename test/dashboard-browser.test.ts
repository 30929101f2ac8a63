/**
 * The manager dashboard (#14) in headless Chromium: opened after a few tickets were filed, its
 * numbers equal GET /figures' for the same period; a count drills down to its tickets; a ticket
 * filed while it is open shows up without a reload (GET /figures/stream); the glossary lists
 * every published definition.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { operators } from '../src/db/schema';
import { DEMO_PASSWORD } from '../src/db/seed';
import { webDir } from '../src/desk';
import { figureDefinitions } from '../src/domain/figure-definitions';
import { startTestDesk } from './support/desk';
import { listen } from './support/http';
import { sampleTickets, ticketDriver } from './support/tickets';

/** Debian's chromium package, as test/viewer-browser.test.ts uses it. */
const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'];
const artifacts = path.resolve(__dirname, 'artifacts');

describe.skipIf(!existsSync(CHROMIUM) && !process.env.CI)('the manager dashboard in headless Chromium', () => {
  let desk: Awaited<ReturnType<typeof startTestDesk>>;
  let call: Awaited<ReturnType<typeof listen>>['call'];
  let address: string;
  let driver: ReturnType<typeof ticketDriver>;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const problems: string[] = [];
  // Whole minutes, as the page's period inputs hold them.
  const from = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60 * 60_000).toISOString();
  const to = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 60 * 60_000).toISOString();
  // An operator of this file's own: other test files share the database and the period, so the page is
  // opened filtered to this operator's tickets, which no other file touches.
  const operator = `dashboard-${Date.now()}`;
  const period = `from=${from}&to=${to}&operator=${operator}`;

  beforeAll(async () => {
    desk = await startTestDesk({ webDir });
    ({ call, address } = await listen(desk.app));
    driver = ticketDriver(desk, call);
    await desk.db.insert(operators).values({ id: operator, name: operator, role: 'operator' });
    await desk.db.execute(sql`
      insert into operator_group_members (operator_id, group_id)
      select ${operator}, group_id from operator_group_members where operator_id = 'ivanova'`);
    const working = await driver.register(sampleTickets.router);
    await driver.accept(working, operator);
    const waiting = await driver.register(sampleTickets.router);
    await driver.accept(waiting, operator);
    await driver.resolve(waiting, operator);
    const done = await driver.register(sampleTickets.router);
    await driver.accept(done, operator);
    await driver.resolve(done, operator);
    await driver.answer(done, { csat: 4, nps: 9 });

    mkdirSync(artifacts, { recursive: true });
    profile = mkdtempSync(path.join(os.tmpdir(), 'desk-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1500, height: 1100 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    // A refused script or style (the Content-Security-Policy) or a script error is a failure.
    page.on(
      'console',
      (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && problems.push(m.text()),
    );
    page.on(
      'response',
      (r) => r.status() >= 400 && !r.url().endsWith('/favicon.ico') && problems.push(`${r.status()} ${r.url()}`),
    );
    page.on('pageerror', (e) => problems.push(e.message));
    const signIn = await page.request.post(`${address}/auth/sign-in`, {
      data: { login: 'sidorova', password: DEMO_PASSWORD },
    });
    expect(signIn.status()).toBe(200);
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await desk?.stop();
  });

  const api = async (query: string) => {
    const response = await call('GET', `/figures?${query}`, { operator: 'sidorova' });
    expect(response.status, response.text).toBe(200);
    return response.body;
  };
  const shown = async () =>
    Object.fromEntries(
      await page.$$eval('#counts [data-figure]', (nodes) =>
        nodes.map((n) => [n.getAttribute('data-figure')!, n.getAttribute('data-value')!]),
      ),
    );

  it('opens from the start page and shows the API’s numbers for the period', async () => {
    await page.goto(`${address}/`);
    await page.click('a[href="/dashboard.html"]');
    await page.waitForSelector('body[data-state="ready"]');
    await page.goto(`${address}/dashboard.html?${period}&interval=day`);
    await page.waitForSelector('body[data-state="ready"]');
    expect(await page.textContent('#message')).toBe('');

    const { total } = await api(`${period}&interval=day`);
    const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
    expect(await shown()).toEqual({
      registered: String(total.registered),
      accepted: String(total.accepted),
      resolved: String(total.resolved),
      closed: String(total.closed),
      reopened: String(total.reopened),
      backlog: String(total.backlog),
      escalations: String(sum(total.escalations)),
      overdue: String(total.overdueByReason.reduce((a: number, r: { count: number }) => a + r.count, 0)),
      firstResponse: String(total.firstResponse.medianMs),
      resolution: String(total.resolution.medianMs),
      firstResponseBusiness: String(total.firstResponseBusiness.medianMs),
      firstResolutionBusiness: String(total.firstResolutionBusiness.medianMs),
      resolutionBusiness: String(total.resolutionBusiness.medianMs),
      waitingForClient: String(total.waitingForClient.medianMs),
      queueWaitBusiness: String(total.queueWaitBusiness.medianMs),
      workVsNorm: String(total.workVsNorm.ratio),
      slaAchievedPercent: String(total.slaAchievedPercent),
      csatMean: String(total.csatMean),
      csatTop2BoxPercent: String(total.csatTop2BoxPercent),
      reopenRatePercent: String(total.reopenRatePercent),
      npsScore: String(total.npsScore),
      csi: String(total.csi),
      nrrPercent: String(total.nrrPercent),
      fcrPercent: String(total.fcrPercent),
    });
    expect(total.registered).toBe(3);
    expect([total.csatMean, total.npsScore, total.fcrPercent, total.backlog]).toEqual([4, 100, 100, 1]);

    // The per-queue table holds GET /figures?groupBy=queue's rows.
    const byQueue = await api(`${period}&groupBy=queue`);
    const rows = await page.$$eval('#queues-table tbody tr', (trs) =>
      trs.map((tr) => [
        tr.getAttribute('data-queue'),
        tr.querySelector('[data-figure="registered"]')!.textContent,
        tr.querySelector('[data-figure="backlog"]')!.textContent,
      ]),
    );
    expect(rows).toEqual(
      byQueue.groups.map((g: { group: string | null; figures: { registered: number; backlog: number } }) => [
        g.group ?? '',
        String(g.figures.registered),
        String(g.figures.backlog),
      ]),
    );
    // The support lines' table holds the total's perSupportLineBusiness.
    const lines = await page.$$eval('#lines-table tbody tr', (trs) =>
      trs.map((tr) => [
        tr.getAttribute('data-line'),
        tr.querySelector('[data-figure="medianMs"]')!.getAttribute('data-value'),
      ]),
    );
    expect(lines).toEqual(
      total.perSupportLineBusiness.map((l: { supportLine: number; medianMs: number | null }) => [
        String(l.supportLine),
        String(l.medianMs),
      ]),
    );
    // The skips and hand-offs table holds GET /figures?groupBy=operator's operatorMoves.
    const byOperator = await api(`${period}&groupBy=operator`);
    const moves = await page.$$eval('#moves-table tbody tr', (trs) =>
      trs.map((tr) => [tr.getAttribute('data-operator'), tr.querySelector('[data-figure="skipped"]')!.textContent]),
    );
    expect(moves).toEqual(
      byOperator.operatorMoves.map((m: { operator: string; skipped: number }) => [m.operator, String(m.skipped)]),
    );
    // Every chart drew (ECharts renders SVG here).
    expect(await page.locator('.chart svg').count()).toBe(6);
    await page.screenshot({ path: path.join(artifacts, 'dashboard.png'), fullPage: true });
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('drills down from a count to the tickets behind it, with links to each ticket', async () => {
    await page.click('a[data-drill="registered"]');
    await page.waitForSelector('#drill:not([hidden]) li[data-ticket-id]');
    const listed = await page.$$eval('#drill-tickets li[data-ticket-id]', (items) =>
      items.map((li) => Number(li.getAttribute('data-ticket-id'))),
    );
    const behind = await call('GET', `/figures/tickets?${period}&figure=registered`, { operator: 'sidorova' });
    expect(listed).toEqual(behind.body.tickets.map((t: { id: number }) => t.id));
    // A manager sees the subjects.
    expect(await page.textContent('#drill-tickets')).toContain(sampleTickets.router.subject);
    expect(await page.getAttribute('#drill-tickets a', 'href')).toMatch(/^\/ticket\.html\?id=\d+$/);
    expect(await page.getAttribute('#drill-csv', 'href')).toContain('table=tickets');
  });

  it('keeps the period and filters in the URL', async () => {
    await page.selectOption('select[name="channel"]', 'api');
    await page.click('form#filters button[type="submit"]');
    await page.waitForURL(/channel=api/);
    await page.waitForSelector('body[data-state="ready"]');
    const url = new URL(page.url());
    expect(url.searchParams.get('from')).toBe(from);
    const { total } = await api(`${period}&channel=api`);
    expect((await shown()).registered).toBe(String(total.registered));
  });

  it('refreshes while open when a ticket is filed', async () => {
    const before = Number((await shown()).registered);
    // The stream is open once its first event came.
    await page.locator('#live', { hasText: 'live' }).waitFor({ timeout: 10_000 });
    await driver.accept(await driver.register(sampleTickets.router), operator);
    await page.locator(`[data-figure="registered"][data-value="${before + 1}"]`).waitFor({ timeout: 20_000 });
    expect(await page.textContent('#live')).toContain('live');
  });

  it('the glossary lists every figure’s definition in Russian and English', async () => {
    await page.goto(`${address}/glossary.html`);
    await page.waitForSelector('body[data-state="ready"]');
    const names = await page.$$eval('#glossary tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-figure')));
    expect(names).toEqual(Object.keys(figureDefinitions));
    expect(await page.textContent('#glossary tr[data-figure="slaAchievedPercent"]')).toContain(
      figureDefinitions.slaAchievedPercent.ru,
    );
    await page.screenshot({ path: path.join(artifacts, 'glossary.png'), fullPage: true });
    expect(problems, problems.join('\n')).toEqual([]);
  });
});
