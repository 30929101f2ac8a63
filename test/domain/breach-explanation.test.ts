import { describe, expect, it } from 'vitest';
import { explainBreach, formatDuration, ruPlural, type BreachFacts } from '../../src/domain/breach-explanation';
import { targetTimelines, type AuditEvent, type TimelineInputs } from '../../src/domain/breach-timeline';
import { calendarPieces } from '../../src/domain/calendar-pieces';
import { aroundTheClock, type BusinessCalendar } from '../../src/domain/calendar';

const MIN = 60_000;
const H = 60 * MIN;

const slaActions = new Set([
  'sla_started',
  'sla_warned',
  'sla_breached',
  'sla_met',
  'sla_escalated',
  'ola_started',
  'sla_changed',
]);
let serial = 0;
/** An event as the desk records it: SLA steps in the escalation process, the rest in the lifecycle. */
const ev = (
  at: string,
  action: string,
  fields: { actor?: string; data?: Record<string, unknown>; key?: string; element?: string } = {},
): AuditEvent => ({
  id: ++serial,
  at: new Date(at),
  processId: slaActions.has(action) ? 'sla_escalation' : 'ticket_lifecycle',
  elementId: fields.element ?? action,
  action,
  actor: fields.actor ?? null,
  data: fields.data ?? {},
  dedupeKey: fields.key ?? `${action}:${serial}`,
});

const queues = new Map([
  ['repairs', { name: 'Ремонт / Repair', supportLine: 1 }],
  ['line2', { name: 'Вторая линия / Line two', supportLine: 2 }],
]);

const inputs = (
  events: AuditEvent[],
  calendar: BusinessCalendar = aroundTheClock(),
  extra: Partial<TimelineInputs> = {},
) => ({
  events,
  queues,
  agreements: new Map(),
  calendars: { agreement: calendar, handover: calendar },
  noticesSent: [],
  now: new Date('2026-03-09T00:00:00Z'),
  ...extra,
});

const started = (at: string, responseSeconds: number, resolutionSeconds: number) =>
  ev(at, 'sla_started', { data: { agreementId: 1, responseSeconds, resolutionSeconds }, key: 'sla:started' });
const breached = (at: string, target: string, dueAt: string) =>
  ev(at, 'sla_breached', { data: { target, dueAt, supportLine: 1 }, key: `sla:breached:${target}` });
const met = (at: string, target: string) =>
  ev(at, 'sla_met', { data: { target, late: true }, key: `sla:met:${target}` });

const timeline = (events: AuditEvent[], target: string, calendar?: BusinessCalendar, extra?: Partial<TimelineInputs>) =>
  targetTimelines(inputs(events, calendar, extra)).find((t) => t.target === target)!;

describe('ru plural forms and durations', () => {
  it('chooses one, few or many as Russian does', () => {
    const day = ['день', 'дня', 'дней'] as const;
    expect([1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111, 112].map((n) => `${n} ${ruPlural(n, day)}`)).toEqual([
      '1 день',
      '2 дня',
      '4 дня',
      '5 дней',
      '11 дней',
      '12 дней',
      '14 дней',
      '21 день',
      '22 дня',
      '25 дней',
      '101 день',
      '111 дней',
      '112 дней',
    ]);
  });

  it('reads durations in days, hours and minutes; under a minute in seconds', () => {
    expect(formatDuration(2 * H + 10 * MIN)).toEqual({ ru: '2 ч 10 мин', en: '2 h 10 min' });
    expect(formatDuration(26 * H)).toEqual({ ru: '1 день 2 ч', en: '1 day 2 h' });
    expect(formatDuration(5 * 24 * H)).toEqual({ ru: '5 дней', en: '5 days' });
    expect(formatDuration(22 * 24 * H + 5 * MIN)).toEqual({ ru: '22 дня 5 мин', en: '22 days 5 min' });
    expect(formatDuration(42_400)).toEqual({ ru: '42 с', en: '42 s' });
  });
});

