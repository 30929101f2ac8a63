import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDesk } from './support/desk';
import { recordHistory } from './support/histories';
import { listen } from './support/http';
import { ticketDriver } from './support/tickets';

/** Articles: every channel's messages through one path, told to the ticket's workflow. */
describe('ticket articles', () => {
  let desk: Awaited<ReturnType<typeof startTestDesk>>;
  let call: Awaited<ReturnType<typeof listen>>['call'];
  let driver: ReturnType<typeof ticketDriver>;
  const suffix = Math.random().toString(36).slice(2, 8);
  const invoice = (n: number) => ({
    subject: 'Счёт на оплату',
    description: `Нужен счёт на оплату №${n}`,
    client: { email: `articles-${suffix}-${n}@example.com` },
  });
  const reply = (ticketId: number, key: string) => ({
    ticketId,
    channel: 'email' as const,
    direction: 'in' as const,
    sender: `Articles-${suffix}-${ticketId}@example.com`,
    subject: 'Re: Счёт на оплату',
    body: 'Счёт так и не пришёл',
    dedupeKey: `${key}-${suffix}`,
  });

  beforeAll(async () => {
    desk = await startTestDesk();
    ({ call } = await listen(desk.app));
    driver = ticketDriver(desk, call);
  });
  afterAll(() => desk?.stop());

  it('hides a blind ticket’s articles until it is accepted, then shows them to the assignee and managers', async () => {
    const id = await driver.register(invoice(1));
    await desk.articles.attachArticle(
      { ...reply(id, 'blind'), sender: `articles-${suffix}-1@example.com` },
      { mayReopen: true },
    );
    for (const operator of ['ivanova', 'petrov']) {
      const hidden = await call('GET', `/tickets/${id}/articles`, { operator });
      expect([hidden.status, hidden.body.code]).toEqual([403, 'NOT_ASSIGNEE']);
      expect(hidden.text).not.toContain('не пришёл');
    }
    expect((await call('GET', `/tickets/${id}/articles`)).status).toBe(401);
    await driver.accept(id, 'ivanova');
    const shown = await call('GET', `/tickets/${id}/articles`, { operator: 'ivanova' });
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject([
      { channel: 'email', direction: 'in', body: 'Счёт так и не пришёл', public: true, automatic: null },
    ]);
    expect((await call('GET', `/tickets/${id}/articles`, { operator: 'sidorova' })).status).toBe(200);
    expect((await call('GET', `/tickets/${id}/articles`, { operator: 'petrov' })).status).toBe(403);
    expect((await call('GET', '/tickets/2147483647/articles', { operator: 'sidorova' })).status).toBe(404);
    expect((await call('GET', '/tickets/abc/articles', { operator: 'sidorova' })).status).toBe(400);
  });

  it('a client’s reply while the survey waits reopens the ticket; a redelivery is the same article', async () => {
    const id = await driver.register(invoice(2));
    await driver.accept(id, 'ivanova');
    // In work: the reply is recorded, nothing reopens.
    const during = await desk.articles.attachArticle(reply(id, 'during'), { mayReopen: true });
    expect([during.created, during.reopened]).toEqual([true, false]);
    await driver.resolve(id, 'ivanova');
    await driver.surveyToken(id);

    const first = await desk.articles.attachArticle(reply(id, 'after'), { mayReopen: true });
    expect([first.created, first.reopened]).toEqual([true, true]);
    expect(await driver.stage(id)).toBe('in_work');
    const again = await desk.articles.attachArticle(reply(id, 'after'), { mayReopen: true });
    expect([again.created, again.article.id]).toEqual([false, first.article.id]);
    expect(await driver.stage(id)).toBe('in_work');
    const listed = await call('GET', `/tickets/${id}/articles`, { operator: 'ivanova' });
    expect(listed.body).toHaveLength(2);
    expect(await driver.recordedElements(id)).toContain('reopen');
    await driver.resolve(id, 'ivanova');
    await driver.answer(id, { csat: 5 });
    await driver.closed(id);
    await recordHistory(desk, id, 'client-reply-reopens');
  });

  it('an automatic message is kept but never reopens; an article of a closed ticket is kept', async () => {
    const id = await driver.register(invoice(3));
    await driver.accept(id, 'ivanova');
    await driver.resolve(id, 'ivanova');
    await driver.surveyToken(id);
    const auto = await desk.articles.attachArticle(
      { ...reply(id, 'auto'), automatic: 'auto_submitted', public: false },
      { mayReopen: false },
    );
    expect([auto.created, auto.reopened]).toEqual([true, false]);
    expect(await driver.stage(id)).toBe('awaiting_survey');

    await driver.answer(id, { csat: 5 });
    await driver.closed(id);
    const late = await desk.articles.attachArticle(reply(id, 'late'), { mayReopen: true });
    expect([late.created, late.reopened]).toEqual([true, false]);
    const listed = await call('GET', `/tickets/${id}/articles`, { operator: 'ivanova' });
    expect(listed.body.map((a: { automatic: string | null }) => a.automatic)).toEqual(['auto_submitted', null]);
  });

  it('pages through a long thread oldest first, `limit` at a time after the last id', async () => {
    const id = await driver.register(invoice(4));
    await driver.accept(id, 'ivanova');
    for (let n = 0; n < 5; n++)
      await desk.articles.attachArticle(
        { ...reply(id, `page-${n}`), body: `Сообщение ${n}`, automatic: 'auto_submitted', public: false },
        { mayReopen: false },
      );
    const pages: string[][] = [];
    let after: number | undefined;
    for (;;) {
      const page = await call('GET', `/tickets/${id}/articles?limit=2${after ? `&after=${after}` : ''}`, {
        operator: 'ivanova',
      });
      expect(page.status).toBe(200);
      if (page.body.length === 0) break;
      pages.push(page.body.map((a: { body: string }) => a.body));
      after = page.body.at(-1).id;
    }
    expect(pages).toEqual([['Сообщение 0', 'Сообщение 1'], ['Сообщение 2', 'Сообщение 3'], ['Сообщение 4']]);
    for (const [query, field] of [
      ['limit=0', 'querystring.limit'],
      ['limit=501', 'querystring.limit'],
      ['after=-1', 'querystring.after'],
      ['page=2', 'querystring.page'],
    ])
      expect((await call('GET', `/tickets/${id}/articles?${query}`, { operator: 'ivanova' })).body.field).toBe(field);
  });
});
