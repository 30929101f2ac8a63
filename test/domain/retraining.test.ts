import { describe, expect, it } from 'vitest';
import { suggestCategory, trainCategoryModel } from '../../src/domain/category-model';
import { evaluatePairs, type LabelledText } from '../../src/domain/evaluation';

/**
 * Operators' verdicts before and after they corrected tickets the desk had filed wrongly: status
 * questions ("is my phone ready?") the desk kept putting in repair, and complaints that mention a
 * repair. Probes are tickets neither training saw.
 */
const verdicts: LabelledText[] = [
  { text: 'Не включается ноутбук после обновления, индикатор мигает', category: 'repair' },
  { text: 'Разбит экран телефона, сенсор не реагирует', category: 'repair' },
  { text: 'Laptop keyboard stopped working after coffee spill', category: 'repair' },
  { text: 'Phone battery drains in two hours, please replace it', category: 'repair' },
  { text: 'Принтер жуёт бумагу и печатает полосами', category: 'repair' },
  { text: 'Нет интернета в офисе, роутер мигает красным', category: 'connectivity' },
  { text: 'Wi-Fi drops every ten minutes on the second floor', category: 'connectivity' },
  { text: 'Выставьте счёт на оплату по договору', category: 'billing' },
  { text: 'We were charged twice for one invoice', category: 'billing' },
  { text: 'Сломался стул в переговорной', category: 'facilities' },
  { text: 'Air conditioner in room 4 is leaking', category: 'facilities' },
];

/** What the operators said when they corrected the desk. */
const corrections: LabelledText[] = [
  { text: 'Когда будет готов мой ноутбук? Сдавал в ремонт на прошлой неделе', category: 'status' },
  { text: 'Подскажите, телефон уже починили? Заявка 1042', category: 'status' },
  { text: 'When can I collect my laptop from repair?', category: 'status' },
  { text: 'Is my phone ready yet? Ticket 2210', category: 'status' },
  { text: 'Какой статус заявки на ремонт принтера?', category: 'status' },
  { text: 'Any update on my repair? It has been a week', category: 'status' },
  { text: 'Ремонт затянулся на месяц, это безобразие, требую компенсацию', category: 'complaint' },
  { text: 'Your repair was a disaster, the laptop came back worse, I want to complain', category: 'complaint' },
  { text: 'Хамство мастера при выдаче телефона, хочу оставить жалобу', category: 'complaint' },
];

const probes: LabelledText[] = [
  { text: 'Скажите, когда можно забрать телефон из ремонта?', category: 'status' },
  { text: 'Is the laptop repair finished? When can I pick it up?', category: 'status' },
  { text: 'Принтер уже починили? Какой статус?', category: 'status' },
  { text: 'Any news about my phone? When will it be ready?', category: 'status' },
  { text: 'Третий раз ремонт телефона и снова сломан, это безобразие, жалоба', category: 'complaint' },
  { text: 'I want to complain: the repair of my laptop took a month', category: 'complaint' },
  { text: 'Не заряжается телефон, разъём болтается', category: 'repair' },
  { text: 'Laptop screen flickers and goes black', category: 'repair' },
];

const accuracyOn = (training: LabelledText[]) => {
  const model = trainCategoryModel(training);
  return evaluatePairs(
    probes.map(({ text, category }) => ({ actual: category, predicted: suggestCategory(model, text)?.category ?? '' })),
  ).accuracy;
};

describe('retraining on operator corrections', () => {
  it('makes the model right more often on tickets like the corrected ones', () => {
    const before = accuracyOn(verdicts);
    const after = accuracyOn([...verdicts, ...corrections]);
    expect(before).toBeLessThanOrEqual(0.25);
    expect(after).toBeGreaterThanOrEqual(0.75);
  });
});
