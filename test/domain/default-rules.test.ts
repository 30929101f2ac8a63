import { describe, expect, it } from 'vitest';
import { decideClassification, normaliseText } from '../../src/domain/classify';
import { defaultRules } from '../../src/domain/default-rules';
import { applyRules, compileRules } from '../../src/domain/rules';

/** The rules a new desk starts with: the same decisions the first-cut keyword classifier made. */
const rules = compileRules(defaultRules.map((rule, i) => ({ ...rule, id: i + 1, position: i + 1, enabled: true })));

const ticket = (subject: string, description = '', clientCategory = 'regular') => {
  const decision = applyRules(rules, { subject, description, channel: 'api', clientCategory });
  return { ...decideClassification(decision, []), matched: decision.fired.flatMap((f) => f.because) };
};

describe('default rules: category', () => {
  it.each([
    ['repair', 'Ноутбук не включается', 'После падения со стола ноутбук не включается, индикатор зарядки не горит.'],
    ['repair', 'Разбит экран смартфона', 'Уронил смартфон, по экрану пошли трещины, сенсор не реагирует.'],
    ['repair', 'Laptop screen cracked', 'The screen of my laptop cracked after a fall and shows vertical lines.'],
    [
      'warranty',
      'Гарантийный случай',
      'Купил пылесос два месяца назад, перестал всасывать. Прошу принять по гарантии.',
    ],
    ['warranty', 'Is my vacuum still covered?', 'Bought it in March; does the warranty cover a broken motor?'],
    ['connectivity', 'Нет интернета в офисе', 'С утра на третьем этаже пропал интернет, роутер мигает красным.'],
    ['connectivity', 'VPN не подключается', 'Из дома не могу зайти в корпоративную сеть, VPN выдаёт ошибку 809.'],
    ['connectivity', 'Wi-Fi drops every hour', 'The office Wi-Fi keeps dropping the connection in meeting room B.'],
    ['billing', 'Выставьте счёт', 'Прошу выставить счёт на оплату ремонта по договору №17 для ООО «Ромашка».'],
    ['billing', 'Нужен акт сверки', 'Бухгалтерия просит акт сверки за первый квартал.'],
    ['billing', 'Charged twice', 'Invoice 2023-118 was charged twice, please refund one payment.'],
    ['facilities', 'Сломался стул', 'В переговорной у стула отвалилась спинка, нужна замена мебели.'],
    ['facilities', 'Жарко в кабинете', 'Кондиционер в 305 кабинете гонит тёплый воздух.'],
    ['facilities', 'Cleaning of the lobby', 'The lobby has not had its cleaning since Monday.'],
    ['complaint', 'Жалоба на мастера', 'Мастер опоздал на два часа и нагрубил. Я недоволен обслуживанием.'],
    ['complaint', 'Formal complaint', 'Three visits and the fault is still there. This is unacceptable.'],
    ['general', 'Часы работы', 'Подскажите, пожалуйста, до скольки вы работаете в субботу?'],
    ['general', 'Opening hours', 'Hello, are you open on public holidays?'],
  ])('%s: %s', (category, subject, description) => {
    expect(ticket(subject, description).category).toBe(category);
  });

  it('reads subject and description together', () => {
    expect(ticket('Вопрос', 'Не приходит счёт за май').category).toBe('billing');
    expect(ticket('Не приходит счёт за май', 'Вопрос').category).toBe('billing');
  });

  it('treats ё as е: "счёт" matches the stem "счет"', () => {
    const result = ticket('Где мой счёт?');
    expect(result.category).toBe('billing');
    expect(result.matched).toContain('word "счет" (in "счет")');
  });

  it('ignores case in Russian and English', () => {
    expect(ticket('РОУТЕР НЕ РАЗДАЁТ').category).toBe('connectivity');
    expect(ticket('Router Is Dead').category).toBe('connectivity');
    expect(ticket('СЧЁТ НЕ ПРИШЁЛ').category).toBe('billing');
  });

  it('matches a phrase split across lines', () => {
    expect(ticket('Планшет', 'Совсем\nне\n  включается').category).toBe('repair');
  });

  it('says which words decided', () => {
    expect(ticket('Ремонт телефона').matched).toEqual([
      'word "телефон" (in "телефона")',
      'word "ремонт" (in "ремонт")',
    ]);
    expect(ticket('Подскажите адрес').matched).toEqual([]);
  });
});

