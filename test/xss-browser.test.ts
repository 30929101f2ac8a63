/**
 * Stored XSS: a ticket whose subject, client name, resolution, reasons and rule name are script
 * payloads, and a staff account and audit entry that are too, opened in every page of web/ in
 * headless Chromium, runs no script and adds no element of the payload's; and every page is
 * served under a Content-Security-Policy whose scripts allow no 'unsafe-inline'.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { operators } from '../src/db/schema';
import { TICKET_PROCESS_ID, TicketElement } from '../src/domain/process';
import { webDir } from '../src/desk';
import { hashPassword } from '../src/services/identity-service';
import { startTestDesk } from './support/desk';
import { listen } from './support/http';
import { ticketDriver } from './support/tickets';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'];

/** Markup that runs script wherever it is parsed as HTML (under 200 characters, as a name must be). */
const payload = (where: string) =>
  `xss-${where} <img src=x onerror="__xss.push('${where}')"><script>__xss.push('${where}')</script><svg onload="__xss.push('${where}')">`;

/** Before any page script: a record of scripts the payloads ran and of the policy's refusals. */
const watch = `
  window.__xss = [];
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) =>
    window.__violations.push({ directive: e.violatedDirective, sample: e.sample }));
`;

/** What ran, what the policy refused, and the elements the payloads would have made had they been parsed as markup. */
const seenOnPage = `({
  ran: window.__xss,
  violations: window.__violations,
  injected: document.querySelectorAll('img[src="x"], svg[onload], script:not([src])').length,
  text: document.body.innerText,
})`;

interface Seen {
  ran: string[];
  violations: { directive: string; sample: string }[];
  injected: number;
  text: string;
}

