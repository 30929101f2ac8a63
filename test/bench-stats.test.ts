import { describe, expect, it } from 'vitest';
import { ticketGenerator } from '../bench/generator';
import { runClosedLoop, summarize } from '../bench/stats';

describe('benchmark arithmetic', () => {
  it('takes nearest-rank percentiles', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 … 1, unsorted on purpose
    expect(summarize(samples)).toEqual({ count: 100, p50: 50, p90: 90, p99: 99, max: 100, mean: 50.5 });
    expect(summarize([7])).toMatchObject({ p50: 7, p99: 7, max: 7 });
    expect(summarize([]).count).toBe(0);
  });

  it('never has more than the allowed number in flight, and runs each index once', async () => {
    let inFlight = 0;
    let most = 0;
    const seen: number[] = [];
    await runClosedLoop(25, 4, async (i) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1 + (i % 3)));
      seen.push(i);
      inFlight--;
    });
    expect(most).toBe(4);
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i));
  });

  it('files the same tickets for the same seed, other clients for another stream', () => {
    const take = (next: () => unknown) => Array.from({ length: 20 }, next);
    expect(take(ticketGenerator(42, 1))).toEqual(take(ticketGenerator(42, 1)));
    expect(take(ticketGenerator(42, 2))).not.toEqual(take(ticketGenerator(42, 1)));
    const tickets = take(ticketGenerator(7)) as Array<{ subject: string; client: { phone?: string; email?: string } }>;
    expect(tickets.every((t) => !t.subject.includes('{') && (t.client.phone || t.client.email))).toBe(true);
    expect(tickets.some((t) => /[а-я]/i.test(t.subject)) && tickets.some((t) => /^[\x20-\x7e]+$/.test(t.subject))).toBe(
      true,
    );
  });
});
