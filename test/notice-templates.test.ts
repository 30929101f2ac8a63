import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDeskAlone } from './support/desk';
import { listen } from './support/http';
import { ticketDriver } from './support/tickets';

type Desk = Awaited<ReturnType<typeof startTestDeskAlone>>;

/** A template is the desk's wording for every ticket: this file has a database of its own. */
describe('client notices in a manager’s wording', () => {
  let desk: Desk;
  let call: Awaited<ReturnType<typeof listen>>['call'];
  let driver: ReturnType<typeof ticketDriver>;
  const template = {
    subject: 'Сервисный центр: заявка {{ticket}} готова',
    body: [
      'Добрый день, {{name}}!',
      'По вашему обращению',
      '{{subject}}',
      'сделано: {{resolution}}',
      'К оплате: {{price}} ₽',
      'Поставьте оценку: {{survey_link}}',
      'Статус: {{status_link}}',
    ].join('\n'),
  };
  const resolutionMail = async (id: number) => {
    const folder = path.join(path.dirname(desk.logFile), 'mail');
    let file: string | undefined;
    for (let i = 0; i < 100 && !file; i++) {
      file = fs.existsSync(folder)
        ? fs.readdirSync(folder).find((f) => f.startsWith(`ticket-${id}.resolution`) && f.endsWith('.eml'))
        : undefined;
      if (!file) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(file, `ticket ${id}'s resolution notice`).toBeDefined();
    return simpleParser(fs.readFileSync(path.join(folder, file!)));
  };

  beforeAll(async () => {
    desk = await startTestDeskAlone('notice_templates');
    ({ call } = await listen(desk.app));
    driver = ticketDriver(desk, call);
  });
  afterAll(() => desk?.stop());

  it('a manager words the resolution notice; the next one is sent so, the filer’s subject quoted', async () => {
    const listed = await call('GET', '/notice-templates', { operator: 'sidorova' });
    expect(listed.status).toBe(200);
    expect(listed.body.notices).toEqual([
      { purpose: 'resolution', template: null },
      { purpose: 'accepted', template: null },
    ]);
    expect(listed.body.placeholders.map((p: { name: string }) => p.name)).toContain('survey_link');

    const put = await call('PUT', '/notice-templates/resolution', { operator: 'sidorova', body: template });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.template).toMatchObject({ ...template, updatedBy: 'sidorova' });

    const id = await driver.register({
      subject: 'Нужен счёт на оплату',
      description: 'Пришлите счёт на оплату за октябрь',
      client: { email: `templates-${Math.random().toString(36).slice(2, 8)}@example.com`, name: 'Пётр' },
    });
    await driver.accept(id, 'ivanova');
    await driver.resolve(id, 'ivanova');
    const mail = await resolutionMail(id);
    expect(mail.subject).toBe(`Сервисный центр: заявка ${id} готова`);
    const lines = mail.text!.trim().split('\n');
    expect(lines).toContain('> Нужен счёт на оплату');
    expect(lines).toContain('сделано: Готово / Done');
    // The price line only with a quoted price (the pure test checks an empty one is left out).
    const { quotedPrice } = (await call('GET', `/tickets/${id}`, { operator: 'sidorova' })).body;
    expect(lines.filter((l) => l.startsWith('К оплате'))).toEqual(
      quotedPrice === null ? [] : [`К оплате: ${quotedPrice} ₽`],
    );
    expect(lines.find((l) => l.startsWith('Поставьте оценку: '))).toMatch(new RegExp(`/survey/${id}#token=`));

    // Back to the desk's own text.
    const reset = await call('DELETE', '/notice-templates/resolution', { operator: 'sidorova' });
    expect(reset.body).toEqual({ purpose: 'resolution', template: null });
    const audit = await call('GET', '/audit-log?limit=20', { operator: 'admin' });
    const actions = (audit.body as Array<{ action: string; target: string }>)
      .filter((e) => e.target === 'notice:resolution')
      .map((e) => e.action);
    expect(actions).toEqual(['notice_template_reset', 'notice_template_changed']);
  });

  it('refuses a template that breaks the desk’s rules, naming the field, and anyone but a manager', async () => {
    for (const [body, message] of [
      [{ ...template, subject: 'Re: {{subject}}' }, /body\.subject: only \{\{ticket\}\}/],
      [
        { ...template, body: 'Готово: {{status_link}}' },
        /body\.body: the resolution notice must carry \{\{survey_link\}\}/,
      ],
      [{ ...template, body: `Тема: {{subject}} {{survey_link}}` }, /body\.body: \{\{subject\}\} must stand alone/],
      [{ subject: 'x' }, /body\.body is required/],
      [{ ...template, footer: 'x' }, /body\.footer is not a field here/],
    ] as const) {
      const refused = await call('PUT', '/notice-templates/resolution', { operator: 'sidorova', body });
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body.message).toMatch(message);
    }
    expect((await call('PUT', '/notice-templates/survey', { operator: 'sidorova', body: template })).status).toBe(400);
    const byOperator = await call('PUT', '/notice-templates/resolution', { operator: 'ivanova', body: template });
    expect(byOperator.status).toBe(403);
    expect((await call('GET', '/notice-templates', { operator: 'ivanova' })).status).toBe(403);
    expect((await call('GET', '/notice-templates', { operator: 'sidorova' })).body.notices[0].template).toBeNull();
  });
});
