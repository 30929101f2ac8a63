import { describe, expect, it } from 'vitest';
import { noticeTemplateProblem, renderNoticeTemplate } from '../../src/domain/notice-templates';

const resolution = {
  subject: 'Заявка №{{ticket}} готова',
  body: [
    'Здравствуйте, {{name}}!',
    'Ваша заявка:',
    '{{subject}}',
    'Сделано: {{resolution}}',
    'Стоимость: {{price}} ₽',
    'Оцените нас: {{survey_link}}',
  ].join('\n'),
};

describe('a notice template', () => {
  it('is accepted with the placeholders of its notice and the link it exists for', () => {
    expect(noticeTemplateProblem('resolution', resolution)).toBeNull();
    expect(
      noticeTemplateProblem('accepted', { subject: '№{{ticket}}', body: 'Срок {{due_msk}}: {{status_link}}' }),
    ).toBeNull();
  });

  it.each([
    [{ ...resolution, subject: ' ' }, /body\.subject: a subject is required/],
    [{ ...resolution, subject: 'a\nb' }, /body\.subject: the subject is one line/],
    [
      { ...resolution, subject: 'Re: {{subject}}' },
      /body\.subject: only \{\{ticket\}\} may stand in the subject, not \{\{subject\}\}/,
    ],
    [
      { ...resolution, body: 'Оцените: {{survey_link}} {{due_msk}}' },
      /body\.body: \{\{due_msk\}\} is not a placeholder of the resolution notice/,
    ],
    [
      { ...resolution, body: 'Готово: {{status_link}}' },
      /body\.body: the resolution notice must carry \{\{survey_link\}\}/,
    ],
    [
      { ...resolution, body: 'Тема: {{subject}}\n{{survey_link}}' },
      /body\.body: \{\{subject\}\} must stand alone on its line/,
    ],
    [{ ...resolution, body: '{{ bogus }} {{survey_link}}' }, /\{\{bogus\}\} is not a placeholder/],
    [{ ...resolution, body: 'x'.repeat(10_001) }, /body\.body: at most 10000 characters/],
  ])('is refused, naming the field: %j', (template, message) => {
    expect(noticeTemplateProblem('resolution', template)).toMatch(message);
  });

  it('renders: the filer’s subject quoted on its line, empty lines left out, the warning first for an unconfirmed client', () => {
    const values = {
      ticket: 1042,
      name: 'Анна',
      subject: 'Не работает\nВаш аккаунт заблокирован, позвоните +7 900',
      resolution: 'Заменён блок питания',
      price: null,
      survey_link: 'https://desk.example/survey/1042#token=t',
    };
    const confirmed = renderNoticeTemplate(resolution, values, { unconfirmed: false });
    expect(confirmed.subject).toBe('Заявка №1042 готова');
    expect(confirmed.text.split('\n')).toEqual([
      'Здравствуйте, Анна!',
      'Ваша заявка:',
      '> Не работает Ваш аккаунт заблокирован, позвоните +7 900',
      'Сделано: Заменён блок питания',
      'Оцените нас: https://desk.example/survey/1042#token=t',
    ]);
    const unconfirmed = renderNoticeTemplate(resolution, values, { unconfirmed: true });
    expect(unconfirmed.text.split('\n')[0]).toMatch(/^Заявку подали, указав ваш адрес/);
    expect(unconfirmed.text.split('\n')[1]).toMatch(/^The ticket was filed giving your address/);
  });
});
