import { describe, expect, it } from 'vitest';
import { createDrain } from '../src/services/drain';

/** One drain at a time for a channel's stored messages: kicks while running ask for one more pass. */
describe('createDrain', () => {
  it('runs one pass at a time, and one more for every kick while it runs', async () => {
    let passes = 0;
    let release!: () => void;
    const drain = createDrain(
      async () => {
        passes++;
        if (passes === 1) await new Promise<void>((resolve) => (release = resolve));
      },
      () => {},
    );
    const first = drain.run();
    const kicked = [drain.run(), drain.run()];
    expect(passes).toBe(1);
    release();
    await Promise.all([first, ...kicked]);
    // The two kicks during the first pass asked for one more, not two.
    expect(passes).toBe(2);
    await drain.run();
    expect(passes).toBe(3);
  });

  it('stops between items, waits for the pass in hand, and starts none after', async () => {
    const seen: number[] = [];
    let release!: () => void;
    const drain = createDrain(
      async (stopped) => {
        for (const item of [1, 2, 3]) {
          if (stopped()) return;
          seen.push(item);
          if (item === 1) await new Promise<void>((resolve) => (release = resolve));
        }
      },
      () => {},
    );
    const run = drain.run();
    const stopping = drain.stop();
    release();
    await Promise.all([run, stopping]);
    expect(seen).toEqual([1]);
    await drain.run();
    expect(seen).toEqual([1]);
  });

  it('reports a failed pass and runs again when kicked', async () => {
    const errors: unknown[] = [];
    let fail = true;
    let passes = 0;
    const drain = createDrain(
      async () => {
        passes++;
        if (fail) throw new Error('database away');
      },
      (error) => errors.push(error),
    );
    await drain.run();
    expect(String(errors[0])).toMatch(/database away/);
    fail = false;
    await drain.run();
    expect(passes).toBe(2);
  });
});
