import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { DEMO_PASSWORD } from '../src/db/seed';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webDir } from '../src/desk';
import { and, eq } from 'drizzle-orm';
import { ticketEvents } from '../src/db/schema';
import {
  ESCALATION_PROCESS_ID,
  EscalationElement as X,
  TICKET_PROCESS_ID,
  TicketElement as E,
} from '../src/domain/process';
import { startTestDesk } from './support/desk';
import { listen } from './support/http';
import { sampleTickets, ticketDriver } from './support/tickets';

type Desk = Awaited<ReturnType<typeof startTestDesk>>;

/** Debian's chromium package, installed by scripts/ensure-chromium.sh (npm test's pretest, as root). */
const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const artifacts = path.resolve(__dirname, 'artifacts');

// Outside CI a machine without the package skips this file; in CI a missing browser fails it.
describe.skipIf(!existsSync(CHROMIUM) && !process.env.CI)('the process viewer in headless Chromium', () => {
  let desk: Desk;
  let call: Awaited<ReturnType<typeof listen>>['call'];
  let address: string;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    desk = await startTestDesk({ webDir });
    ({ call, address } = await listen(desk.app));
    const t = ticketDriver(desk, call);
    // A few tickets left at different steps, and one that went all the way round.
    ids.queued = await t.register(sampleTickets.invoice);
    ids.working = await t.register(sampleTickets.phoneScreen);
    await t.accept(ids.working, 'petrov');
    await t.work(ids.working, 'petrov');
    ids.surveyed = await t.register(sampleTickets.router);
    await t.accept(ids.surveyed, 'ivanova');
    await t.resolve(ids.surveyed, 'ivanova');
    await t.surveyToken(ids.surveyed);
    ids.complaint = await t.register(sampleTickets.laptop);
    await t.accept(ids.complaint, 'petrov');
    await t.resolve(ids.complaint, 'petrov');
    await t.reopenAsClient(ids.complaint);
    await t.work(ids.complaint, 'petrov');
    await t.resolve(ids.complaint, 'petrov');
    await t.answer(ids.complaint, { csat: 2 });
    await t.reaches(ids.complaint, 'complaint');
    ids.closed = await t.register(sampleTickets.phoneScreen);
    await t.accept(ids.closed, 'petrov');
    await t.resolve(ids.closed, 'petrov');
    await t.reopenAsOperator(ids.closed, 'petrov');
    await t.resolve(ids.closed, 'petrov');
    await t.answer(ids.closed, { csat: 5 });
    await t.closed(ids.closed);
    // One nobody takes in time: warned, breached and escalated to the second line, where its OLA clock runs.
    const keyword = `zview${Math.random()
      .toString(36)
      .replace(/[^a-z]/g, '')
      .slice(0, 6)}`;
    expect(
      (
        await call('POST', '/catalog/services', {
          operator: 'sidorova',
          body: {
            code: `view-${keyword}`,
            nameRu: 'Просрочка',
            nameEn: 'Overdue',
            category: 'general',
            price: '100.00',
            normHours: 1,
            supportLine: 1,
            keywords: [keyword],
          },
        })
      ).status,
    ).toBe(201);
    const agreement = {
      calendarCode: '24x7',
      responseSeconds: 1,
      resolutionSeconds: 3600,
      warningShare: 0.5,
      escalation: [{ afterSeconds: 0, recipients: ['ivanova'] }],
    };
    expect(
      (await call('PUT', `/catalog/services/view-${keyword}/sla/one_time`, { operator: 'sidorova', body: agreement }))
        .status,
    ).toBe(200);
    ids.breached = await t.register({
      subject: `Вопрос ${keyword}`,
      description: `Нужна консультация ${keyword}`,
      client: { email: `${keyword}@example.com` },
    });
    // Every step of its clock so far on the record, the notices sent alongside included, before the page reads the figures.
    const recorded = async (dedupeKey: string) =>
      (
        await desk.db
          .select()
          .from(ticketEvents)
          .where(and(eq(ticketEvents.ticketId, ids.breached!), eq(ticketEvents.dedupeKey, dedupeKey)))
      ).length > 0;
    for (const key of [
      'sla:escalated:response:1',
      'sla:notified-warning:response',
      'sla:notified-breach:response',
      'sla:clock:handover:1',
    ]) {
      for (let waited = 0; !(await recorded(key)); waited += 200) {
        if (waited > 20_000) throw new Error(`ticket ${ids.breached} did not record ${key}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }

    mkdirSync(artifacts, { recursive: true });
    profile = mkdtempSync(path.join(os.tmpdir(), 'desk-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1500, height: 950 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    // The pages act as whoever is signed in: the manager signs in with the demo password.
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

  it('lists the processes and opens the ticket lifecycle with badges equal to the API’s numbers', async () => {
    await page.goto(`${address}/processes.html`);
    await page.click(`a[data-process-id="${TICKET_PROCESS_ID}"]`);
    await page.waitForSelector('body[data-state="ready"]');
    expect(await page.textContent('#message')).toBe('');

    const badges = Object.fromEntries(
      await page.$$eval('.badge[data-element-id]', (nodes) =>
        nodes.map((n) => [n.getAttribute('data-element-id')!, Number(n.textContent)]),
      ),
    );
    const search = new URL(page.url()).searchParams;
    expect(search.get('process')).toBe(TICKET_PROCESS_ID);
    const stats = await call('GET', `/processes/${TICKET_PROCESS_ID}/statistics`, { operator: 'sidorova' });
    const expected = Object.fromEntries(
      stats.body.elements
        .filter((e: { now: number }) => e.now > 0)
        .map((e: { elementId: string; now: number }) => [e.elementId, e.now]),
    );
    expect(badges).toEqual(expected);
    // Our tickets are among them: waiting in the queue, at work, waiting for the survey.
    for (const element of [E.queue, E.execute, E.survey, E.handleComplaint])
      expect(badges[element], element).toBeGreaterThanOrEqual(1);

    await page.screenshot({ path: path.join(artifacts, 'process-ticket-lifecycle.png'), fullPage: true });
    // The heatmap colours finished steps, and the legend explains the colours.
    expect(await page.locator('.djs-element[class*="heat-"]').count()).toBeGreaterThan(0);
    expect(await page.locator('#legend .legend-band').count()).toBeGreaterThan(0);
    expect(await page.locator('#stats tbody tr').count()).toBe(stats.body.elements.length);
  });

  it('lists the tickets at a clicked element, with subjects for a manager', async () => {
    await page.click(`.djs-element[data-element-id="${E.execute}"]`);
    const item = page.locator(`#element-tickets li[data-ticket-id="${ids.working}"]`);
    await item.waitFor();
    expect(await item.textContent()).toContain('Разбит экран телефона');
    await page.screenshot({ path: path.join(artifacts, 'process-element-tickets.png'), fullPage: true });
  });

  it('keeps the period and filters in the URL', async () => {
    await page.selectOption('select[name="queue"]', 'repairs');
    await page.click('form#filters button[type="submit"]');
    await page.waitForURL(/queue=repairs/);
    await page.waitForSelector('body[data-state="ready"]');
    const url = new URL(page.url());
    expect(url.searchParams.get('from')).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await page.inputValue('select[name="queue"]')).toBe('repairs');
    const badges = Object.fromEntries(
      await page.$$eval('.badge[data-element-id]', (nodes) =>
        nodes.map((n) => [n.getAttribute('data-element-id')!, Number(n.textContent)]),
      ),
    );
    const stats = await call('GET', `/processes/${TICKET_PROCESS_ID}/statistics?queue=repairs`, {
      operator: 'sidorova',
    });
    const expected = Object.fromEntries(
      stats.body.elements
        .filter((e: { now: number }) => e.now > 0)
        .map((e: { elementId: string; now: number }) => [e.elementId, e.now]),
    );
    expect(badges).toEqual(expected);
  });

  it('highlights the path a ticket took and emphasises where it is, with its timeline', async () => {
    const trail = (await call('GET', `/tickets/${ids.closed}/trail`, { operator: 'sidorova' })).body;
    expect(trail.path).toContain(E.reopen);
    await page.goto(`${address}/ticket.html?id=${ids.closed}`);
    await page.waitForSelector('body[data-state="ready"]');
    const marked = (cls: string) =>
      page.$$eval(`.djs-shape.${cls}`, (nodes) => nodes.map((n) => n.getAttribute('data-element-id')!).sort());
    expect(await marked('trail-current')).toEqual([E.closed]);
    // The page draws the ticket lifecycle; the ticket's SLA steps belong to the escalation diagram.
    const onThisDiagram = new Set<string>(Object.values(E));
    expect(await marked('trail-visited')).toEqual(
      [...new Set(trail.path as string[])]
        .filter((id) => id !== E.closed && onThisDiagram.has(id))
        .concat('survey_outcome')
        .sort(),
    );
    const flows = await page.$$eval('.djs-connection.trail-visited', (nodes) =>
      nodes.map((n) => n.getAttribute('data-element-id')),
    );
    expect(flows).toEqual(
      expect.arrayContaining(['flow_reopen_execute', 'flow_survey_survey_outcome', 'flow_survey_outcome_closed']),
    );
    expect(flows).not.toContain('flow_survey_outcome_handle_complaint');
    expect(await page.locator('#timeline tbody tr').count()).toBe(trail.visits.length);
    await page.screenshot({ path: path.join(artifacts, 'ticket-path.png'), fullPage: true });
  });

  it('opens the SLA diagram with its badges, heatmap and breach and escalation counts equal to the API’s numbers', async () => {
    await page.goto(`${address}/processes.html`);
    await page.click(`a[data-process-id="${ESCALATION_PROCESS_ID}"]`);
    await page.waitForSelector('body[data-state="ready"]');
    expect(await page.textContent('#message')).toBe('');
    const search = new URL(page.url()).searchParams;
    expect(search.get('process')).toBe(ESCALATION_PROCESS_ID);
    // The page's default period (the last 7 days) is the API's.
    const stats = await call('GET', `/processes/${ESCALATION_PROCESS_ID}/statistics`, { operator: 'sidorova' });
    expect(stats.status).toBe(200);
    type Figures = { elementId: string; now: number; medianMs: number | null; breaches: number; escalations: number };
    const elements: Figures[] = stats.body.elements;

    const badges: Record<string, number> = Object.fromEntries(
      await page.$$eval('.badge[data-element-id]', (nodes) =>
        nodes.map((n) => [n.getAttribute('data-element-id')!, Number(n.textContent)]),
      ),
    );
    expect(badges).toEqual(Object.fromEntries(elements.filter((e) => e.now > 0).map((e) => [e.elementId, e.now])));
    // The tickets whose response clock still runs, or whose target was met: some are there now.
    expect(Object.values(badges).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);

    const flags: Record<string, [number, number]> = Object.fromEntries(
      await page.$$eval('.flags[data-element-id]', (nodes) =>
        nodes.map((n) => [
          n.getAttribute('data-element-id')!,
          [Number(n.getAttribute('data-breaches')), Number(n.getAttribute('data-escalations'))],
        ]),
      ),
    );
    expect(flags).toEqual(
      Object.fromEntries(
        elements.filter((e) => e.breaches + e.escalations > 0).map((e) => [e.elementId, [e.breaches, e.escalations]]),
      ),
    );
    expect(flags[X.breached]![0]).toBeGreaterThanOrEqual(1);
    expect(flags[X.level1]![1]).toBeGreaterThanOrEqual(1);

    // The heatmap colours exactly the steps with a median, and the table lists every step.
    const heated = await page.$$eval('.djs-element[class*="heat-"]', (nodes) =>
      nodes.map((n) => n.getAttribute('data-element-id')!).sort(),
    );
    expect(heated).toEqual(
      elements
        .filter((e) => e.medianMs !== null)
        .map((e) => e.elementId)
        .sort(),
    );
    expect(heated).toEqual(expect.arrayContaining([X.started, X.clock, X.warning]));
    expect(await page.locator('#stats tbody tr').count()).toBe(elements.length);
    await page.screenshot({ path: path.join(artifacts, 'process-sla-escalation.png'), fullPage: true });

    // The breached ticket's own SLA path on the ticket page.
    await page.goto(`${address}/ticket.html?id=${ids.breached}&process=${ESCALATION_PROCESS_ID}`);
    await page.waitForSelector('body[data-state="ready"]');
    const trail = (
      await call('GET', `/tickets/${ids.breached}/trail?processId=${ESCALATION_PROCESS_ID}`, { operator: 'sidorova' })
    ).body;
    expect(trail.path).toEqual(expect.arrayContaining([X.started, X.clock, X.warning, X.breached, X.level1]));
    const marked = await page.$$eval('.djs-shape.trail-visited, .djs-shape.trail-current', (nodes) =>
      nodes.map((n) => n.getAttribute('data-element-id')!),
    );
    expect(marked.sort()).toEqual([...new Set<string>(trail.path)].sort());
    expect(await page.locator('#timeline tbody tr').count()).toBe(trail.visits.length);
    await page.screenshot({ path: path.join(artifacts, 'ticket-sla-path.png'), fullPage: true });

    // On its lifecycle page: why it breached, and the breached target's share of time per step.
    // The ticket's clock runs on (its escalations move it between queues): the page and the API are
    // read together, again until one moment's readings agree.
    const label = { response: 'Реакция / Response', resolution: 'Решение / Resolution', handover: 'OLA' };
    let breachedTargets: { target: keyof typeof label; explanation: { ru: string; en: string }; [key: string]: any }[] =
      [];
    await expect
      .poll(
        async () => {
          await page.goto(`${address}/ticket.html?id=${ids.breached}`);
          await page.waitForSelector('body[data-state="ready"]');
          const shown = await page.locator('#breach-list li').allTextContents();
          const audit = (await call('GET', `/tickets/${ids.breached}/breaches`, { operator: 'sidorova' })).body;
          breachedTargets = audit.targets.filter((t: { explanation: unknown }) => t.explanation);
          const expected = breachedTargets.map((t) => `${label[t.target]}: ${t.explanation.ru} / ${t.explanation.en}`);
          return breachedTargets.length >= 1 && JSON.stringify(shown) === JSON.stringify(expected);
        },
        { timeout: 20_000, interval: 500 },
      )
      .toBe(true);
    const shares = await page.$$eval('.share[data-element-id]', (nodes) =>
      nodes.map((n) => [n.getAttribute('data-element-id')!, Number(n.getAttribute('data-share'))]),
    );
    const onLifecycle = new Set<string>(Object.values(E));
    expect(Object.fromEntries(shares)).toEqual(
      Object.fromEntries(
        breachedTargets[0].elements
          .filter((e: { elementId: string; share: number }) => e.share > 0 && onLifecycle.has(e.elementId))
          .map((e: { elementId: string; share: number }) => [e.elementId, e.share]),
      ),
    );
    await page.screenshot({ path: path.join(artifacts, 'ticket-breaches.png'), fullPage: true });
  });

  it('lets the client reopen a resolved ticket from the survey page', async () => {
    const token = await ticketDriver(desk, call).surveyToken(ids.surveyed);
    await page.goto(`${address}/survey/${ids.surveyed}#token=${token}`);
    await page.fill('#reason', 'Интернет снова пропал / The internet is gone again');
    await page.click('#reopen-form button[type="submit"]');
    await page.waitForSelector('#message.ok');
    await page.screenshot({ path: path.join(artifacts, 'survey-reopened.png'), fullPage: true });
    const trail = (await call('GET', `/tickets/${ids.surveyed}/trail`, { operator: 'sidorova' })).body;
    expect(trail).toMatchObject({ stage: 'in_work', current: E.reopen });
    expect(trail.visits.at(-1)).toMatchObject({ elementId: E.reopen, actors: ['client'] });
  });
});
