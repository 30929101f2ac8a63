import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Script } from 'node:vm';
import { describe, expect, it } from 'vitest';

const page = (name: string) => readFileSync(path.resolve(__dirname, '../web', name), 'utf8');
const inlineScripts = (html: string) =>
  [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
/** A page's own script: web/<page>.js, loaded by a script tag (the CSP allows no inline script). */
const ownScript = (file: string) => page(file.replace(/\.html$/, '.js'));
const pages = [
  'index.html',
  'survey.html',
  'status.html',
  'confirm-client.html',
  'process.html',
  'processes.html',
  'ticket.html',
  'sign-in.html',
  'sign-out.html',
  'password.html',
  'dashboard.html',
  'glossary.html',
  'calls.html',
  'admin.html',
  'client.html',
];

describe('every page under the Content-Security-Policy', () => {
  it.each(pages)('%s has no inline script and no event-handler attribute, only scripts of the desk', (file) => {
    const html = page(file);
    expect(inlineScripts(html)).toEqual([]);
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
    expect(html).not.toMatch(/javascript:/i);
    for (const [, src] of html.matchAll(/<script[^>]+src="([^"]+)"/g))
      expect(src, file).toMatch(/^\/[a-z0-9/.-]+\.js$/);
  });
});

describe.each([
  ['index.html', ['subject', 'description', 'name', 'phone', 'email'], /fetch\('\/tickets',/],
  ['survey.html', ['csat', 'comment'], /fetch\(`\/tickets\/\$\{ticketId\}\/survey`,/],
  ['status.html', ['text'], /fetch\(`\/tickets\/\$\{ticketId\}\/status\/reply`,/],
  ['confirm-client.html', [], /fetch\(`\/tickets\/\$\{ticketId\}\/client-confirmation`,/],
])('web/%s', (file, fields, fetchCall) => {
  const html = page(file);

  it("is a Russian HTML page that works offline: no external URL, script or style; only the desk's own stylesheet", () => {
    expect(html).toMatch(/^<!doctype html>\s*<html lang="ru">/i);
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/@import|@font-face/i);
    expect([...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => m[1])).toEqual([
      `/${file.replace('.html', '.js')}`,
    ]);
    const stylesheets = [...html.matchAll(/<link[^>]+stylesheet[^>]*href="([^"]+)"/gi)].map((m) => m[1]);
    expect(stylesheets).toEqual(['/desk.css']);
    expect(page('desk.css')).toMatch(/--accent/);
  });

  it('has its own script, and that script compiles', () => {
    expect(() => new Script(ownScript(file), { filename: file })).not.toThrow();
  });

  it('has the form fields, each with a label', () => {
    for (const name of fields) {
      const control = html.match(new RegExp(`<(?:input|textarea)[^>]*name="${name}"[^>]*>`))?.[0];
      expect(control, name).toBeDefined();
      const id = /\bid="([^"]+)"/.exec(control!)?.[1];
      // Labelled by <label for=id>, or by a <label> wrapping the control (the CSAT radios).
      expect(html, name).toMatch(
        id ? new RegExp(`<label[^>]*for="${id}"`) : new RegExp(`<label[^>]*>\\s*<input[^>]*name="${name}"`),
      );
    }
  });

  it('posts JSON to its API route and shows the API error message', () => {
    const script = ownScript(file);
    expect(script).toMatch(fetchCall);
    expect(script).toContain("method: 'POST'");
    expect(script).toContain("'Content-Type': 'application/json'");
    expect(script).toContain('JSON.stringify(');
    expect(script).toMatch(/body\.message/);
  });
});

describe('web/status.html', () => {
  it('reads the token from the fragment, sends it in a header, and puts the ticket’s texts in as text only', () => {
    const script = ownScript('status.html');
    expect(script).toMatch(/location\.hash/);
    expect(script).toContain("'X-Ticket-Token': token");
    expect(script).toContain('new EventSource(');
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });
});

describe('web/client.html', () => {
  it('puts the profile and the timeline in as text only, and follows a merged client to the survivor', () => {
    const script = ownScript('client.html');
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    expect(script).toContain('response.redirected');
    expect(script).toContain('/timeline?');
  });
});

describe('web/index.html', () => {
  it('registers the ticket from the web channel and links to the API docs', () => {
    expect(ownScript('index.html')).toContain("channel: 'web'");
    expect(page('index.html')).toContain('href="/docs"');
  });
});

describe('web/survey.html', () => {
  const html = page('survey.html');

  it('offers the five CSAT scores', () => {
    expect([...html.matchAll(/<input type="radio" name="csat" value="(\d)">/g)].map((m) => m[1])).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
    ]);
  });

  it('reads the ticket from the path and the token from the query, and says when the link is incomplete', () => {
    const script = ownScript('survey.html');
    expect(script).toContain('location.pathname');
    expect(script).toContain("URLSearchParams(location.search).get('token')");
    expect(script).toContain('Ссылка неполная');
    expect(script).toContain('response.status === 202');
  });
});

describe.each(['processes.html', 'process.html', 'ticket.html'])('web/%s (process viewer)', (file) => {
  const html = page(file);

  it('works offline: scripts and styles from this server only (bpmn-js from /vendor), no external URL', () => {
    expect(html).toMatch(/^<!doctype html>\s*<html lang="ru">/i);
    expect(html).not.toMatch(/https?:\/\//i);
    for (const [, src] of html.matchAll(/<(?:script|link)[^>]+(?:src|href)="([^"]+)"/g))
      expect(src, file).toMatch(
        new RegExp(`^/(vendor/bpmn-js/|viewer\\.(js|css)$|${file.replace('.html', '')}\\.js$)`),
      );
  });

  it('has its own script, and it compiles', () => {
    expect(() => new Script(ownScript(file), { filename: file })).not.toThrow();
  });
});

describe('web/survey.html, complaint and reopening', () => {
  const html = page('survey.html');

  it('lets the client mark a complaint and reopen the ticket with a reason', () => {
    expect(html).toMatch(/<label[^>]*>\s*<input type="checkbox" name="complaint"/);
    expect(html).toMatch(/<label[^>]*for="reason"/);
    const script = ownScript('survey.html');
    expect(script).toContain('answer.complaint = true');
    expect(script).toMatch(/fetch\(`\/tickets\/\$\{ticketId\}\/reopen`,/);
    expect(script).toContain('JSON.stringify({ token, reason })');
  });
});

describe('web/calls.html (the operators’ calls)', () => {
  const html = page('calls.html');
  const script = ownScript('calls.html');

  it('loads only the desk’s own scripts and stylesheet', () => {
    expect([...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => m[1])).toEqual(['/viewer.js', '/calls.js']);
    expect([...html.matchAll(/<link[^>]+stylesheet[^>]*href="([^"]+)"/gi)].map((m) => m[1])).toEqual(['/viewer.css']);
  });

  it('has its own script, and it compiles', () => {
    expect(() => new Script(script)).not.toThrow();
  });

  it('reads the callers’ stream and files the ticket with one click, writing text only (never markup)', () => {
    expect(script).toMatch(/new EventSource\('\/calls\/stream'\)/);
    expect(script).toMatch(/addEventListener\('call'/);
    expect(script).toMatch(/api\(`\/calls\/\$\{encodeURIComponent\(call\.callId\)\}\/ticket`, \{ method: 'POST' \}\)/);
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });
});
