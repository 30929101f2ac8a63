import { count, inArray, sql } from 'drizzle-orm';
import { defaultRules } from '../domain/default-rules';
import type { Database } from './client';
import { catalogServices, classificationRules, clients, operatorGroupMembers, operatorGroups, operators, queues } from './schema';

/**
 * A small demo desk: two groups with a queue each, three operators, a catalog with
 * prices and norm hours, and clients of every category. Safe to run on every start.
 */
export async function seedDemoData(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    // Two desks starting on one database at once must not both add the default rules.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('seed-demo'))`);
    await tx
      .insert(operatorGroups)
      .values([
        { code: 'first-line', name: '1-я линия / First line' },
        { code: 'workshop', name: 'Мастерская / Repair workshop' },
      ])
      .onConflictDoNothing();
    const groups = await tx.select().from(operatorGroups).where(inArray(operatorGroups.code, ['first-line', 'workshop']));
    const groupId = (code: string) => groups.find((g) => g.code === code)!.id;

    await tx
      .insert(queues)
      .values([
        {
          code: 'general',
          name: 'Общие вопросы / General',
          groupId: groupId('first-line'),
          categories: ['general', 'connectivity', 'billing', 'facilities', 'complaint'],
          isFallback: true,
          position: 1000,
        },
        { code: 'repairs', name: 'Ремонт техники / Repairs', groupId: groupId('workshop'), categories: ['repair', 'warranty'] },
      ])
      .onConflictDoNothing();

    await tx
      .insert(operators)
      .values([
        { id: 'ivanova', name: 'Анна Иванова', email: 'ivanova@desk.local', role: 'operator', supportLine: 1 },
        { id: 'petrov', name: 'Пётр Петров', email: 'petrov@desk.local', role: 'operator', supportLine: 2 },
        { id: 'sidorova', name: 'Мария Сидорова', email: 'sidorova@desk.local', role: 'manager', supportLine: 3 },
      ])
      .onConflictDoNothing();
    await tx
      .insert(operatorGroupMembers)
      .values([
        { operatorId: 'ivanova', groupId: groupId('first-line') },
        { operatorId: 'petrov', groupId: groupId('workshop') },
        { operatorId: 'sidorova', groupId: groupId('first-line') },
        { operatorId: 'sidorova', groupId: groupId('workshop') },
      ])
      .onConflictDoNothing();

    await tx
      .insert(catalogServices)
      .values([
        { code: 'phone-screen', keywords: ['экран', 'дисплей', 'стекло', 'screen', 'display'], nameRu: 'Замена экрана смартфона', nameEn: 'Smartphone screen replacement', category: 'repair', price: '3500.00', normHours: '2', supportLine: 2, isCategoryDefault: true },
        { code: 'laptop-diagnostics', keywords: ['ноутбук', 'laptop', 'notebook'], nameRu: 'Диагностика ноутбука', nameEn: 'Laptop diagnostics', category: 'repair', price: '1500.00', normHours: '1', supportLine: 2 },
        { code: 'warranty-check', nameRu: 'Гарантийная экспертиза', nameEn: 'Warranty inspection', category: 'warranty', price: '0.00', normHours: '3', supportLine: 2, isCategoryDefault: true },
        { code: 'network-setup', nameRu: 'Настройка сети и роутера', nameEn: 'Network and router setup', category: 'connectivity', price: '2000.00', normHours: '1.5', isCategoryDefault: true },
        { code: 'invoice-question', nameRu: 'Вопрос по счёту', nameEn: 'Invoice question', category: 'billing', price: '0.00', normHours: '0.5', isCategoryDefault: true },
        { code: 'facilities-request', nameRu: 'Заявка АХО', nameEn: 'Facilities request', category: 'facilities', price: '0.00', normHours: '4', isCategoryDefault: true },
        { code: 'complaint-review', nameRu: 'Рассмотрение жалобы', nameEn: 'Complaint review', category: 'complaint', price: '0.00', normHours: '8', supportLine: 2, isCategoryDefault: true },
        { code: 'consultation', nameRu: 'Консультация', nameEn: 'Consultation', category: 'general', price: '500.00', normHours: '1', isCategoryDefault: true },
      ])
      .onConflictDoNothing();

    await tx
      .insert(clients)
      .values([
        { name: 'ООО «ТехноОпт»', phone: '+74951234567', email: 'zakaz@tehnoopt.example', category: 'wholesale' },
        { name: 'ИП Смирнов (посредник)', phone: '+79031112233', email: 'smirnov@partner.example', category: 'wholesale' },
        { name: 'Ольга Кузнецова', phone: '+79161234567', email: 'olga.k@mail.example', category: 'regular' },
        { name: 'John Carter', phone: '+447700900123', email: 'john.carter@example.com', category: 'regular', preferredChannel: 'email' },
        { name: 'Дмитрий Волков', phone: '+79265554433', email: null, category: 'one_time', preferredChannel: 'sms' },
        { name: 'Елена Морозова', phone: null, email: 'e.morozova@mail.example', category: 'one_time' },
      ])
      .onConflictDoNothing();

    const [rules] = await tx.select({ n: count() }).from(classificationRules);
    if (rules!.n === 0) await tx.insert(classificationRules).values(defaultRules.map((rule, i) => ({ ...rule, position: (i + 1) * 10 })));
  });
}