describe('default rules: order', () => {
  it('takes a complaint about a repair for a complaint, with the repair words as evidence too', () => {
    const decision = applyRules(rules, {
      subject: 'Претензия по ремонту',
      description: 'Ремонт телефона занял месяц, экран снова не работает.',
      channel: 'api',
      clientCategory: 'regular',
    });
    expect(decideClassification(decision, []).category).toBe('complaint');
    expect(decision.evidence.map((e) => [e.category, e.because])).toEqual([
      ['complaint', ['word "претензия" (in "претензия")', 'word "претенз*" (in "претензия")']],
      ['repair', ['word "телефон" (in "телефона")', 'word "экран" (in "экран")', 'word "ремонт" (in "ремонту")']],
    ]);
  });

  it('takes a complaint about an invoice for a complaint', () => {
    expect(ticket('I want to complain', 'Your invoice is wrong again.').category).toBe('complaint');
  });

  it('takes a broken phone under warranty for warranty', () => {
    expect(ticket('Телефон на гарантии', 'Экран погас, телефон не включается.').category).toBe('warranty');
  });

  it('takes a broken chair for facilities, not repair', () => {
    expect(ticket('Broken chair', 'The chair in room 12 is broken.').category).toBe('facilities');
  });
});

describe('default rules: priority', () => {
  it('is normal by default', () => {
    expect(ticket('Ноутбук не включается').priority).toBe('normal');
  });

  it.each([
    'Авария: не работает интернет',
    'Аварийное отключение сети',
    'Почта не работает у всех',
    'Network outage in building 2',
    'Everyone is down since 9:00',
  ])('is critical for %j', (subject) => {
    expect(ticket(subject).priority).toBe('critical');
  });

  it.each([
    'Срочно нужен счёт',
    'Срочная замена экрана',
    'СРОЧНО!!!',
    'Urgent: router dead',
    'Please call back ASAP',
    'Need a refund immediately',
  ])('is high for %j', (subject) => {
    expect(ticket(subject).priority).toBe('high');
  });

  it('is high for a wholesale client even without urgent words', () => {
    expect(ticket('Партия ноутбуков на ремонт', 'Двадцать штук, не включаются.', 'wholesale').priority).toBe('high');
  });

  it('stays normal for regular and one-time clients', () => {
    expect(ticket('Партия ноутбуков на ремонт', '', 'regular').priority).toBe('normal');
    expect(ticket('Партия ноутбуков на ремонт', '', 'one_time').priority).toBe('normal');
  });

  it('lets critical words win over urgent words and the wholesale category', () => {
    expect(ticket('Срочно! Авария', '', 'wholesale').priority).toBe('critical');
  });

  it('lists the firing rules, authoritative first, each with the field it decided', () => {
    const decision = applyRules(rules, {
      subject: 'Авария роутера',
      description: 'Нужно срочно',
      channel: 'api',
      clientCategory: 'regular',
    });
    expect(decision.fired.map((f) => [f.name, f.kind, f.decided])).toEqual([
      ['Авария / outage → critical', 'authoritative', ['priority']],
      ['Связь и сеть / connectivity', 'evidence', []],
    ]);
    expect(decision.evidence).toEqual([
      {
        ruleId: decision.fired[1]!.ruleId,
        name: 'Связь и сеть / connectivity',
        category: 'connectivity',
        because: ['word "роутер" (in "роутера")'],
      },
    ]);
  });

  it('is not raised by a negated "не срочно" or "not urgent"', () => {
    expect(ticket('Не срочно: заменить картридж в принтере').priority).toBe('normal');
    expect(ticket('Not urgent: replace the printer cartridge').priority).toBe('normal');
    expect(ticket('Не срочно, но потом очень срочно').priority).toBe('high');
  });
});

describe('normaliseText', () => {
  it('lower-cases, folds ё into е and collapses whitespace', () => {
    expect(normaliseText('Ёлка  И\tЁЖ\n\nПришёл')).toBe('елка и еж пришел');
  });
});
