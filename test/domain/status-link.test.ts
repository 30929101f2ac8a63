import { describe, expect, it } from 'vitest';
import { clientStatusView, statusUrl } from '../../src/domain/status-link';
import type { TicketDetails } from '../../src/domain/ticket-details';

const ticket = (over: Partial<TicketDetails>) =>
  ({
    id: 1042,
    subject: 'Не печатает',
    stage: 'in_work',
    createdAt: '2026-12-01T09:00:00.000Z',
    dueAt: '2026-12-02T09:00:00.000Z',
    sla: { resolutionDueAt: '2026-12-01T17:00:00.000Z' },
    quotedPrice: '1500.00',
    resolution: 'Заменили картридж',
    resolvedAt: '2026-12-01T12:00:00.000Z',
    assigneeId: 'ivanova',
    ...over,
  }) as unknown as TicketDetails;

const article = (minutes: number, direction: 'in' | 'out', body: string, isPublic = true) => ({
  direction,
  body,
  public: isPublic,
  createdAt: new Date(Date.UTC(2026, 11, 1, 9, minutes)),
});

describe('what the client sees on the status page', () => {
  it('shows the promised date while worked, the resolution once resolved, never who works it', () => {
    const working = clientStatusView(ticket({ resolution: null, resolvedAt: null }), []);
    expect(working).toMatchObject({
      stage: 'in_work',
      stageText: { ru: 'в работе', en: 'in work' },
      dueAt: '2026-12-02T09:00:00.000Z',
      resolution: null,
      surveyOpen: false,
    });
    expect(working).not.toHaveProperty('assigneeId');
    const waiting = clientStatusView(ticket({ stage: 'awaiting_survey' }), []);
    expect(waiting).toMatchObject({ dueAt: null, resolution: 'Заменили картридж', surveyOpen: true });
    // Without the catalog's promise, the SLA's resolution deadline is the date given.
    expect(clientStatusView(ticket({ dueAt: null }), []).dueAt).toBe('2026-12-01T17:00:00.000Z');
    // A resolution text is not shown before the ticket is resolved (a reopened ticket is worked again).
    expect(clientStatusView(ticket({ stage: 'in_work' }), []).resolution).toBeNull();
  });

  it('lists public messages both ways, newest first, at most 20, long ones cut', () => {
    const articles = [
      article(1, 'in', 'Не печатает'),
      article(2, 'out', 'Внутренняя заметка', false),
      article(3, 'out', 'Мастер приедет завтра'),
      article(4, 'in', 'я'.repeat(2_500)),
      ...Array.from({ length: 25 }, (_, i) => article(10 + i, 'out', `обновление ${i}`)),
    ];
    const { updates } = clientStatusView(ticket({}), articles);
    expect(updates).toHaveLength(20);
    expect(updates[0]).toEqual({ from: 'desk', at: '2026-12-01T09:34:00.000Z', text: 'обновление 24' });
    const all = clientStatusView(ticket({}), articles.slice(0, 4)).updates;
    expect(all.map((u) => u.from)).toEqual(['client', 'desk', 'client']);
    expect(all.some((u) => u.text === 'Внутренняя заметка')).toBe(false);
    expect(all[0]!.text).toHaveLength(2_001);
  });

  it('puts the secret in the fragment of the link', () => {
    expect(statusUrl('https://desk.example.ru/app', 7, 'abc_-1')).toBe('https://desk.example.ru/status/7#token=abc_-1');
  });
});
