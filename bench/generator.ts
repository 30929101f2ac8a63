import type { NewTicket } from '../src/services/ticket-service';

/** mulberry32: a tiny seeded PRNG, so every run files the same tickets. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Subjects and texts clients write, Russian and English, across every category the classifier knows. */
export const texts: Array<{ subject: string; description: string }> = [
  {
    subject: 'Не включается ноутбук {model}',
    description: 'После обновления ноутбук не включается, индикатор питания мигает. Серийный номер {serial}.',
  },
  {
    subject: 'Разбит экран телефона {model}',
    description: 'Телефон упал, экран разбит, сенсор не реагирует. Срочно нужен ремонт.',
  },
  {
    subject: 'Не работает интернет в офисе',
    description: 'С утра нет интернета, роутер {model} перезагружали, не помогло.',
  },
  {
    subject: 'Вопрос по счёту {serial}',
    description: 'Просим прислать акт сверки и уточнить оплату по счёту {serial}.',
  },
  { subject: 'Сломался стул в переговорной', description: 'В переговорной 3 сломан стул, нужна замена мебели.' },
  {
    subject: 'Гарантийный ремонт {model}',
    description: 'Устройство на гарантии, перестала заряжаться батарея. Чек {serial} прилагаем.',
  },
  {
    subject: 'Жалоба на сроки ремонта',
    description: 'Недоволен сроками: ремонт {model} идёт третью неделю. Претензия по заказу {serial}.',
  },
  { subject: 'Консультация по услугам', description: 'Подскажите, какие услуги вы оказываете для юридических лиц?' },
  {
    subject: 'Laptop {model} does not turn on',
    description: 'After the update the laptop does not boot, the power light blinks. Serial {serial}.',
  },
  {
    subject: 'Broken screen on my phone {model}',
    description: 'Dropped the phone, the screen is cracked and touch does not respond. Urgent please.',
  },
  {
    subject: 'No internet connection',
    description: 'The router {model} lost the connection this morning; restarting did not help.',
  },
  { subject: 'Invoice {serial} question', description: 'Please resend invoice {serial} and confirm the payment date.' },
  {
    subject: 'Air conditioning in room 204',
    description: 'The air conditioner in room 204 is leaking, please send someone.',
  },
  {
    subject: 'Warranty claim for {model}',
    description: 'The device is under warranty and the battery no longer charges. Receipt {serial}.',
  },
  {
    subject: 'Complaint about the service',
    description: 'This is unacceptable: my {model} has been in repair for three weeks (order {serial}).',
  },
  { subject: 'General question', description: 'What are your opening hours on public holidays?' },
];

export const models = [
  'Lenovo T14',
  'HP 250 G8',
  'iPhone 13',
  'Galaxy S22',
  'Redmi Note 12',
  'MacBook Air',
  'Keenetic Giga',
  'TP-Link C6',
  'ASUS VivoBook',
  'Honor X8',
];

/** The demo clients of src/db/seed.ts, found by phone or e-mail: returning customers. */
const knownClients = [
  { phone: '+7 (495) 123-45-67' },
  { phone: '8 903 111 22 33' },
  { phone: '8 (916) 123-45-67' },
  { email: 'john.carter@example.com' },
  { phone: '+7 926 555-44-33' },
  { email: 'e.morozova@mail.example' },
];

/** An endless, reproducible stream of new tickets; `stream` keeps scenarios' clients apart. */
export function ticketGenerator(seed: number, stream = 0): () => NewTicket {
  const random = seededRandom(seed * 1000 + stream);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  let n = 0;
  return () => {
    n++;
    const text = pick(texts);
    const fill = (s: string) =>
      s
        .replace('{model}', pick(models))
        .replace('{serial}', `SN-${stream}${String(Math.floor(random() * 1e6)).padStart(6, '0')}`);
    const returning = random() < 0.3;
    const client = returning
      ? pick(knownClients)
      : random() < 0.5
        ? {
            name: `Клиент ${stream}-${n}`,
            phone: `+7 9${String(stream % 100).padStart(2, '0')} ${String(Math.floor(random() * 1e7)).padStart(7, '0')}`,
          }
        : { name: `Client ${stream}-${n}`, email: `client.${stream}.${n}.${Math.floor(random() * 1e6)}@bench.example` };
    return {
      channel: pick(['api', 'web', 'email', 'telegram'] as const),
      subject: fill(text.subject),
      description: fill(text.description),
      client,
    };
  };
}