describe('why a target breached, from its events', () => {
  it('a wait in a queue nobody accepted, then a transfer to line 2', () => {
    const t = timeline(
      [
        ev('2026-03-02T10:00:00Z', 'received'),
        started('2026-03-02T10:00:00Z', 3600, 2 * 3600),
        ev('2026-03-02T10:00:00Z', 'queued', { data: { queue: 'repairs' }, element: 'queue' }),
        breached('2026-03-02T12:00:00Z', 'resolution', '2026-03-02T12:00:00.000Z'),
        ev('2026-03-02T13:00:00Z', 'transferred', { actor: 'ivanova', data: { toQueue: 'line2' }, element: 'queue' }),
        ev('2026-03-02T13:30:00Z', 'accepted', { actor: 'petrov', element: 'accept' }),
        ev('2026-03-02T14:10:00Z', 'resolved', { actor: 'petrov', element: 'execute' }),
        met('2026-03-02T14:10:00Z', 'resolution'),
      ],
      'resolution',
    );
    expect(t).toMatchObject({
      usedMs: 4 * H + 10 * MIN,
      overrunMs: 2 * H + 10 * MIN,
      metAt: '2026-03-02T14:10:00.000Z',
    });
    expect(t.explanation).toEqual({
      ru: 'Нарушено на 2 ч 10 мин: 3 ч в очереди «Ремонт» без принятия, 40 мин в работе у petrov, передача на 2-ю линию в 13:00',
      en: 'Breached by 2 h 10 min: 3 h in queue “Repair” not accepted, 40 min in work with petrov, transfer to line 2 at 13:00',
    });
    expect(t.intervals.map((i) => [i.queue, i.supportLine, i.holder, i.wallMs])).toEqual([
      ['repairs', 1, null, 3 * H],
      ['line2', 2, null, 30 * MIN],
      ['line2', 2, 'petrov', 40 * MIN],
    ]);
    expect(t.elements.reduce((s, e) => s + e.share, 0)).toBeCloseTo(1);
    expect(t.elements.find((e) => e.elementId === 'queue')!.businessMs).toBe(3 * H + 30 * MIN);
  });

  it('waiting for the client is shown and not counted against the resolution', () => {
    const t = timeline(
      [
        started('2026-03-02T10:00:00Z', 3600, 3600),
        ev('2026-03-02T10:00:00Z', 'queued', { data: { queue: 'repairs' } }),
        ev('2026-03-02T10:05:00Z', 'accepted', { actor: 'ivanova' }),
        ev('2026-03-02T10:30:00Z', 'sla_paused', { actor: 'ivanova', data: { reason: 'ждём пароль' } }),
        ev('2026-03-02T12:30:00Z', 'sla_resumed', { actor: 'ivanova' }),
        breached('2026-03-02T13:00:00Z', 'resolution', '2026-03-02T13:00:00.000Z'),
        ev('2026-03-02T13:20:00Z', 'resolved', { actor: 'ivanova' }),
        met('2026-03-02T13:20:00Z', 'resolution'),
      ],
      'resolution',
    );
    expect(t.overrunMs).toBe(20 * MIN);
    expect(t.intervals.filter((i) => i.pause).map((i) => [i.pause, i.wallMs, i.businessMs])).toEqual([
      ['waiting_for_client', 2 * H, 0],
    ]);
    expect(t.explanation!.ru).toBe(
      'Нарушено на 20 мин: 5 мин в очереди «Ремонт» без принятия, 1 ч 15 мин в работе у ivanova, не в счёт: ожидание клиента 2 ч',
    );
    expect(t.explanation!.en).toBe(
      'Breached by 20 min: 5 min in queue “Repair” not accepted, 1 h 15 min in work with ivanova, not counted: waiting for the client 2 h',
    );
  });

  it('out of hours and a holiday are pause stripes on the servicing calendar', () => {
    const office: BusinessCalendar = {
      timeZone: 'UTC',
      week: Object.fromEntries([1, 2, 3, 4, 5].map((d) => [d, [{ start: '09:00', end: '18:00' }]])),
      holidays: ['2026-03-03'],
    };
    // Monday 17:00, one hour to accept; accepted on Wednesday 10:30 (Tuesday is a holiday).
    const t = timeline(
      [
        started('2026-03-02T17:00:00Z', 3600, 8 * 3600),
        ev('2026-03-02T17:00:00Z', 'queued', { data: { queue: 'repairs' } }),
        breached('2026-03-04T09:00:00Z', 'response', '2026-03-04T09:00:00.000Z'),
        ev('2026-03-04T10:30:00Z', 'accepted', { actor: 'petrov' }),
        met('2026-03-04T10:30:00Z', 'response'),
      ],
      'response',
      office,
    );
    expect(t.intervals.map((i) => [i.from.slice(0, 16), i.pause, i.wallMs / H])).toEqual([
      ['2026-03-02T17:00', null, 1],
      ['2026-03-02T18:00', 'out_of_hours', 6],
      ['2026-03-03T00:00', 'holiday', 24],
      ['2026-03-04T00:00', 'out_of_hours', 9],
      ['2026-03-04T09:00', null, 1.5],
    ]);
    expect(t.explanation).toEqual({
      ru: 'Нарушено на 1 ч 30 мин: 2 ч 30 мин в очереди «Ремонт» без принятия, не в счёт: нерабочее время 15 ч, праздники 1 день',
      en: 'Breached by 1 h 30 min: 2 h 30 min in queue “Repair” not accepted, not counted: out of hours 15 h, holidays 1 day',
    });
  });

  it('reassignments, skipped offers and escalation levels with who was told; still open', () => {
    const t = timeline(
      [
        started('2026-03-02T10:00:00Z', 600, 3600),
        ev('2026-03-02T10:00:00Z', 'queued', { data: { queue: 'repairs' } }),
        ev('2026-03-02T10:01:00Z', 'skipped', { actor: 'ivanova', data: { reason: 'не моё' } }),
        ev('2026-03-02T10:02:00Z', 'skipped', { actor: 'petrov', data: { reason: 'занят' } }),
        ev('2026-03-02T10:03:00Z', 'accepted', { actor: 'ivanova' }),
        ev('2026-03-02T10:20:00Z', 'reassigned', { actor: 'ivanova', data: { from: 'ivanova', to: 'petrov' } }),
        ev('2026-03-02T10:40:00Z', 'reassigned', { actor: 'petrov', data: { from: 'petrov', to: 'ivanova' } }),
        ev('2026-03-02T10:48:00Z', 'sla_warned', { key: 'sla:warned:resolution', data: { target: 'resolution' } }),
        breached('2026-03-02T11:00:00Z', 'resolution', '2026-03-02T11:00:00.000Z'),
        ev('2026-03-02T11:30:00Z', 'sla_escalated', {
          key: 'sla:escalated:resolution:1',
          data: { level: 1, target: 'resolution', moved: true, toLine: 2, queue: 'line2', fromLine: 1 },
        }),
      ],
      'resolution',
      aroundTheClock(),
      {
        now: new Date('2026-03-02T12:00:00Z'),
        noticesSent: [
          'sla-warning:resolution:ivanova',
          'sla-breach:resolution:sidorova',
          'sla-escalation:resolution:1:sidorova',
          'sla-warning:resolution:2:petrov',
        ],
      },
    );
    expect(t.metAt).toBeNull();
    expect(t.overrunMs).toBe(H);
    expect(t.markers.map((m) => [m.kind, m.notified ?? null])).toEqual([
      ['offer_skipped', null],
      ['offer_skipped', null],
      ['reassigned', null],
      ['reassigned', null],
      ['warned', ['ivanova']],
      ['breached', ['sidorova']],
      ['escalated', ['sidorova']],
    ]);
    expect(t.explanation).toEqual({
      ru:
        'Нарушено на 1 ч: 30 мин в очереди «Вторая линия» без принятия, 1 ч 7 мин в работе у ivanova, ' +
        'эскалация на 2-ю линию в 11:30, 2 переназначения, 2 пропущенных предложения, ещё не выполнено',
      en:
        'Breached by 1 h: 30 min in queue “Line two” not accepted, 1 h 7 min in work with ivanova, ' +
        'escalation to line 2 at 11:30, 2 reassignments, 2 offers skipped, not met yet',
    });
  });

  it('a reopened ticket: the time between resolution and reopening does not count; round 2 breaches', () => {
    const t = timeline(
      [
        started('2026-03-02T10:00:00Z', 600, 3600),
        ev('2026-03-02T10:00:00Z', 'queued', { data: { queue: 'repairs' } }),
        ev('2026-03-02T10:10:00Z', 'accepted', { actor: 'petrov' }),
        ev('2026-03-02T10:50:00Z', 'resolved', { actor: 'petrov' }),
        met('2026-03-02T10:50:00Z', 'resolution'),
        ev('2026-03-02T12:00:00Z', 'reopened', { actor: 'client', data: { round: 2 } }),
        ev('2026-03-02T12:00:00Z', 'sla_restarted', { data: { target: 'resolution', round: 2 } }),
        ev('2026-03-02T12:10:00Z', 'sla_breached', {
          key: 'sla:breached:resolution:2',
          data: { target: 'resolution', round: 2, dueAt: '2026-03-02T12:10:00.000Z' },
        }),
        ev('2026-03-02T12:30:00Z', 'resolved', { actor: 'petrov' }),
        ev('2026-03-02T12:30:00Z', 'sla_met', {
          key: 'sla:met:resolution:2',
          data: { target: 'resolution', round: 2 },
        }),
      ],
      'resolution',
    );
    expect(t.breaches.map((b) => [b.key, b.round])).toEqual([['resolution:2', 2]]);
    expect(t.metAt).toBe('2026-03-02T12:30:00.000Z');
    expect(t.intervals.filter((i) => i.pause).map((i) => [i.pause, i.wallMs])).toEqual([['resolved', 70 * MIN]]);
    expect([t.usedMs, t.overrunMs]).toEqual([80 * MIN, 20 * MIN]);
    expect(t.explanation!.en).toBe(
      'Breached by 20 min: 10 min in queue “Repair” not accepted, 1 h 10 min in work with petrov',
    );
  });

  it('an SLA change sets the budget; another target’s escalation that moved the ticket shows as a transfer', () => {
    const t = timeline(
      [
        started('2026-03-02T10:00:00Z', 600, 3 * 3600),
        ev('2026-03-02T10:00:00Z', 'queued', { data: { queue: 'repairs' } }),
        ev('2026-03-02T10:10:00Z', 'sla_escalated', {
          key: 'sla:escalated:response:1',
          data: { level: 1, target: 'response', moved: true, toLine: 2, queue: 'line2' },
        }),
        ev('2026-03-02T10:20:00Z', 'sla_changed', { actor: 'sidorova', data: { agreementId: 7 } }),
        ev('2026-03-02T10:30:00Z', 'accepted', { actor: 'petrov' }),
        breached('2026-03-02T11:00:00Z', 'resolution', '2026-03-02T11:00:00.000Z'),
        ev('2026-03-02T11:15:00Z', 'resolved', { actor: 'petrov' }),
        met('2026-03-02T11:15:00Z', 'resolution'),
      ],
      'resolution',
      aroundTheClock('Europe/Moscow'),
      { agreements: new Map([[7, { responseSeconds: 600, resolutionSeconds: 3600 }]]) },
    );
    expect([t.budgetMs, t.overrunMs]).toEqual([H, 15 * MIN]);
    expect(t.markers.map((m) => [m.kind, m.level, m.notified])).toEqual([
      ['escalated', 1, []],
      ['breached', undefined, []],
    ]);
    // 10:10 UTC is 13:10 in Moscow: the servicing calendar's clock.
    expect(t.explanation!.ru).toBe(
      'Нарушено на 15 мин: 20 мин в очереди «Вторая линия» без принятия, 45 мин в работе у petrov, эскалация на 2-ю линию в 13:10',
    );
  });

  it('a target met in time has no explanation; a line’s OLA is a target of its own', () => {
    const all = targetTimelines(
      inputs([
        started('2026-03-02T10:00:00Z', 600, 3600),
        ev('2026-03-02T10:00:00Z', 'queued', { data: { queue: 'repairs' } }),
        ev('2026-03-02T10:05:00Z', 'sla_escalated', {
          actor: 'ivanova',
          key: 'escalate:1',
          data: { level: null, moved: true, toLine: 2, queue: 'line2', reason: 'паяльник' },
        }),
        ev('2026-03-02T10:05:00Z', 'ola_started', {
          data: { target: 'handover', handover: 1, supportLine: 2, handoverSeconds: 60 },
        }),
        ev('2026-03-02T10:06:00Z', 'sla_breached', {
          key: 'sla:breached:handover:1',
          data: { target: 'handover', supportLine: 2 },
        }),
        ev('2026-03-02T10:08:00Z', 'accepted', { actor: 'petrov' }),
        met('2026-03-02T10:08:00Z', 'response'),
        ev('2026-03-02T10:08:00Z', 'sla_met', { data: { target: 'handover', handover: 1, late: true } }),
      ]),
    );
    expect(all.map((t) => [t.target, t.handover, t.explanation?.en ?? null])).toEqual([
      ['response', null, null],
      ['resolution', null, null],
      ['handover', 1, 'Breached by 2 min: 3 min in queue “Line two” not accepted'],
    ]);
  });
});

