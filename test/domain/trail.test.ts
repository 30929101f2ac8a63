import { describe, expect, it } from 'vitest';
import { pathOf, visitsOf, type TrailEvent } from '../../src/domain/trail';

const event = (id: number, elementId: string, at: string, actor: string | null = null): TrailEvent => ({
  id,
  elementId,
  action: `${elementId}_done`,
  actor,
  at: `2026-01-01T${at}Z`,
});

describe('visitsOf', () => {
  const events = [
    event(1, 'queue', '10:00:00'),
    event(2, 'accept', '10:05:00', 'petrov'),
    event(3, 'execute', '10:06:00', 'petrov'),
    event(4, 'execute', '10:30:00', 'sidorova'),
    event(5, 'execute', '10:40:00', 'petrov'),
    event(6, 'notify', '10:41:30'),
  ];

  it('groups consecutive events at one element and measures each visit to the next one', () => {
    const visits = visitsOf(events);
    expect(visits.map((v) => [v.elementId, v.durationMs, v.events.length])).toEqual([
      ['queue', 5 * 60_000, 1],
      ['accept', 60_000, 1],
      ['execute', 35 * 60_000 + 30_000, 3],
      ['notify', null, 1],
    ]);
    expect(visits[2]!.actors).toEqual(['petrov', 'sidorova']);
    expect(visits[2]!.leftAt).toBe('2026-01-01T10:41:30Z');
    expect(visits[3]!.leftAt).toBeNull();
  });

  it('counts a second visit of the same element after another one (a reopened ticket) separately', () => {
    const reopened = [
      event(1, 'execute', '10:00:00'),
      event(2, 'survey', '10:10:00'),
      event(3, 'reopen', '10:20:00'),
      event(4, 'execute', '10:20:01'),
    ];
    expect(visitsOf(reopened).map((v) => v.elementId)).toEqual(['execute', 'survey', 'reopen', 'execute']);
    expect(pathOf(reopened)).toEqual(['execute', 'survey', 'reopen', 'execute']);
  });

  it('gives an empty trail for no events', () => {
    expect(visitsOf([])).toEqual([]);
    expect(pathOf([])).toEqual([]);
  });

  it('collapses repeats in the path', () => {
    expect(pathOf(events)).toEqual(['queue', 'accept', 'execute', 'notify']);
  });
});
