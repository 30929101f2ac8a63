import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientLinkTokens, outbox } from '../src/db/schema';
import { linkTokenHash } from '../src/domain/client-link';
import { startTestDesk } from './support/desk';
import { listen } from './support/http';
import { ticketDriver } from './support/tickets';

type Desk = Awaited<ReturnType<typeof startTestDesk>>;

/** The client's status page: the link in a notice shows the ticket live, takes a reply and the survey. */
describe('client status page', () => {
  let desk: Desk;
  let call: Awaited<ReturnType<typeof listen>>['call'];
  let address: string;
  let driver: ReturnType<typeof ticketDriver>;
  const suffix = Math.random().toString(36).slice(2, 8);

  beforeAll(async () => {
    desk = await startTestDesk({ statusPollMs: 150 });
    ({ call, address } = await listen(desk.app));
    driver = ticketDriver(desk, call);
  });
  afterAll(async () => desk?.stop());

  /** The status links in the notices the client was sent, oldest first. */
  const statusLinks = async (id: number) => {
    const folder = desk.mailer.target;
    const texts = await Promise.all(
      fs
        .readdirSync(folder)
        .filter((f) => f.startsWith(`ticket-${id}.`) && f.endsWith('.eml'))
        .map((f) => path.join(folder, f))
        .sort((a, b) => fs.statSync(a).mtimeMs - fs.statSync(b).mtimeMs)
        .map(async (file) => (await simpleParser(fs.readFileSync(file))).text ?? ''),
    );
    // Each notice gives the link twice, in Russian and in English.
    return texts.flatMap((text) => [
      ...new Set([...text.matchAll(/\/status\/(\d+)#token=([\w-]+)/g)].map((m) => m[2]!)),
    ]);
  };
  const status = (id: number, token?: string) =>
    call('GET', `/tickets/${id}/status`, token === undefined ? {} : { headers: { 'x-ticket-token': token } });

  /** Reads server-sent events from the stream until `enough` says so. */
  async function events(id: number, token: string, enough: (seen: { event: string; data: any }[]) => boolean) {
    const response = await fetch(`${address}/tickets/${id}/status/stream?token=${encodeURIComponent(token)}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    const seen: { event: string; data: any }[] = [];
    let buffer = '';
    const deadline = Date.now() + 20_000;
    while (!enough(seen) && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += new TextDecoder().decode(value);
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) seen.push({ event, data: JSON.parse(data) });
      }
    }
    await reader.cancel().catch(() => {});
    return seen;
  }

  it('opens with the notice’s link only, shows what the client may see, follows live, takes a reply and the survey', async () => {
    const id = await driver.register({
      subject: 'Не печатает принтер',
      description: `Принтер HP в бухгалтерии не печатает ${suffix}`,
      client: { email: `status-${suffix}@example.com`, name: 'Ольга' },
    });
    const other = await driver.register({
      subject: 'Не работает сканер',
      description: `Сканер не видит компьютер ${suffix}`,
      client: { email: `status-other-${suffix}@example.com` },
    });
    await driver.accept(id, 'ivanova');
    await driver.resolve(id, 'ivanova');
    await driver.surveyToken(id);
    const [token] = await statusLinks(id);
    expect(token).toBeDefined();

    // Only the link's token opens the page: no header, a wrong token, another ticket's number, one answer.
    expect((await status(id)).status).toBe(400);
    for (const wrong of [
      await status(id, 'x'.repeat(24)),
      await status(other, token!),
      await status(999_999_999, token!),
    ])
      expect(wrong).toMatchObject({ status: 403, body: { code: 'BAD_STATUS_TOKEN' } });

    const view = await status(id, token!);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({
      id,
      subject: 'Не печатает принтер',
      stage: 'awaiting_survey',
      stageText: { ru: 'выполнена, ждёт вашей оценки', en: 'resolved, waiting for your rating' },
      resolution: 'Готово / Done',
      surveyOpen: true,
      dueAt: null,
    });
    // Nothing of who works it or where it sits on the desk.
    for (const internal of ['assigneeId', 'queueId', 'category', 'priority', 'client', 'description'])
      expect(view.body).not.toHaveProperty(internal);

    // The desk keeps the link's secret only as its hash, and blanks it in its copy of the notice.
    const [stored] = await desk.db.select().from(clientLinkTokens).where(eq(clientLinkTokens.ticketId, id));
    expect(stored!.tokenHash).toBe(linkTokenHash(token!));
    const copies = await desk.db.select({ body: outbox.body }).from(outbox).where(eq(outbox.ticketId, id));
    expect(copies.some((c) => c.body.includes(token!))).toBe(false);

    // Live: the stream gives the view at once and again after the client's reply reopens the ticket.
    const stream = events(id, token!, (seen) => seen.some((e) => e.data.stage === 'in_work'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await call('POST', `/tickets/${id}/status/reply`, { body: { token: 'nope', text: 'x' } })).status).toBe(
      403,
    );
    expect(
      (await call('POST', `/tickets/${id}/status/reply`, { body: { token, text: ' ', replyId: 'reply-0001' } })).status,
    ).toBe(400);
    const reply = { token, text: 'Принтер снова не печатает после перезагрузки', replyId: `reply-${suffix}-1` };
    const replied = await call('POST', `/tickets/${id}/status/reply`, { body: reply });
    expect(replied.status).toBe(201);
    expect(replied.body).toMatchObject({ created: true, reopened: true });
    // A retried send of the same message is one message.
    expect((await call('POST', `/tickets/${id}/status/reply`, { body: reply })).body).toMatchObject({ created: false });
    const seen = await stream;
    expect(seen[0]).toMatchObject({ event: 'status', data: { id, stage: 'awaiting_survey' } });
    expect(seen.at(-1)!.data).toMatchObject({ stage: 'in_work', surveyOpen: false });
    expect(seen.at(-1)!.data.updates[0]).toMatchObject({ from: 'client', text: reply.text });

    // The second resolution's notice carries a new link; the first still opens the page and answers the survey.
    await driver.resolve(id, 'ivanova');
    await driver.surveyToken(id);
    const links = await statusLinks(id);
    expect(links).toHaveLength(2);
    expect(new Set(links).size).toBe(2);
    const closing = events(id, links[1]!, (all) => all.some((e) => e.event === 'gone'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await call('POST', `/tickets/${id}/survey`, { body: { token, csat: 4 } })).status).toBe(202);
    expect(await driver.closed(id)).toEqual({ ticketId: id, csat: 4 });
    expect((await closing).at(-1)).toMatchObject({ event: 'gone' });
    // Closed: the links open nothing any more.
    expect(await status(id, token!)).toMatchObject({ status: 403, body: { code: 'BAD_STATUS_TOKEN' } });
  });
});
