import { and, count, eq, inArray, isNull, sql } from 'drizzle-orm';
import { CALL_BACK_SERVICE } from '../domain/calls';
import { defaultRules } from '../domain/default-rules';
import type { Database } from './client';
import { DEFAULT_CALENDAR_CODE } from '../repositories/calendars';
import {
  businessCalendars,
  catalogServices,
  classificationRules,
  clientCategories,
  clients,
  olaAgreements,
  operatorGroupMembers,
  operatorGroups,
  operators,
  overdueReasons,
  queueAccess,
  queues,
  slaAgreements,
} from './schema';

/**
 * A small demo desk: three support lines with a queue each and their groups' access to each,
 * three operators, a catalog with prices and norm hours, SLA per service × client category on the
 * RU office calendar, OLA per line, overdue reasons, and clients of every category. Safe to run
 * on every start.
 */
/**
 * Petrov: the workshop's categories (auto-assignment reads them) and soldering, which phone-screen
 * requires. Sidorova, the third line's expert and manager, solders too.
 */
const demoCompetences: Record<string, string[]> = {
  petrov: ['repair', 'warranty', 'soldering'],
  sidorova: ['soldering'],
};

/** The demo seed's staff, who sign in with the documented demo password (README) while SEED_DEMO is on. */
export const demoStaff = ['ivanova', 'petrov', 'sidorova'] as const;
export const DEMO_PASSWORD = 'demo-desk-2026';