describe.skipIf(!existsSync(CHROMIUM) && !process.env.CI)('stored XSS through every page', () => {
  let desk: Awaited<ReturnType<typeof startTestDesk>>;
  let call: Awaited<ReturnType<typeof listen>>['call'];
  let address: string;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  let ticketId: number;
  let surveyToken: string;
  const keyword = `zxss${Math.random()
    .toString(36)
    .replace(/[^a-z]/g, '')
    .slice(0, 6)}`;
  const admin = `xss-admin-${keyword}`;
  const password = `${keyword}-long-password`;

  beforeAll(async () => {
    desk = await startTestDesk({ webDir });
    ({ call, address } = await listen(desk.app));
    const t = ticketDriver(desk, call);
    // A rule whose name is a payload fires for the ticket (its name is on the ticket's classification).
    const rule = await call('POST', '/rules', {
      operator: 'sidorova',
      body: { name: payload('rule'), condition: { words: [keyword] }, outcome: { queueCode: 'general' }, place: 1 },
    });
    expect(rule.status).toBe(201);
    ticketId = await t.register({
      subject: `${payload('subject')} ${keyword}`,
      description: `${payload('description')} ${keyword}`,
      client: { name: payload('client'), email: `${keyword}@example.org` },
    });
    const ok = async (response: Promise<{ status: number; text: string }>) =>
      expect((await response).status, (await response).text).toBeLessThan(300);
    await t.accept(ticketId, 'ivanova');
    await ok(
      call('POST', `/tickets/${ticketId}/wait-for-client`, { operator: 'ivanova', body: { reason: payload('wait') } }),
    );
    await ok(call('POST', `/tickets/${ticketId}/resume`, { operator: 'ivanova' }));
    await ok(
      call('POST', `/tickets/${ticketId}/resolve`, {
        operator: 'ivanova',
        body: { resolution: payload('resolution') },
      }),
    );
    await t.surveyToken(ticketId);
    await ok(call('POST', `/tickets/${ticketId}/reopen`, { operator: 'ivanova', body: { reason: payload('reopen') } }));
    await ok(
      call('POST', `/tickets/${ticketId}/resolve`, {
        operator: 'ivanova',
        body: { resolution: payload('resolution2') },
      }),
    );
    surveyToken = await t.surveyToken(ticketId);
    // An administrator (signs in with a password) and an account whose name is a payload: the admin page and the audit log.
    await desk.db
      .insert(operators)
      .values({ id: admin, name: admin, role: 'administrator', passwordHash: await hashPassword(password) });
    await ok(
      call('POST', '/staff', {
        operator: admin,
        body: { id: `${keyword}-staff`, name: payload('staff'), role: 'operator' },
      }),
    );

    profile = mkdtempSync(path.join(os.tmpdir(), 'desk-xss-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
    });
    await context.addInitScript(watch);
    page = context.pages()[0] ?? (await context.newPage());
    const signIn = await page.request.post(`${address}/auth/sign-in`, { data: { login: admin, password } });
    expect(signIn.status()).toBe(200);
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await desk?.stop();
  });

  /** Opens a page, lets it load its data, and says what ran and what the payloads left in the DOM. */
  const open = async (url: string, settle?: (page: Page) => Promise<unknown>): Promise<Seen> => {
    await page.goto(`${address}${url}`);
    await page.waitForLoadState('networkidle');
    await settle?.(page);
    return page.evaluate<Seen>(seenOnPage);
  };
  const expectInert = (seen: Seen, url: string) => {
    expect(seen.ran, url).toEqual([]);
    expect(seen.injected, url).toBe(0);
    expect(seen.violations, url).toEqual([]);
  };

  it('the process pages, the element’s ticket list (subjects shown) and the ticket’s trail run none of it', async () => {
    expectInert(await open('/processes.html'), 'processes.html');
    const processes = await open(`/process.html?process=${TICKET_PROCESS_ID}`, async (p) => {
      await p.waitForSelector('body[data-state="ready"]');
      await p.click(`.djs-element[data-element-id="${TicketElement.survey}"]`);
      await p.locator(`#element-tickets li[data-ticket-id="${ticketId}"]`).waitFor();
    });
    expectInert(processes, 'process.html');
    // The payload is there, as text.
    expect(processes.text).toContain('xss-subject <img src=x');
    for (const process of ['', `&process=sla_escalation`]) {
      const trail = await open(`/ticket.html?id=${ticketId}${process}`, (p) =>
        p.waitForSelector('body[data-state="ready"]'),
      );
      expectInert(trail, 'ticket.html');
      // The client, linked to their profile page, as text.
      expect(trail.text).toContain('xss-client <img src=x');
    }
  });

  it('the client profile page (found by search, its contacts, devices, consents and timeline) runs none of it', async () => {
    const [{ clientId }] = (await desk.db.execute(
      sql`select client_id as "clientId" from tickets where id = ${ticketId}`,
    )) as unknown as [{ clientId: number }];
    const ok = async (response: Promise<{ status: number; text: string }>) =>
      expect((await response).status, (await response).text).toBeLessThan(300);
    const as = { operator: admin };
    await ok(
      call('PATCH', `/clients/${clientId}`, {
        ...as,
        body: { kind: 'company', legalName: payload('legal'), legalAddress: payload('address'), note: payload('note') },
      }),
    );
    await ok(
      call('POST', `/clients/${clientId}/contacts`, {
        ...as,
        body: { kind: 'telegram', value: `${keyword}_tg`, label: payload('label').slice(0, 100) },
      }),
    );
    await ok(
      call('POST', `/clients/${clientId}/devices`, {
        ...as,
        body: { model: payload('device'), serial: payload('serial').slice(0, 100), note: payload('devnote') },
      }),
    );
    await ok(
      call('PUT', `/clients/${clientId}/consents/marketing`, {
        ...as,
        body: { granted: true, source: payload('consent') },
      }),
    );
    await desk.articles.attachArticle(
      {
        ticketId,
        channel: 'email',
        direction: 'in',
        sender: `${keyword}@example.org`,
        body: payload('article'),
        dedupeKey: `xss-${keyword}`,
      },
      { mayReopen: false },
    );
    const found = await open(`/client.html?q=${encodeURIComponent(`${keyword}@example.org`)}`, (p) =>
      p.waitForSelector('body[data-state="ready"]'),
    );
    expectInert(found, 'client.html?q=');
    expect(found.text).toContain('xss-client <img src=x');
    const shown = await open(`/client.html?id=${clientId}`, (p) => p.waitForSelector('body[data-state="ready"]'));
    expectInert(shown, 'client.html?id=');
    for (const where of ['legal', 'address', 'note', 'device', 'consent', 'article', 'subject'])
      expect(shown.text, where).toContain(`xss-${where} <img src=x`);
  });

  it('the dashboard with the tickets behind a count, the glossary, the calls page and the client’s status page run none of it', async () => {
    const period = `from=${new Date(Date.now() - 86_400_000).toISOString()}&to=${new Date(Date.now() + 86_400_000).toISOString()}`;
    const dashboard = await open(`/dashboard.html?${period}&interval=day`, async (p) => {
      await p.waitForSelector('body[data-state="ready"]');
      await p.click('a[data-drill="registered"]');
      await p.waitForSelector(`#drill-tickets li[data-ticket-id="${ticketId}"]`);
    });
    expectInert(dashboard, 'dashboard.html');
    // The subject is listed (to staff who may see it) as text.
    expect(dashboard.text).toContain('xss-subject <img src=x');
    expectInert(await open('/glossary.html', (p) => p.waitForSelector('body[data-state="ready"]')), 'glossary.html');
    expectInert(await open('/calls.html'), 'calls.html');
    // The client's live status page, opened with the link from the notice.
    const folder = desk.mailer.target;
    const notices = readdirSync(folder).filter((f) => f.startsWith(`ticket-${ticketId}.`) && f.endsWith('.eml'));
    const texts = await Promise.all(
      notices.map(async (f) => (await simpleParser(readFileSync(path.join(folder, f)))).text ?? ''),
    );
    const statusToken = texts
      .flatMap((text) => [...text.matchAll(/\/status\/\d+#token=([\w-]+)/g)].map((m) => m[1]!))
      .at(-1);
    expect(statusToken).toBeDefined();
    const status = await open(`/status/${ticketId}#token=${statusToken}`, (p) =>
      p.waitForFunction('document.body.innerText.includes("xss-")'),
    );
    expectInert(status, 'status.html');
  });

  it('the client’s pages, the intake form, sign-in and the admin page run none of it', async () => {
    expectInert(await open(`/survey/${ticketId}#token=${surveyToken}`), 'survey');
    expectInert(await open(`/confirm-client.html#ticket=${ticketId}&token=x`), 'confirm-client.html');
    expectInert(await open('/index.html'), 'index.html');
    expectInert(await open('/sign-in.html'), 'sign-in.html');
    const adminPage = await open('/admin.html', (p) => p.locator('#audit tr').first().waitFor());
    expectInert(adminPage, 'admin.html');
    expect(adminPage.text).toContain('xss-staff');
    expectInert(await open('/password.html'), 'password.html');
    // Last: it signs out.
    expectInert(await open('/sign-out.html'), 'sign-out.html');
  });

  it('the watch sees an injection: markup put into a page is refused by the policy and counted', async () => {
    await open('/index.html');
    await page.evaluate(`document.body.insertAdjacentHTML('beforeend', ${JSON.stringify(payload('control'))})`);
    await page.waitForTimeout(300);
    const seen = await page.evaluate<Seen>(seenOnPage);
    expect(seen.ran).toEqual([]);
    expect(seen.injected).toBeGreaterThan(0);
    expect(seen.violations.map((v) => v.directive)).toContain('script-src-attr');
  });

  it('every page is served under a policy whose scripts allow no inline script', async () => {
    const pages = readdirSync(webDir).filter((f) => f.endsWith('.html'));
    expect(pages.length).toBeGreaterThanOrEqual(9);
    for (const url of [...pages.map((f) => `/${f}`), `/survey/${ticketId}`, '/docs/static/index.html']) {
      const response = await fetch(`${address}${url}`);
      expect(response.status, url).toBe(200);
      const policy = response.headers.get('content-security-policy') ?? '';
      const directives = new Map(
        policy.split(';').map((d) => {
          const [name, ...sources] = d.trim().split(/\s+/);
          return [name, sources] as const;
        }),
      );
      const scripts = directives.get('script-src') ?? directives.get('default-src');
      expect(scripts, `${url} names where scripts come from`).toBeDefined();
      expect(scripts, url).not.toContain("'unsafe-inline'");
      expect(scripts, url).not.toContain('*');
      expect(directives.get('script-src-attr') ?? ["'none'"], url).not.toContain("'unsafe-inline'");
      expect(directives.get('object-src'), url).toEqual(["'none'"]);
    }
  });
});