describe('explanations of each cause alone', () => {
  const none: BreachFacts = {
    overrunMs: 10 * MIN,
    open: false,
    queueWaits: [],
    inWork: [],
    transfers: [],
    reassignments: 0,
    offersSkipped: 0,
    excluded: { waitingForClient: 0, outOfHours: 0, holidays: 0 },
  };
  it.each([
    [{}, 'Нарушено на 10 мин', 'Breached by 10 min'],
    [{ overrunMs: 0 }, 'Нарушено', 'Breached'],
    [
      { inWork: [{ holder: 'petrov', ms: 300 }], queueWaits: [{ queue: 'Ремонт', ms: 499 }] },
      'Нарушено на 10 мин',
      'Breached by 10 min',
    ],
    [{ reassignments: 1 }, 'Нарушено на 10 мин: 1 переназначение', 'Breached by 10 min: 1 reassignment'],
    [{ reassignments: 5 }, 'Нарушено на 10 мин: 5 переназначений', 'Breached by 10 min: 5 reassignments'],
    [{ offersSkipped: 1 }, 'Нарушено на 10 мин: 1 пропущенное предложение', 'Breached by 10 min: 1 offer skipped'],
    [
      { transfers: [{ at: '09:15', toLine: null, toQueue: 'Ремонт / Repair', byEscalation: false }] },
      'Нарушено на 10 мин: передача в очередь «Ремонт» в 09:15',
      'Breached by 10 min: transfer to queue “Repair” at 09:15',
    ],
    [
      { transfers: [{ at: '14:05', toLine: 3, toQueue: null, byEscalation: true }] },
      'Нарушено на 10 мин: эскалация на 3-ю линию в 14:05',
      'Breached by 10 min: escalation to line 3 at 14:05',
    ],
    [
      { excluded: { waitingForClient: 0, outOfHours: 0, holidays: 2 * 24 * H } },
      'Нарушено на 10 мин: не в счёт: праздники 2 дня',
      'Breached by 10 min: not counted: holidays 2 days',
    ],
  ] as const)('%o', (facts, ru, en) => {
    expect(explainBreach({ ...none, ...facts })).toEqual({ ru, en });
  });

  it('cuts a span into working time, nights and days off at local midnight', () => {
    const moscow: BusinessCalendar = {
      timeZone: 'Europe/Moscow',
      week: { 1: [{ start: '09:00', end: '18:00' }] },
      holidays: [],
    };
    // Monday 2026-03-02 17:00 MSK to Tuesday 10:00 MSK: one working hour, then the night and the Tuesday off.
    const pieces = calendarPieces(moscow, Date.parse('2026-03-02T14:00:00Z'), Date.parse('2026-03-03T07:00:00Z'));
    expect(pieces.map((p) => [new Date(p.from).toISOString().slice(0, 16), p.kind])).toEqual([
      ['2026-03-02T14:00', 'working'],
      ['2026-03-02T15:00', 'out_of_hours'],
    ]);
  });
});