export async function seedDemoData(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    // Two desks starting on one database at once must not both add the default rules.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('seed-demo'))`);
    const weekdays = (hours: { start: string; end: string }[]) => ({
      1: hours,
      2: hours,
      3: hours,
      4: hours,
      5: hours,
    });
    await tx
      .insert(businessCalendars)
      .values([
        {
          code: DEFAULT_CALENDAR_CODE,
          name: 'Офис, Москва, пн–пт 9–18 с обедом / Moscow office, Mon–Fri 9–18 with lunch',
          timeZone: 'Europe/Moscow',
          week: weekdays([
            { start: '09:00', end: '13:00' },
            { start: '14:00', end: '18:00' },
          ]),
          holidayCountry: 'RU',
        },
        {
          code: '24x7',
          name: 'Круглосуточно / Around the clock',
          timeZone: 'UTC',
          week: Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [d, [{ start: '00:00', end: '24:00' }]])),
        },
      ])
      .onConflictDoNothing();
    const [office] = await tx
      .select({ id: businessCalendars.id })
      .from(businessCalendars)
      .where(eq(businessCalendars.code, DEFAULT_CALENDAR_CODE));

    await tx
      .insert(operatorGroups)
      .values([
        { code: 'first-line', name: '1-я линия / First line', calendarId: office!.id },
        { code: 'workshop', name: 'Мастерская / Repair workshop', calendarId: office!.id },
        { code: 'experts', name: '3-я линия, эксперты / Third line, experts', calendarId: office!.id },
      ])
      .onConflictDoNothing();
    await tx.update(operatorGroups).set({ calendarId: office!.id }).where(isNull(operatorGroups.calendarId));
    const groups = await tx
      .select()
      .from(operatorGroups)
      .where(inArray(operatorGroups.code, ['first-line', 'workshop', 'experts']));
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
          supportLine: 1,
        },
        {
          code: 'repairs',
          name: 'Ремонт техники / Repairs',
          groupId: groupId('workshop'),
          categories: ['repair', 'warranty'],
          supportLine: 2,
        },
        // Takes only what reached the third line (escalation), never new tickets.
        {
          code: 'experts',
          name: 'Эксперты / Experts',
          groupId: groupId('experts'),
          categories: [],
          supportLines: [3],
          supportLine: 3,
        },
      ])
      .onConflictDoNothing();

    // Each queue's own group works it and the others overview it (the triggers of migration 0024); the
    // experts lead the lines below. A grant an administrator has changed since it was made stays as set.
    const queueRows = await tx.select({ id: queues.id, code: queues.code }).from(queues);
    const queueId = (code: string) => queueRows.find((q) => q.code === code)!.id;
    await tx
      .insert(queueAccess)
      .values([
        { groupId: groupId('experts'), queueId: queueId('general'), level: 'manage' as const },
        { groupId: groupId('experts'), queueId: queueId('repairs'), level: 'manage' as const },
      ])
      .onConflictDoUpdate({
        target: [queueAccess.groupId, queueAccess.queueId],
        set: { level: sql`excluded.level` },
        where: sql`${queueAccess.updatedAt} = ${queueAccess.createdAt}`,
      });

    await tx
      .insert(operators)
      .values([
        { id: 'ivanova', name: 'Анна Иванова', email: 'ivanova@desk.local', role: 'operator', supportLine: 1 },
        {
          id: 'petrov',
          name: 'Пётр Петров',
          email: 'petrov@desk.local',
          role: 'operator',
          supportLine: 2,
          competences: demoCompetences.petrov,
        },
        {
          id: 'sidorova',
          name: 'Мария Сидорова',
          email: 'sidorova@desk.local',
          role: 'manager',
          supportLine: 3,
          competences: demoCompetences.sidorova,
        },
      ])
      .onConflictDoNothing();
    // Desks seeded before competences were enforced: the demo operators keep taking screen repairs.
    for (const [id, competences] of Object.entries(demoCompetences)) {
      await tx
        .update(operators)
        .set({ competences })
        .where(and(eq(operators.id, id), sql`cardinality(${operators.competences}) = 0`));
    }
    await tx
      .insert(operatorGroupMembers)
      .values([
        { operatorId: 'ivanova', groupId: groupId('first-line') },
        { operatorId: 'petrov', groupId: groupId('workshop') },
        { operatorId: 'sidorova', groupId: groupId('first-line') },
        { operatorId: 'sidorova', groupId: groupId('workshop') },
        { operatorId: 'sidorova', groupId: groupId('experts') },
      ])
      .onConflictDoNothing();

    await tx
      .insert(catalogServices)
      .values([
        {
          code: 'phone-screen',
          checklist: [
            'Диагностика / Diagnostics',
            'Замена модуля / Module replaced',
            'Проверка сенсора / Touch tested',
          ],
          requiredCompetence: 'soldering',
          keywords: ['экран', 'дисплей', 'стекло', 'screen', 'display'],
          nameRu: 'Замена экрана смартфона',
          nameEn: 'Smartphone screen replacement',
          category: 'repair',
          price: '3500.00',
          normHours: '2',
          supportLine: 2,
          isCategoryDefault: true,
        },
        {
          code: 'laptop-diagnostics',
          keywords: ['ноутбук', 'laptop', 'notebook'],
          nameRu: 'Диагностика ноутбука',
          nameEn: 'Laptop diagnostics',
          category: 'repair',
          price: '1500.00',
          normHours: '1',
          supportLine: 2,
        },
        {
          code: 'warranty-check',
          nameRu: 'Гарантийная экспертиза',
          nameEn: 'Warranty inspection',
          category: 'warranty',
          price: '0.00',
          normHours: '3',
          supportLine: 2,
          isCategoryDefault: true,
        },
        {
          code: 'network-setup',
          nameRu: 'Настройка сети и роутера',
          nameEn: 'Network and router setup',
          category: 'connectivity',
          price: '2000.00',
          normHours: '1.5',
          isCategoryDefault: true,
        },
        {
          code: 'invoice-question',
          nameRu: 'Вопрос по счёту',
          nameEn: 'Invoice question',
          category: 'billing',
          price: '0.00',
          normHours: '0.5',
          isCategoryDefault: true,
        },
        {
          code: 'facilities-request',
          nameRu: 'Заявка АХО',
          nameEn: 'Facilities request',
          category: 'facilities',
          price: '0.00',
          normHours: '4',
          isCategoryDefault: true,
        },
        {
          code: 'complaint-review',
          nameRu: 'Рассмотрение жалобы',
          nameEn: 'Complaint review',
          category: 'complaint',
          price: '0.00',
          normHours: '8',
          supportLine: 2,
          isCategoryDefault: true,
        },
        {
          code: 'consultation',
          nameRu: 'Консультация',
          nameEn: 'Consultation',
          category: 'general',
          price: '500.00',
          normHours: '1',
          isCategoryDefault: true,
        },
        {
          // A missed call's ticket asks for it (src/domain/calls.ts): no text chooses it, so no keywords.
          code: CALL_BACK_SERVICE,
          nameRu: 'Перезвонить клиенту (пропущенный звонок)',
          nameEn: 'Call the client back (missed call)',
          category: 'general',
          price: '0.00',
          normHours: '0.25',
        },
      ])
      .onConflictDoNothing();

    // SLA per service × client category: wholesale answered fastest, one-time clients slowest;
    // resolution twice the norm hours. Breaches go to the manager at once, then up the lines.
    // A missed call is called back within minutes (15 for wholesale, 30, 60), and done within two hours.
    const services = await tx
      .select({ id: catalogServices.id, code: catalogServices.code, normHours: catalogServices.normHours })
      .from(catalogServices);
    const responseHours = { wholesale: 1, regular: 2, one_time: 4 } as const;
    const callBackMinutes = { wholesale: 15, regular: 30, one_time: 60 } as const;
    await tx
      .insert(slaAgreements)
      .values(
        services.flatMap((service) =>
          clientCategories.map((clientCategory) => ({
            serviceId: service.id,
            clientCategory,
            responseSeconds:
              service.code === CALL_BACK_SERVICE
                ? callBackMinutes[clientCategory] * 60
                : responseHours[clientCategory] * 3600,
            resolutionSeconds:
              service.code === CALL_BACK_SERVICE ? 2 * 3600 : Math.round(Number(service.normHours) * 2 * 3600),
            escalation: [
              { afterSeconds: 0, recipients: ['sidorova'] },
              { afterSeconds: 2 * 3600, recipients: ['sidorova'] },
              { afterSeconds: 8 * 3600, recipients: ['sidorova'] },
            ],
          })),
        ),
      )
      .onConflictDoNothing();
    await tx
      .insert(olaAgreements)
      .values([
        { supportLine: 2, handoverSeconds: 2 * 3600, recipients: ['sidorova'] },
        { supportLine: 3, handoverSeconds: 4 * 3600, recipients: ['sidorova'] },
      ])
      .onConflictDoNothing();
    await tx
      .insert(overdueReasons)
      .values([
        { code: 'waiting-parts', nameRu: 'Ожидание запчастей', nameEn: 'Waiting for parts' },
        { code: 'client-unreachable', nameRu: 'Клиент недоступен', nameEn: 'Client unreachable' },
        { code: 'underestimated', nameRu: 'Работа сложнее норматива', nameEn: 'Work harder than the norm' },
        { code: 'third-party', nameRu: 'Задержка подрядчика', nameEn: 'Third-party delay' },
        { code: 'overload', nameRu: 'Перегрузка линии', nameEn: 'Line overloaded' },
      ])
      .onConflictDoNothing();

    await tx
      .insert(clients)
      .values([
        { name: 'ООО «ТехноОпт»', phone: '+74951234567', email: 'zakaz@tehnoopt.example', category: 'wholesale' },
        {
          name: 'ИП Смирнов (посредник)',
          phone: '+79031112233',
          email: 'smirnov@partner.example',
          category: 'wholesale',
        },
        { name: 'Ольга Кузнецова', phone: '+79161234567', email: 'olga.k@mail.example', category: 'regular' },
        {
          name: 'John Carter',
          phone: '+447700900123',
          email: 'john.carter@example.com',
          category: 'regular',
          preferredChannel: 'email',
        },
        { name: 'Дмитрий Волков', phone: '+79265554433', email: null, category: 'one_time', preferredChannel: 'sms' },
        { name: 'Елена Морозова', phone: null, email: 'e.morozova@mail.example', category: 'one_time' },
      ])
      .onConflictDoNothing();

    const [rules] = await tx.select({ n: count() }).from(classificationRules);
    if (rules!.n === 0)
      await tx.insert(classificationRules).values(defaultRules.map((rule, i) => ({ ...rule, position: (i + 1) * 10 })));
  });
}
