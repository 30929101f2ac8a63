import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addBusinessMinutes } from '../src/domain/calendar';
import { teamCalendarOfTicket } from '../src/repositories/calendars';
import { startTestDesk } from './support/desk';
import { listen } from './support/http';
import { runId, slaProbe } from './support/sla-probe';

type Desk = Awaited<ReturnType<typeof startTestDesk>>;

/**
 * The catalog over HTTP and the quote an accept gives from it.
 */
describe('the catalog and its quotes over HTTP', () => {
  let desk: Desk;
  let call: Awaited<ReturnType<typeof listen>>['call'];
  const run = runId();

  beforeAll(async () => {
    desk = await startTestDesk();
    ({ call } = await listen(desk.app));
  });
  afterAll(async () => desk?.stop());

  const { serviceWithSla, register } = slaProbe(() => call, `zc${run}`);

  it('manages the catalog: create, read, change, deactivate; managers only; clear 4xx', async () => {
    const code = `svc-${run}`;
    const body = {
      code,
      nameRu: 'Чистка ноутбука',
      nameEn: 'Laptop cleaning',
      category: 'repair',
      price: '1200.00',
      normHours: 2,
      supportLine: 2,
      requiredCompetence: 'disassembly',
      checklist: ['Разборка / Disassembly', 'Чистка / Cleaning'],
    };
    expect((await call('POST', '/catalog/services', { operator: 'ivanova', body })).status).toBe(403);
    const created = await call('POST', '/catalog/services', { operator: 'sidorova', body });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ...body, active: true });
    expect((await call('POST', '/catalog/services', { operator: 'sidorova', body })).status).toBe(409);
    const bad = await call('POST', '/catalog/services', {
      operator: 'sidorova',
      body: { ...body, code: `x-${run}`, normHours: 0 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/normHours/);

    const changed = await call('PATCH', `/catalog/services/${code}`, {
      operator: 'sidorova',
      body: { price: '1300.00', normHours: 2.5 },
    });
    expect(changed.body).toMatchObject({ price: '1300.00', normHours: 2.5, nameEn: 'Laptop cleaning' });
    const removed = await call('DELETE', `/catalog/services/${code}`, { operator: 'sidorova' });
    expect(removed.body.active).toBe(false);
    const listed = await call('GET', '/catalog/services', { operator: 'ivanova' });
    expect(listed.body.map((s: { code: string }) => s.code)).not.toContain(code);
    expect(listed.body.map((s: { code: string }) => s.code)).toContain('phone-screen');
    const all = await call('GET', '/catalog/services?includeInactive=true', { operator: 'ivanova' });
    expect(all.body.find((s: { code: string }) => s.code === code)).toMatchObject({ active: false });
    expect(
      (await call('PATCH', `/catalog/services/nope-${run}`, { operator: 'sidorova', body: { price: '1.00' } })).status,
    ).toBe(404);

    const calendar = await call('PUT', `/calendars/berlin-${run}`, {
      operator: 'sidorova',
      body: {
        name: 'Berlin',
        timeZone: 'Europe/Berlin',
        week: { 1: [{ start: '18:00', end: '09:00' }] },
        holidayCountry: 'DE',
      },
    });
    expect(calendar.status).toBe(400);
    expect(calendar.body.message).toMatch(/week\.1\[0\] ends \(09:00\) before it starts/);
    const zone = await call('PUT', `/calendars/mars-${run}`, {
      operator: 'sidorova',
      body: { name: 'Mars', timeZone: 'Mars/Olympus', week: {} },
    });
    expect(zone.body.message).toMatch(/not an IANA time zone/);
    // A calendar with no working time would make every deadline on it "never": refused, naming the field.
    for (const week of [{}, { 1: [], 6: [] }]) {
      const idle = await call('PUT', `/calendars/idle-${run}`, {
        operator: 'sidorova',
        body: { name: 'Idle', timeZone: 'Europe/Berlin', week, exceptions: [{ date: '2028-02-29', hours: [] }] },
      });
      expect(idle.status).toBe(400);
      expect(idle.body.message).toMatch(/^body\.week has no working hours/);
    }
    const mondays = Array.from({ length: 60 }, (_, i) =>
      new Date(Date.UTC(2024, 0, 1) + i * 7 * 86_400_000).toISOString().slice(0, 10),
    );
    const yearOff = await call('PUT', `/calendars/idle-${run}`, {
      operator: 'sidorova',
      body: { name: 'Idle', timeZone: 'UTC', week: { 1: [{ start: '09:00', end: '10:00' }] }, extraHolidays: mondays },
    });
    expect(yearOff.status).toBe(400);
    expect(yearOff.body.message).toMatch(
      /^body\.week: holidays and exceptions leave no working time for over 366 days/,
    );
    const leapDay = await call('PUT', `/calendars/leap-${run}`, {
      operator: 'sidorova',
      body: {
        name: 'Leap day',
        timeZone: 'America/New_York',
        week: { 1: [{ start: '02:00', end: '03:00' }] },
        exceptions: [{ date: '2028-02-29', hours: [{ start: '09:00', end: '24:00' }] }],
      },
    });
    expect(leapDay.status).toBe(200);
    const good = await call('PUT', `/calendars/berlin-${run}`, {
      operator: 'sidorova',
      body: {
        name: 'Berlin',
        timeZone: 'Europe/Berlin',
        week: {
          1: [
            { start: '09:00', end: '13:00' },
            { start: '14:00', end: '17:00' },
          ],
        },
        holidayCountry: 'DE',
        exceptions: [{ date: '2026-12-24', hours: [] }],
      },
    });
    expect(good.status).toBe(200);
    const category = await call('PUT', `/catalog/services/phone-screen/sla/vip`, {
      operator: 'sidorova',
      body: { responseSeconds: 60, resolutionSeconds: 600 },
    });
    expect(category.status).toBe(400);
    expect(category.body.message).toMatch(/clientCategory "vip"/);
  });

  it('quotes price and due date from the catalog on the servicing team’s business calendar', async () => {
    const { keyword } = await serviceWithSla({ responseSeconds: 3600, resolutionSeconds: 7200 });
    const id = await register(keyword);
    const accepted = await call('POST', `/tickets/${id}/accept`, { operator: 'ivanova' });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({
      quotedPrice: '750.00',
      quotedNormHours: 1.5,
      service: { price: '750.00', normHours: 1.5 },
    });
    // The first line works Moscow office hours: 90 norm minutes from acceptance on that calendar.
    const calendar = await teamCalendarOfTicket(desk.db, id, new Date(accepted.body.acceptedAt));
    expect(accepted.body.dueAt).toBe(
      addBusinessMinutes(calendar, new Date(accepted.body.acceptedAt), 90).toISOString(),
    );
  });
});
