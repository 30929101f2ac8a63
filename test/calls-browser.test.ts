import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../src/db/seed';
import { webDir } from '../src/desk';
import { startTestDesk } from './support/desk';
import { listen } from './support/http';

/** Debian's chromium package, installed by scripts/ensure-chromium.sh (npm test's pretest, as root). */
const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'];
const TOKEN = 'cti-browser-secret-0123456789abcdef';

// Outside CI a machine without the package skips this file; in CI a missing browser fails it.
describe.skipIf(!existsSync(CHROMIUM) && !process.env.CI)('calls.html in headless Chromium', () => {
  let desk: Awaited<ReturnType<typeof startTestDesk>>;
  let address: string;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const errors: string[] = [];

  beforeAll(async () => {
    desk = await startTestDesk({ webDir, cti: { token: TOKEN } });
    ({ address } = await listen(desk.app));
    profile = mkdtempSync(path.join(os.tmpdir(), 'desk-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
    });
    page = context.pages()[0] ?? (await context.newPage());
    // A script the CSP blocked, or one that threw, shows here.
    page.on(
      'console',
      (message) =>
        message.type() === 'error' &&
        !message.text().startsWith('Failed to load resource') &&
        errors.push(message.text()),
    );
    page.on('pageerror', (error) => errors.push(error.message));
    // The browser asks for /favicon.ico on its own; any other missing resource is the page's fault.
    page.on('response', (response) => {
      if (response.status() >= 400 && !response.url().endsWith('/favicon.ico'))
        errors.push(`${response.status()} ${response.url()}`);
    });
    const signIn = await page.request.post(`${address}/auth/sign-in`, {
      data: { login: 'ivanova', password: DEMO_PASSWORD },
    });
    expect(signIn.status()).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await desk?.stop();
  });

  it('shows the caller as the call rings and files its ticket with one click', async () => {
    await page.goto(`${address}/calls.html`);
    await expect.poll(() => page.locator('#operator').textContent()).toContain('ivanova');
    const callId = `browser-${Math.random().toString(36).slice(2, 8)}`;
    const cti = (fields: Record<string, string>) =>
      fetch(`${address}/channels/cti/${TOKEN}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ callId, from: '89161234567', to: '84951112233', direction: 'in', ...fields }),
      });
    expect((await cti({ event: 'newCall', ivr_choice: 'ремонт' })).status).toBe(200);
    const card = page.locator(`section.call[data-call-id="${callId}"]`);
    await card.waitFor({ timeout: 15_000 });
    await expect.poll(() => card.textContent()).toContain('Ольга Кузнецова');
    expect(await card.textContent()).toContain('ivr_choice');
    await card.locator('button').click();
    await card.locator('.call-ticket a[href^="/ticket.html?id="]').waitFor({ timeout: 20_000 });
    const href = await card.locator('.call-ticket a[href^="/ticket.html?id="]').first().getAttribute('href');
    const ticketId = Number(new URL(href!, address).searchParams.get('id'));
    expect(ticketId).toBeGreaterThan(0);
    expect(errors, errors.join('\n')).toEqual([]);
    await cti({ event: 'hangup', cause: 'normalClearing' });
  }, 60_000);
});
