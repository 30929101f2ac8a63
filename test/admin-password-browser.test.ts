import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webDir } from '../src/desk';
import { startTestDeskAlone } from './support/desk';
import { listen } from './support/http';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'];

/** The admin page's "new password" and the password page, clicked in headless Chromium (a database of its own: passwords change). */
describe.skipIf(!existsSync(CHROMIUM) && !process.env.CI)('passwords on the pages, in headless Chromium', () => {
  let desk: Awaited<ReturnType<typeof startTestDeskAlone>>;
  let address: string;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const problems: string[] = [];
  const adminPassword = 'Пароль администратора 2026';

  beforeAll(async () => {
    desk = await startTestDeskAlone('admin_password', { webDir });
    ({ address } = await listen(desk.app));
    await desk.app.identity.resetPassword({ id: 'admin', role: 'administrator', groupIds: [] }, 'admin', adminPassword);
    profile = mkdtempSync(path.join(os.tmpdir(), 'desk-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => problems.push(e.message));
    page.on(
      'console',
      (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && problems.push(m.text()),
    );
    page.on('dialog', (dialog) => void dialog.accept());
    expect(
      (
        await page.request.post(`${address}/auth/sign-in`, { data: { login: 'admin', password: adminPassword } })
      ).status(),
    ).toBe(200);
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await desk?.stop();
  });

  it('an administrator gives petrov a new password, shown once, which signs him in', async () => {
    await page.goto(`${address}/admin.html`);
    const row = page.locator('#staff tr', { hasText: 'petrov' });
    await row.getByRole('button', { name: /New password/ }).click();
    const message = page.locator('#message');
    await expect.poll(() => message.textContent(), { timeout: 10_000 }).toMatch(/^petrov: \S{20,} — /);
    const password = (await message.textContent())!.match(/^petrov: (\S+) — /)![1]!;
    const signIn = await fetch(`${address}/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'petrov', password }),
    });
    expect(signIn.status).toBe(200);
    expect(problems).toEqual([]);
  });

  it('the password page changes one’s own password', async () => {
    await page.goto(`${address}/password.html`);
    const next = 'Новый пароль администратора';
    await page.fill('#current', adminPassword);
    await page.fill('#next', next);
    await page.fill('#repeat', next);
    await page.click('#change button[type=submit]');
    await expect.poll(() => page.locator('#message').textContent(), { timeout: 10_000 }).toMatch(/Password changed/);
    const signIn = await fetch(`${address}/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'admin', password: next }),
    });
    expect(signIn.status).toBe(200);
    expect(problems).toEqual([]);
  });
});
